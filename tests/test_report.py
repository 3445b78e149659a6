"""Per-unit figures (per 实施主体) add up to the report's totals, so rankings can be trusted."""
from conftest import CATALOGS
from validators import validate


def test_per_unit_rows_and_errors_add_up():
    report = validate(str(CATALOGS / "sample_guides.xlsx"))
    units = report.stats()["per_unit"]
    assert sum(u["rows"] for u in units.values()) == report.rows_checked
    assert sum(u["rows_with_errors"] for u in units.values()) == report.summary()["rows_with_errors"]
    rates = [u["clean_rate"] for u in units.values()]
    assert rates == sorted(rates)  # worst first
    assert len(units) >= 10


def test_count_units_matches_a_groupby_over_chunks():
    """Factorised counting gives the groupby's figures and its first-seen order of units."""
    import numpy as np
    import pandas as pd

    from validators.core.rows import Rows
    from validators.report.report import UNKNOWN_UNIT, Report

    bodies = ["乙局", None, "甲局", " ", "无", "甲局", "丙局 ", "Ａ局", "乙局", "", UNKNOWN_UNIT]
    report, expected = Report(), {}
    for start in (0, 4):
        chunk = pd.DataFrame({"implementing_body": pd.Series(bodies[start:] + bodies[:start], dtype="str"),
                              "_row": np.arange(len(bodies))})
        rows = Rows(chunk)
        found = pd.DataFrame({"_pos": [0, 0, 2, 3, 7], "code": ["uscc-length", "uscc-length", "phone-format-invalid",
                                                             "area-unmapped", "task-code-duplicate"]})
        report.count_units(rows, found)
        unit = rows.text("implementing_body").fillna(UNKNOWN_UNIT).to_numpy(dtype=object)
        bad = np.zeros(rows.n, dtype=bool)
        bad[[p for p, c in zip(found["_pos"], found["code"], strict=True)
             if report.severity_of(c).value == "error"]] = True
        table = pd.DataFrame({"unit": unit, "bad": bad}).groupby("unit")["bad"].agg(["size", "sum"])
        for name, (n, b) in zip(table.index, table.to_numpy(), strict=True):
            entry = expected.setdefault(name, [0, 0])
            entry[0] += int(n)
            entry[1] += int(b)
    assert list(report.units.items()) == list(expected.items())
    assert report.units[UNKNOWN_UNIT][0] == 10   # the absent rows and a unit written as the placeholder

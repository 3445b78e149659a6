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

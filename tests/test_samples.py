"""End-to-end checks of the validator on the committed samples in ``catalogs/``.

``catalogs/sample_defects.csv`` lists every error and warning that ``sample_guides.xlsx`` and
``sample_guides_gbk.csv`` (the same rows) should produce; ``clean_guides.csv`` should produce no
error.  Tests that need ``validators.validate`` fail (not skip) while it is missing.  The data-only
tests at the end also guard the sample files themselves (regenerate with
``python catalogs/make_samples.py``).
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CAT = ROOT / "catalogs"
XLSX = CAT / "sample_guides.xlsx"
GBK = CAT / "sample_guides_gbk.csv"
CLEAN = CAT / "clean_guides.csv"
MANIFEST = CAT / "sample_defects.csv"
SAMPLES = [pytest.param(XLSX, id="xlsx"), pytest.param(GBK, id="gbk-csv")]


def _validate():
    try:
        from validators import validate
    except ImportError as exc:  # fail loudly: the pipeline is part of the product
        pytest.fail(f"validators.validate is not importable: {exc}")
    return validate


@lru_cache(maxsize=None)
def findings(path: Path) -> tuple:
    report = _validate()([str(path)])
    return tuple(report.findings())


def sev(f) -> str:
    return getattr(f.severity, "value", f.severity)


def manifest() -> list[dict]:
    with open(MANIFEST, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["row"] = int(r["row"]) if r["row"] else None      # empty: a table-level finding
    return rows


def _fmt(items) -> str:
    return "\n".join(f"  row {r[0]}: " + ", ".join(map(str, r[1:])) for r in sorted(items, key=str))


# ---------------------------------------------------------------- needs validators.validate
@pytest.mark.parametrize("path", SAMPLES)
def test_every_planted_defect_is_found(path):
    got = {(f.row, f.field, f.code) for f in findings(path)}
    want = {(m["row"], m["field"], m["code"]) for m in manifest()}
    missing = want - got
    assert not missing, f"{path.name}: expected findings not reported:\n{_fmt(missing)}"


@pytest.mark.parametrize("path", SAMPLES)
def test_no_unexpected_errors(path):
    got = {(f.row, f.code) for f in findings(path) if sev(f) == "error"}
    want = {(m["row"], m["code"]) for m in manifest() if m["severity"] == "error"}
    assert got == want, (f"{path.name}: error findings differ from the manifest\n"
                         f"unexpected:\n{_fmt(got - want)}\nmissing:\n{_fmt(want - got)}")


def test_clean_file_has_no_errors():
    errors = [(f.row, f.field, f.code, f.value) for f in findings(CLEAN) if sev(f) == "error"]
    assert not errors, f"clean_guides.csv produced errors:\n{_fmt(errors)}"


def test_xlsx_and_gbk_csv_agree():
    a = {(f.row, f.field, f.code) for f in findings(XLSX)}
    b = {(f.row, f.field, f.code) for f in findings(GBK)}
    assert a == b, f"only in xlsx:\n{_fmt(a - b)}\nonly in gbk csv:\n{_fmt(b - a)}"


# ---------------------------------------------------------------- data only (no pipeline)
def test_manifest_codes_and_severities_match_rules():
    rules = json.loads((ROOT / "schemas" / "rules.json").read_text(encoding="utf-8"))
    for m in manifest():
        assert m["code"] in rules, m
        assert m["severity"] == rules[m["code"]]["severity"], m
        assert m["severity"] in ("error", "warning"), m


def test_sample_shape():
    from openpyxl import load_workbook

    ws = load_workbook(XLSX, read_only=True)["办事指南"]
    xrows = [["" if v is None else v for v in r] for r in ws.iter_rows(values_only=True)]
    with open(GBK, encoding="gbk", newline="") as fh:
        crows = list(csv.reader(fh))
    assert xrows == crows                      # same cells, same row numbers
    assert len(xrows) - 1 >= 220
    assert all(isinstance(v, str) for r in xrows for v in r)
    defect_rows = {m["row"] for m in manifest() if m["row"] is not None}
    assert 40 <= len(defect_rows) <= 60
    assert max(defect_rows) <= len(xrows)
    with open(CLEAN, encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh))) - 1 >= 100
    assert CLEAN.read_bytes().startswith(b"\xef\xbb\xbf")


def test_clean_codes_are_valid():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import guidegen as g

    with open(CLEAN, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        body, task, cat = r["实施主体编码"], r["实施编码"], r["基本编码"]
        assert g.uscc_ok(body), body
        assert task == body + task[18] + cat and len(task) == 31
        assert task[18] in r["行使层级"].split(",")
        assert cat[2:4] == r["事项类型"]
    assert len({r["实施编码"] for r in rows}) == len(rows)


def test_regeneration_is_deterministic(tmp_path):
    subprocess.run([sys.executable, str(CAT / "make_samples.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for name in ("sample_guides_gbk.csv", "sample_defects.csv", "clean_guides.csv"):
        assert (tmp_path / name).read_bytes() == (CAT / name).read_bytes(), f"{name} is stale: regenerate"
    # the workbook's XML bytes depend on whether openpyxl serialises with lxml: compare its cells
    from python_calamine import CalamineWorkbook

    def cells(path):
        wb = CalamineWorkbook.from_path(str(path))
        return {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}

    assert cells(tmp_path / "sample_guides.xlsx") == cells(CAT / "sample_guides.xlsx"), \
        "sample_guides.xlsx is stale: regenerate"

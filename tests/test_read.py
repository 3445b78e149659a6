"""Readers on real-shaped inputs: encodings, title rows, sheets, nested JSON, ragged and bad files."""
import json

import pytest

from conftest import GUANGXI, found, write_csv
from validators import validate
from validators.read.aliases import canonical_name
from validators.read import InputError, open_tables
from validators.read.csvfile import detect_encoding


def rows_of(path, **kw):
    out = []
    for t in open_tables(str(path), **kw):
        for chunk in t.chunks():
            out.extend(chunk.to_dict("records"))
    return out


@pytest.mark.parametrize("label,name", [
    ("事项名称", "item_name"), ("事项名称*", "item_name"), ("task_name", "item_name"), ("taskName", "item_name"),
    ("ＴＡＳＫ＿ＮＡＭＥ", "item_name"), (" 承诺办结时限 ", "promised_time_limit"), ("promiseDay", "promised_time_limit"),
    ("SXMC", "item_name"), ("wsblsd", "online_depth"), ("办理地点（含窗口）", "handling_location"),
    ("limitSceneNum", "onsite_visits"), ("不存在的列", None),
])
def test_alias_mapping(label, name):
    assert canonical_name(label) == name


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings_detected(tmp_path, encoding):
    p = write_csv(tmp_path / f"x_{encoding}.csv", [GUANGXI["A"], GUANGXI["D"]], encoding=encoding)
    rows = rows_of(p)
    assert [r["item_name"] for r in rows] == ["固定资产投资项目节能审查", "在宗教活动场所内改建或者新建建筑物审批"]
    assert rows[0]["catalog_code"] == "000104002000"  # leading zeros kept
    assert [r["_row"] for r in rows] == [2, 3]


def test_gbk_is_detected_as_gb18030(tmp_path):
    p = write_csv(tmp_path / "g.csv", [GUANGXI["A"]], encoding="gbk")
    assert detect_encoding(str(p)) == "gb18030"


def test_title_rows_above_header_keep_sheet_row_numbers(tmp_path):
    p = write_csv(tmp_path / "t.csv", [GUANGXI["A"], GUANGXI["B"]],
                  prefix_rows=[["灵山县政务服务事项实施清单"], ["导出时间：2026-11-01"]])
    t = open_tables(str(p))[0]
    assert t.header_row == 3
    assert [r["_row"] for r in rows_of(p)] == [4, 5]


def test_explicit_wrong_encoding_is_input_error(tmp_path):
    p = write_csv(tmp_path / "g.csv", [GUANGXI["A"]], encoding="gbk")
    with pytest.raises(InputError) as e:
        validate(str(p), encoding="utf-8")
    assert e.value.key == "bad-encoding"
    assert "--encoding" in e.value.render("zh")


def test_ragged_csv_keeps_every_row_and_its_number(tmp_path):
    p = write_csv(tmp_path / "r.csv", [GUANGXI["A"], GUANGXI["B"], GUANGXI["D"]])
    lines = p.read_text(encoding="utf-8").splitlines()
    lines[2] = ",".join(lines[2].split(",")[:5])       # row 3 loses most of its cells
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate(str(p))
    assert report.rows_read == 3
    assert (3, "row-malformed", None) in found(report)
    assert any(f.row == 4 and f.code == "element-not-in-codelist" for f in report.findings())  # D still row 4


def test_blank_rows_counted_and_reported(tmp_path):
    p = write_csv(tmp_path / "b.csv", [GUANGXI["A"], {}, GUANGXI["B"]])
    report = validate(str(p))
    assert report.summary()["rows"] == 3 and report.summary()["rows_checked"] == 2
    assert (3, "row-blank", None) in found(report)


@pytest.mark.parametrize("kind", ["xlsx", "json", "csv"])
def test_a_row_of_spaces_is_blank_in_every_format(tmp_path, kind):
    # full-width spaces and tabs in Excel cells or JSON values, as a CSV line of spaces: a blank
    # row (not a checked guide that lacks every element), whatever the format
    import json

    import openpyxl

    header = ["事项名称", "实施编码", "办理时间"]
    rows = [["甲", "11450100MB0000000A4000000000000000", "工作日"], [" ", "\u3000", "\t "],
            ["乙", "11450100MB0000000A4000000000000001", "工作日"]]
    path = tmp_path / f"guides.{kind}"
    if kind == "xlsx":
        wb = openpyxl.Workbook()
        for r in [header, *rows]:
            wb.active.append(r)
        wb.save(path)
    elif kind == "json":
        path.write_text(json.dumps([dict(zip(header, r, strict=True)) for r in rows], ensure_ascii=False),
                        encoding="utf-8")
    else:
        path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    report = validate(str(path))
    at = 2 if kind == "json" else 3       # a JSON row is the record's number, a sheet's its line
    assert report.summary()["rows"] == 3 and report.summary()["rows_checked"] == 2
    assert (at, "row-blank", None) in found(report)
    assert not [f for f in report.findings() if f.row == at and f.code != "row-blank"]


def test_blank_lines_of_spaces_are_found_column_by_column():
    """A row is blank when every cell is empty or spaces (full-width and tabs too); a row blank
    only in its first columns, or filled only in its last, is not."""
    import numpy as np
    import pyarrow as pa

    from validators.read.csvfile import _blank_lines

    cols = [pa.array([None, " ", "a", "\u3000\t", None, None, None]),   # the reader reads "" as null
            pa.array([None, "\u3000", None, " ", "b", None, " "]),
            pa.array([" ", None, None, None, None, None, "c"])]
    assert _blank_lines(cols, 7).tolist() == [True, True, False, True, False, True, False]
    assert _blank_lines([pa.array(["a", "b"]), pa.array([None, None])], 2) is None
    assert _blank_lines([], 0) is None
    want = np.zeros(4, dtype=bool)
    want[2] = True
    assert (_blank_lines([pa.array(["x", None, " ", None]), pa.array([None, "y", None, None]),
                          pa.array([None, None, None, "z"])], 4) == want).all()


def test_unknown_column_reported_once(tmp_path):
    rec = dict(GUANGXI["A"], **{"备注": "x"})
    p = write_csv(tmp_path / "u.csv", [rec, dict(GUANGXI["B"], **{"备注": "y"})])
    report = validate(str(p))
    unknown = [f for f in report.findings() if f.code == "column-unknown"]
    assert len(unknown) == 1 and unknown[0].row is None


def test_xlsx_sheets_and_sheet_option(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from validators.core.schema import elements

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填表说明"
    ws.append(["请按模板填写"])
    ws2 = wb.create_sheet("实施清单")
    ws2.append(["灵山县实施清单"])
    cols = list(GUANGXI["A"])
    ws2.append([elements()[c].title for c in cols])
    for r in (GUANGXI["A"], GUANGXI["D"]):
        ws2.append([r.get(c, "") for c in cols])
    ws2.cell(row=3, column=cols.index("legal_time_limit") + 1, value=20)  # a numeric cell
    p = tmp_path / "w.xlsx"
    wb.save(p)
    report = validate(str(p))
    assert [(s.sheet, s.header_row, s.rows) for s in report.sources] == [("实施清单", 2, 2)]
    skipped = [f for f in report.findings() if f.code == "sheet-skipped"]
    assert [(f.sheet, f.value) for f in skipped] == [("填表说明", "填表说明")]  # names the skipped sheet
    assert (4, "element-not-in-codelist", "online_depth") in found(report)   # the sheet's own row number
    assert not any(f.code == "element-wrong-type" for f in report.findings())  # 20.0 read as "20"
    with pytest.raises(InputError) as e:
        validate(str(p), sheet="不存在")
    assert e.value.key == "sheet-not-found"


def test_corrupt_xlsx_and_missing_file(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError) as e:
        validate(str(bad))
    assert e.value.key == "corrupt-excel"
    with pytest.raises(InputError) as e:
        validate(str(tmp_path / "nope.csv"))
    assert e.value.key == "file-not-found"


def test_no_element_columns(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        validate(str(p))
    assert e.value.key == "no-element-columns"


def test_chongqing_style_nested_json(tmp_path):
    a = GUANGXI["A"]
    rec = {"taskName": a["item_name"], "catalogCode": a["catalog_code"], "taskCode": a["task_code"],
           "deptCode": a["implementing_body_code"], "taskType": "01", "useLevel": "4", "itemSource": "1",
           "anticipateDay": 20, "promiseDay": 5, "isFee": False, "limitSceneNum": 1,
           "byLaws": [{"lawName": "中华人民共和国行政许可法", "termsNumber": "第二十九条"}],
           "lobbys": [{"address": "灵山县三海街道江南路12号政务服务中心二楼综合窗口", "time": "工作日：上午9:00-12:00，下午14:00-17:00"}],
           "activitys": [{"name": "受理"}, {"name": "审查"}, {"name": "决定"}],
           "itemMaterials": [{"materialName": "申请书"}, {"materialName": "营业执照"}]}
    p = tmp_path / "cq.json"
    p.write_text(json.dumps({"data": [rec, {"taskName": "x"}]}, ensure_ascii=False), encoding="utf-8")
    rows = rows_of(p)
    assert rows[0]["legal_basis"] == "《中华人民共和国行政许可法》第二十九条"
    assert rows[0]["handling_process"] == "受理→审查→决定"
    assert rows[0]["handling_hours"].startswith("工作日")
    assert rows[0]["materials"] == "申请书；营业执照"
    assert rows[0]["promised_time_limit"] == "5" and rows[0]["is_fee_charged"] == "0"
    assert [r["_row"] for r in rows] == [1, 2]
    report = validate(str(p))
    assert not {f.code for f in report.findings() if f.row == 1} & {
        "legal-basis-unclear", "handling-hours-unclear", "process-steps-unclear"}


def test_jsonl_bad_line_is_a_finding(tmp_path):
    a = {"task_name": GUANGXI["A"]["item_name"], "task_code": GUANGXI["A"]["task_code"], "task_type": "01"}
    p = tmp_path / "x.jsonl"
    p.write_text(json.dumps(a, ensure_ascii=False) + "\n{broken\n" + json.dumps(a, ensure_ascii=False) + "\n",
                 encoding="utf-8")
    report = validate(str(p))
    assert report.rows_read == 3
    assert (2, "row-malformed", None) in found(report)
    assert (3, "task-code-duplicate", "task_code") in found(report)

"""The diff writers: XLSX and CSV rows, injection safety, and the terminal view."""
import csv
import json

import pytest
from openpyxl import load_workbook

from validators.channels import writers
from validators.channels.run import compare_sources


def test_xlsx_one_row_per_difference_and_a_summary(sources, tmp_path):
    out = tmp_path / "diff.xlsx"
    writers.write_xlsx(sources, str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["差异明细", "汇总", "要素同源率", "实施主体同源率"]
    rows = list(wb["差异明细"].iter_rows(values_only=True))
    assert rows[0][:9] == ("渠道", "事项键", "配对方式", "事项名称", "实施主体", "要素", "差异类型", "参考源的值", "渠道的值")
    assert len(rows) - 1 == 17                      # every planted difference, one row each
    hours = next(r for r in rows if r[5] == "办理时间")
    assert hours[0] == "sources_channel_app.json" and hours[2] == "实施编码" and hours[6] == "值不同"
    assert hours[7] == "周一至周五：上午8:30-12:00，下午14:30-17:30（法定节假日除外）"
    assert hours[8] == "周一至周五 上午9:00-12:00 下午14:00-17:30"
    summary = list(wb["汇总"].iter_rows(values_only=True))
    head = summary[3]
    app = dict(zip(head, summary[4]))
    assert (app["比较要素"], app["相同要素"], app["已配对"], app["渠道缺少"]) == (228, 222, 19, 1)
    per_element = [r for r in wb["要素同源率"].iter_rows(values_only=True) if r[1] == "申请材料"]
    assert per_element[0][:4] == ("sources_channel_app.json", "申请材料", 17, 19)


def test_csv_has_the_same_rows(sources, tmp_path):
    out = tmp_path / "diff.csv"
    writers.write_csv(sources, str(out))
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "渠道" and len(rows) - 1 == 17
    materials = [r for r in rows if r[6] == "材料不同"]
    assert {r[9] for r in materials} == {"新增：户口簿复印件；删除：相关证明材料", "改名：登记申请书→登记申请表",
                                        "删除：户口簿"}


@pytest.fixture()
def hostile(tmp_path):
    """A channel whose values are formulas and terminal escape sequences."""
    ref = tmp_path / "ref.csv"
    ref.write_text("实施编码,事项名称,实施主体,办理地点\n"
                   "11450721MB155808114000104002000,固定资产投资项目节能审查,灵山县行政审批局,政务服务中心二楼\n",
                   encoding="utf-8")
    chan = tmp_path / "chan.json"
    chan.write_text(json.dumps([{"taskCode": "11450721MB155808114000104002000",
                                 "taskName": "固定资产投资项目节能审查", "deptName": "灵山县行政审批局",
                                 "transactAddr": "=HYPERLINK(\"http://evil.example\",\"点击\")\x1b[31m红\x1b[0m\u202e\ud800"}],
                               ensure_ascii=True), encoding="utf-8")   # "\ud800" in JSON: a lone surrogate
    return compare_sources(str(ref), [str(chan)])


def test_no_formula_reaches_a_spreadsheet(hostile, tmp_path):
    out = tmp_path / "diff.xlsx"
    writers.write_xlsx(hostile, str(out))
    ws = load_workbook(out)["差异明细"]
    cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")
    assert "\x1b" not in cell.value and "\\x1b[31m" in cell.value and "\\ud800" in cell.value
    csv_out = tmp_path / "diff.csv"
    writers.write_csv(hostile, str(csv_out))
    text = csv_out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "\x1b" not in text
    assert writers.csv_safe("-1+2") == "'-1+2" and writers.csv_safe("0777-6428820") == "0777-6428820"


def test_terminal_shows_items_side_by_side_without_escapes(sources, hostile):
    text = writers.sources_text(sources, lang="zh")
    assert "同源率" in text and "(222/228)" in text and "(212/216)" in text
    assert "人力资源服务许可" in text and "周一至周五 上午9:00-12:00" in text
    assert "改名：登记申请书→登记申请表" in text
    assert "配对不唯一" in text and "16、17" in text
    en = writers.sources_text(sources, lang="en", limit=1)
    assert "same-source rate" in en and "more items differ" in en
    bad = writers.sources_text(hostile)
    assert "\x1b" not in bad and "\u202e" not in bad
    assert writers._esc("甲\u202e[bold]乙\x1b[2J") == "甲\\u202e\\[bold]乙\\x1b[2J"   # shown, not obeyed
    assert "红" in bad          # the text stays, the escape sequence does not

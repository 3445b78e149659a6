"""``compare_sources`` on the bundled samples (catalogs/SOURCES.md) and on real-shaped edge cases.

The samples plant missing, extra, ambiguous and stale items and value changes in time limits,
location, hours, phones, fees and materials, next to harmless formatting differences; the run must
report exactly the manifest (catalogs/sources_truth.csv) and the hand-computed 同源率.
"""
import csv
import filecmp
import json
import subprocess
import sys

import pytest
from conftest import CATALOGS, SOURCES_APP as APP, SOURCES_HALL as HALL, SOURCES_REF as REF

from validators.channels.run import compare_sources
from validators.core.rulebook import get
from validators.read import InputError


def _short(channel: str) -> str:
    return "app" if channel.endswith("app.json") else "hall"


def _found(sources):
    out = set()
    for f in sources.report.iter_findings("zh"):
        if get(f["code"]).category != "sources":
            continue
        p = f["params"]
        chan_row = p.get("channel_rows") or p.get("channel_row") or ""
        ref_row = p.get("reference_rows") if f["code"] == "source-pairing-ambiguous" else p.get("reference_row")
        out.add((_short(p["channel"]), f["code"], str(ref_row or ""), str(chan_row), f["field"] or ""))
    return out


def test_finds_every_planted_difference_and_nothing_else(sources):
    with open(CATALOGS / "sources_truth.csv", encoding="utf-8") as fh:
        truth = {(r["channel"], r["code"], r["reference_row"], r["channel_row"], r["field"])
                 for r in csv.DictReader(fh)}
    assert len(truth) == 17
    assert _found(sources) == truth
    others = [(f["code"], f["value"]) for f in sources.report.iter_findings("zh")
              if get(f["code"]).category != "sources"]
    assert others == [("column-unknown", "序号")]   # the hall's running number, an info


def test_same_source_rates_by_hand(sources):
    app, hall = sources.channels
    # app: 20 reference items, 1 missing → 19 paired × 12 elements = 228 compared;
    # 6 differ (promised limit, location, hours, phone, 2 × materials) → 222 identical
    assert app["same_source_rate"] == {"numerator": 222, "denominator": 228, "rate": round(222 / 228, 6)}
    assert (app["paired"], app["missing"], app["extra"], app["ambiguous"], app["stale"]) == (19, 1, 1, 0, 1)
    assert app["paired_by"] == {"task_code": 17, "catalog_code+body": 1, "name+body": 1}
    # hall: 1 missing, 1 ambiguous (exported twice) → 18 paired × 12 = 216; 4 differ → 212
    assert hall["same_source_rate"] == {"numerator": 212, "denominator": 216, "rate": round(212 / 216, 6)}
    assert (hall["paired"], hall["missing"], hall["extra"], hall["ambiguous"], hall["stale"]) == (18, 1, 1, 1, 1)
    assert hall["paired_by"] == {"task_code": 0, "catalog_code+body": 17, "name+body": 1}
    assert hall["items_channel"] == 21


def test_rates_per_element_and_per_body(sources):
    app, hall = sources.channels
    pe = {f: (v["numerator"], v["denominator"]) for f, v in app["per_element"].items()}
    assert pe["materials"] == (17, 19) and pe["handling_hours"] == (18, 19)
    assert pe["legal_time_limit"] == (19, 19) and pe["item_name"] == (19, 19)
    assert sum(n for n, _d in pe.values()) == 222 and sum(d for _n, d in pe.values()) == 228
    # 灵山县行政审批局: 6 items × 12; promised limit, location, hours differ
    assert app["per_body"]["灵山县行政审批局"] == {"items": 6, "numerator": 69, "denominator": 72, "rate": round(69 / 72, 6)}
    # 灵山县公安局 in the hall: 3 items, fee and complaint phone differ
    assert hall["per_body"]["灵山县公安局"] == {"items": 3, "numerator": 34, "denominator": 36, "rate": round(34 / 36, 6)}
    assert hall["per_element"]["legal_time_limit"]["numerator"] == 17


def test_findings_carry_channel_key_and_both_rows(sources):
    f = next(f for f in sources.report.iter_findings("en") if f["field"] == "handling_hours")
    p = f["params"]
    assert f["item"] == "11450721MB155808114000114001000" and p["key_kind"] == "task_code"
    assert (p["reference_row"], p["channel_row"], f["row"]) == (5, 4, 4)
    assert p["reference_value"] == "周一至周五：上午8:30-12:00，下午14:30-17:30（法定节假日除外）"
    assert p["channel_value"] == "周一至周五 上午9:00-12:00 下午14:00-17:30"
    assert f["message"] == ("handling_hours differs from the reference: reference \"周一至周五：上午8:30-12:00，"
                            "下午14:30-17:30（法定节假日除外）\", sources_channel_app.json \"周一至周五 上午9:00-12:00 "
                            "下午14:00-17:30\" (人力资源服务许可)")
    m = next(f for f in sources.report.iter_findings("zh") if f["code"] == "source-materials-differ"
             and f["row"] == 7)
    assert m["message"] == "申请材料与参考源不一致（居民身份证换领）：改名：登记申请书→登记申请表"


def test_key_mode_task_code_only_leaves_codeless_items_unpaired():
    r = compare_sources(REF, [APP], key="task_code")
    app = r.channels[0]
    assert app["paired_by"] == {"task_code": 17, "catalog_code+body": 0, "name+body": 0}
    assert (app["missing"], app["extra"]) == (3, 3)


def test_fields_option_limits_the_comparison():
    r = compare_sources(REF, [HALL], fields=["handling_hours", "materials", "online_url"])
    hall = r.channels[0]
    assert hall["fields"] == ["handling_hours", "materials"]
    assert hall["fields_not_compared"] == ["online_url"]
    assert hall["same_source_rate"]["denominator"] == 36 and hall["same_source_rate"]["numerator"] == 35


def test_reference_key_shared_by_two_items_is_ambiguous(tmp_path):
    ref = tmp_path / "ref.csv"
    ref.write_text("实施编码,事项名称,实施主体,办理时间\n"
                   "11450721MB155808114000104002000,固定资产投资项目节能审查,灵山县行政审批局,工作日 9:00-17:00\n"
                   "11450721MB155808114000104002000,固定资产投资项目节能审查（变更）,灵山县行政审批局,工作日 9:00-17:00\n",
                   encoding="utf-8-sig")
    chan = tmp_path / "chan.jsonl"
    chan.write_text(json.dumps({"taskCode": "11450721MB155808114000104002000", "taskName": "固定资产投资项目节能审查",
                                "deptName": "灵山县行政审批局", "transactTime": "周一至周五 9:00-17:00"},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    r = compare_sources(str(ref), [str(chan)])
    codes = sorted(f["code"] for f in r.report.iter_findings("zh"))
    assert codes == ["source-pairing-ambiguous"]          # the two reference items are named, not missing
    amb = next(f for f in r.report.iter_findings("zh") if f["code"] == "source-pairing-ambiguous")
    assert amb["params"]["reference_rows"] == "2、3" and amb["params"]["side"] == "reference"
    assert r.channels[0]["same_source_rate"] == {"numerator": 0, "denominator": 0, "rate": None}
    assert r.min_rate_ok(0.99)   # nothing compared: the gate has nothing to fail on


def test_gbk_csv_channel_with_a_ragged_row_keeps_every_row(tmp_path):
    chan = tmp_path / "dept.csv"
    lines = ["实施编码,事项名称,实施主体,咨询电话",
             "11450721MB155808114000117002000,城镇污水排入排水管网许可,灵山县行政审批局,（0777）6428820",
             "11450721MB155808114000120004000,动物防疫条件合格证核发,灵山县行政审批局,0777-6428820,多余",
             "11450721MB155808114000114001000,人力资源服务许可,灵山县行政审批局,0777-6428821"]
    chan.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    r = compare_sources(REF, [str(chan)])
    ch = r.channels[0]
    assert ch["items_channel"] == 3 and ch["paired"] == 3
    codes = [(f["code"], f["row"]) for f in r.report.iter_findings("zh") if f["code"] != "source-item-missing"]
    assert ("row-malformed", 3) in codes
    assert ("source-value-mismatch", 4) in codes
    assert ch["per_element"]["consultation_channel"] == {"label": "咨询方式", "numerator": 2, "denominator": 3,
                                                         "rate": round(2 / 3, 6)}


def test_unreadable_channel_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        compare_sources(REF, [str(tmp_path / "nope.csv")])
    with pytest.raises(ValueError):
        compare_sources(REF, [APP], key="guess")


def test_generator_is_deterministic(tmp_path):
    script = CATALOGS / "make_source_samples.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True)
    for name in ("sources_reference.csv", "sources_channel_app.json", "sources_truth.csv"):
        assert filecmp.cmp(tmp_path / name, CATALOGS / name, shallow=False), name
    # the workbook's XML bytes depend on whether openpyxl finds lxml; its cells must not
    from openpyxl import load_workbook

    def cells(path):
        ws = load_workbook(path).active
        return ws.title, [tuple(row) for row in ws.iter_rows(values_only=True)], list(map(str, ws.merged_cells.ranges))

    assert cells(tmp_path / "sources_channel_hall.xlsx") == cells(CATALOGS / "sources_channel_hall.xlsx")


def test_pairing_table_names_the_key_of_every_item():
    r = compare_sources(REF, [APP, HALL], pairs=True)
    t = r.pairs
    assert len(t) == 42                                  # 21 per channel: paired, extra, missing, ambiguous
    app = t[t["channel"] == "sources_channel_app.json"]
    by_ref = dict(zip(app["reference_row"], app["key_kind"]))
    assert by_ref["2"] == "task_code" and by_ref["12"] == "catalog_code+body" and by_ref["13"] == "name+body"
    assert sorted(app["status"].value_counts().items()) == [("已配对", 19), ("渠道多出", 1), ("渠道缺少", 1)]
    amb = t[t["status"] == "配对不唯一"].iloc[0]
    assert (amb["channel_row"], amb["reference_row"], amb["catalog_code"]) == ("16、17", "16", "000164001001")
    paired = t[t["status"] == "已配对"]
    assert int(paired["elements_compared"].sum()) == 228 + 216
    assert int(paired["elements_identical"].sum()) == 222 + 212


def test_pairing_precision_and_recall_on_the_samples():
    """Every reference item the channel publishes is paired with its own row, and nothing else."""
    r = compare_sources(REF, [APP, HALL], pairs=True)
    t = r.pairs[r.pairs["status"] == "已配对"]
    found = set(zip(t["channel"], t["reference_row"].astype(int), t["channel_row"].astype(int)))
    expected = set()
    for n in range(20):                    # reference row = n + 2
        if n != 4:                         # app: item 4 not published, records numbered from 1
            expected.add(("sources_channel_app.json", n + 2, n + 1 - (n > 4)))
        if n not in (12, 14):              # hall: item 12 missing, item 14 exported twice (ambiguous)
            expected.add(("sources_channel_hall.xlsx", n + 2, 3 + n - (n > 12) + (n > 14)))
    assert found == expected


def test_each_key_mode_alone(tmp_path):
    by_catalog = compare_sources(REF, [HALL], key="catalog_code+body").channels[0]
    assert by_catalog["paired_by"] == {"task_code": 0, "catalog_code+body": 17, "name+body": 0}
    by_name = compare_sources(REF, [HALL], key="name+body").channels[0]
    # every hall row pairs by name; the exported-twice item stays ambiguous
    assert by_name["paired_by"]["name+body"] == 18 and by_name["ambiguous"] == 1
    assert by_name["same_source_rate"] == {"numerator": 212, "denominator": 216, "rate": round(212 / 216, 6)}


def test_channel_sheets_are_located_per_sheet(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    first.title = "市级"
    second = wb.create_sheet("县级")
    for ws in (first, second):
        ws.append(["实施编码", "事项名称", "实施主体", "咨询电话"])
    first.append(["11450721MB155808114000104002000", "固定资产投资项目节能审查", "灵山县行政审批局", "0777-6428820"])
    second.append(["11450721MB155808114000117002000", "城镇污水排入排水管网许可", "灵山县行政审批局", "0777-1111111"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    r = compare_sources(REF, [str(path)], fields=["consultation_channel"])
    ch = r.channels[0]
    assert (ch["items_channel"], ch["paired"]) == (2, 2)
    diff = next(f for f in r.report.iter_findings("zh") if f["code"] == "source-value-mismatch")
    assert (diff["sheet"], diff["row"]) == ("县级", 2)


def test_sources_without_implementing_body_pair_by_code_or_name_alone(tmp_path):
    chan = tmp_path / "dept_site.csv"
    chan.write_text("基本编码,事项名称,办理时间\n"
                    "000104002000,固定资产投资项目节能审查,工作日 上午9:00-12:00 下午14:00-17:00\n"
                    ",城镇污水排入排水管网许可,工作日：上午9:00-12:00、下午14:00-17:00\n", encoding="utf-8")
    r = compare_sources(REF, [str(chan)])
    ch = r.channels[0]
    assert ch["paired_by"] == {"task_code": 0, "catalog_code+body": 1, "name+body": 1}
    assert ch["extra"] == 0 and ch["missing"] == 18


def test_sheets_with_different_columns_pair_together(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    first.title = "许可"
    first.append(["基本编码", "事项名称", "实施主体", "办理时间"])
    first.append(["000104002000", "固定资产投资项目节能审查", "灵山县行政审批局", "工作日 9:00-12:00 14:00-17:00"])
    second = wb.create_sheet("服务")
    second.append(["事项名称", "实施主体", "咨询电话"])
    second.append(["城镇污水排入排水管网许可", "灵山县行政审批局", "（0777）6428820"])
    path = tmp_path / "mixed.xlsx"
    wb.save(path)
    ch = compare_sources(REF, [str(path)]).channels[0]
    assert ch["paired_by"] == {"task_code": 0, "catalog_code+body": 1, "name+body": 1}
    assert ch["per_element"]["handling_hours"]["denominator"] == 2       # the 服务 sheet has none: empty
    assert ch["per_element"]["consultation_channel"]["numerator"] == 1

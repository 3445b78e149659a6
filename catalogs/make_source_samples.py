"""Write the ``sxcheck sources`` samples: one reference and two channel exports of the same items.

    .venv/bin/python catalogs/make_source_samples.py            # or --out DIR

Deterministic (fixed seed, no clock).  Outputs, next to this script (documented in SOURCES.md):
- ``sources_reference.csv`` — the provincial platform's 实施清单 of 20 灵山县 items (UTF-8 with
  BOM, Chinese headers, time limits as number + unit column);
- ``sources_channel_app.json`` — the mobile app's export: camelCase keys, nested
  ``itemMaterials`` and ``lobbys`` (address / time), numbers as JSON numbers, flags as booleans;
- ``sources_channel_hall.xlsx`` — the hall terminals' export: a title row, Chinese headers, time
  limits as text (``20个工作日``), materials numbered on separate lines, no 实施编码 column;
- ``sources_truth.csv`` — every finding the samples must produce (planted differences), and
  nothing else: the channels also carry harmless formatting differences that must not be reported.
"""
from __future__ import annotations

import csv
import datetime
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import guidegen

SEED = 20241202
ENTRY_INDEXES = (0, 15, 30, 45, 60, 90, 97, 111, 120, 135, 150, 165, 180, 210, 225, 240, 255, 270, 285, 122)
REF_HEADER = ["事项名称", "基本编码", "实施编码", "实施主体", "实施主体编码", "事项类型", "法定办结时限",
              "法定办结时限单位", "承诺办结时限", "承诺办结时限单位", "是否收费", "收费标准", "到办事现场次数",
              "办理地点", "办理时间", "咨询方式", "监督投诉方式", "申请材料", "事项版本", "更新时间"]
HALL_HEADER = ["序号", "事项名称", "基本编码", "实施主体", "事项类型", "法定办结时限", "承诺办结时限", "是否收费",
               "收费标准", "到办事现场次数", "办理地点", "办理时间", "咨询电话", "监督投诉方式", "申请材料",
               "版本号", "更新时间"]
TRUTH_HEADER = ["channel", "code", "reference_row", "channel_row", "field", "item", "note"]
UNIT_WORD = {"1": "工作日", "2": "自然日"}
# harmless respellings of the three 办理时间 texts of guidegen.HOURS
HOURS_APP = {guidegen.HOURS[0]: "周一至周五 上午9:00—12:00 下午2:00—5:00",
             guidegen.HOURS[1]: "工作日 8:30-12:00，14:30-17:30",
             guidegen.HOURS[2]: "星期一至星期五：9：00-12：00；14：00-17：00"}
HOURS_HALL = {guidegen.HOURS[0]: "工作日 上午 9:00-12:00 下午 14:00-17:00（节假日除外）",
              guidegen.HOURS[1]: "周一至周五 上午8:30至12:00 下午2:30至5:30",
              guidegen.HOURS[2]: "工作日上午9:00-12:00，下午14:00-17:00"}
FULL = str.maketrans("0123456789-", "０１２３４５６７８９－")
CN_DIGITS = {20: "二十", 15: "十五", 30: "三十", 10: "十", 5: "五", 60: "六十"}


def reference_items() -> list[dict]:
    rng = random.Random(SEED)
    items = []
    for n, i in enumerate(ENTRY_INDEXES):
        r = guidegen.clean_record(rng, i)
        mats = [re.sub(r"（[^（）]*份[^（）]*）$", "", m) for m in r["materials"].split("；")]
        items.append({
            "item_name": r["item_name"], "catalog_code": r["catalog_code"], "task_code": r["task_code"],
            "implementing_body": r["implementing_body"], "implementing_body_code": r["implementing_body_code"],
            "item_type": r["item_type"], "legal": int(r["legal_time_limit"]), "promised": int(r["promised_time_limit"]),
            "unit": r["legal_time_limit_unit"], "fee": r["is_fee_charged"] == "1",
            "fee_standard": r["fee_standard"] or "不收费", "visits": r["onsite_visits"],
            "location": r["handling_location"], "hours": r["handling_hours"],
            "consult": r["consultation_channel"], "complaint": r["complaint_channel"], "materials": mats,
            "version": 8 + n % 5, "updated": f"2024-05-{10 + n:02d} 10:{n:02d}:00",
        })
    return items


# ------------------------------------------------------------------ planted differences
# item numbers (0-based positions in ENTRY_INDEXES); reference row = position + 2
APP = {"missing": 4, "promised": 1, "location": 2, "hours": 3, "phone": 5, "materials": 6, "renamed": 7,
       "stale": 8, "by_catalog": 10, "by_name": 11}
HALL = {"missing": 12, "ambiguous": 14, "legal": 15, "fee": 7, "stale": 17, "materials": 18,
        "complaint": 19, "by_name": 9}


def write_reference(items, path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REF_HEADER)
        for it in items:
            w.writerow([it["item_name"], it["catalog_code"], it["task_code"], it["implementing_body"],
                        it["implementing_body_code"], it["item_type"], it["legal"], UNIT_WORD[it["unit"]],
                        it["promised"], UNIT_WORD[it["unit"]], "是" if it["fee"] else "否", it["fee_standard"],
                        it["visits"], it["location"], it["hours"], it["consult"], it["complaint"],
                        "；".join(it["materials"]), it["version"], it["updated"]])


def app_records(items, truth) -> list[dict]:
    out = []
    for n, it in enumerate(items):
        if n == APP["missing"]:
            truth.append(("app", "source-item-missing", n + 2, "", "", it["task_code"], "未发布"))
            continue
        row = len(out) + 1
        mats = list(reversed(it["materials"]))                         # harmless: another order
        location = it["location"].replace("县政务服务中心", "县政务服务中心 ")  # harmless: a space
        hours = HOURS_APP[it["hours"]]
        consult = it["consult"].translate(FULL) if n % 2 else it["consult"]  # harmless: full width
        promised = it["promised"]
        version = it["version"]
        name = it["item_name"]
        if n == APP["promised"]:
            promised = max(1, promised - 2) if promised > 2 else promised + 3
            truth.append(("app", "source-value-mismatch", n + 2, row, "promised_time_limit", it["task_code"],
                          f"承诺时限 {it['promised']} → {promised}"))
        if n == APP["location"]:
            location = location.replace("二楼", "一楼").replace("综合窗口", "综合受理窗口")
            truth.append(("app", "source-value-mismatch", n + 2, row, "handling_location", it["task_code"], "窗口改变"))
        if n == APP["hours"]:
            hours = "周一至周五 上午9:00-12:00 下午14:00-17:30"
            truth.append(("app", "source-value-mismatch", n + 2, row, "handling_hours", it["task_code"], "下午延至17:30"))
        if n == APP["phone"]:
            consult = "0777-6428899"
            truth.append(("app", "source-value-mismatch", n + 2, row, "consultation_channel", it["task_code"], "号码不同"))
        if n == APP["materials"]:
            mats = mats[1:] + ["户口簿复印件"]
            truth.append(("app", "source-materials-differ", n + 2, row, "materials", it["task_code"],
                          f"删除 {it['materials'][-1]}，新增 户口簿复印件"))
        if n == APP["renamed"]:
            mats = [m.replace("申请书", "申请表") for m in mats]
            truth.append(("app", "source-materials-differ", n + 2, row, "materials", it["task_code"], "申请书 → 申请表"))
        if n == APP["stale"]:
            version -= 1
            truth.append(("app", "source-stale", n + 2, row, "item_version", it["task_code"], "版本低一版"))
        if n == APP["by_name"]:
            name += "（县级）"                                          # harmless: a level suffix
        rec = {"taskName": name, "taskCode": it["task_code"], "catalogCode": it["catalog_code"],
               "deptName": it["implementing_body"], "deptCode": it["implementing_body_code"],
               "taskType": it["item_type"], "anticipateDay": it["legal"], "anticipateType": it["unit"],
               "promiseDay": promised, "promiseType": it["unit"], "isFee": it["fee"],
               "feeStand": it["fee_standard"], "limitSceneNum": int(it["visits"]),
               "lobbys": [{"address": location, "time": hours, "tel": consult}],
               "linkWay": consult, "superviseWay": it["complaint"],
               "itemMaterials": [{"materialName": m, "orderNum": k + 1} for k, m in enumerate(mats)],
               "taskVersion": version, "updateTime": it["updated"].replace("-", "/")}
        if n in (APP["by_catalog"], APP["by_name"]):
            del rec["taskCode"]
        if n == APP["by_name"]:
            del rec["catalogCode"]
        out.append(rec)
    row = len(out) + 1
    extra = {"taskName": "农村村民宅基地审批", "taskCode": "11450721MB15710644520133001000",
             "catalogCode": "452013300100", "deptName": "灵山县自然资源局", "deptCode": items[6]["implementing_body_code"],
             "taskType": "01", "anticipateDay": 20, "anticipateType": "1", "promiseDay": 10, "promiseType": "1",
             "isFee": False, "feeStand": "不收费", "limitSceneNum": 1,
             "lobbys": [{"address": items[6]["location"], "time": HOURS_APP[guidegen.HOURS[0]]}],
             "linkWay": items[6]["consult"], "superviseWay": items[6]["complaint"],
             "itemMaterials": [{"materialName": "农村宅基地和建房（规划许可）申请表"}, {"materialName": "申请人居民身份证"}],
             "taskVersion": 1, "updateTime": "2024/06/01 09:00:00"}
    out.append(extra)
    truth.append(("app", "source-item-extra", "", row, "", extra["taskCode"], "参考源没有的事项"))
    return out


def _limit_text(days: int, unit: str, cn: bool) -> str:
    if days == 0:
        return "即办"
    num = CN_DIGITS.get(days, str(days)) if cn else str(days)
    return f"{num}个{UNIT_WORD[unit]}"


def hall_rows(items, truth) -> list[list[str]]:
    out = []
    first_row = 3                      # title row 1, header row 2
    for n, it in enumerate(items):
        if n == HALL["missing"]:
            truth.append(("hall", "source-item-missing", n + 2, "", "", it["task_code"], "未发布"))
            continue
        row = first_row + len(out)
        mats = it["materials"][1:] + it["materials"][:1]              # harmless: another order
        legal = _limit_text(it["legal"], it["unit"], cn=n % 3 == 0)   # harmless: 二十个工作日
        fee_std = "免费" if not it["fee"] else it["fee_standard"]       # harmless: 不收费 = 免费
        complaint = it["complaint"].replace("0777-", "（0777）")       # harmless: area code in brackets
        updated = f"2024年5月{10 + n}日"                                # harmless: same day, no time
        consult = it["consult"]
        location = it["location"].replace("二楼", "2楼").replace("一楼", "1楼")
        if n == HALL["legal"]:
            legal = "30个工作日" if it["legal"] != 30 else "20个工作日"
            truth.append(("hall", "source-value-mismatch", n + 2, row, "legal_time_limit", it["task_code"],
                          f"法定时限 {it['legal']} → {legal}"))
        if n == HALL["fee"]:
            fee_std = fee_std.replace("20元", "25元")
            truth.append(("hall", "source-value-mismatch", n + 2, row, "fee_standard", it["task_code"], "20元 → 25元"))
        if n == HALL["stale"]:
            updated = "2024年3月1日"
            truth.append(("hall", "source-stale", n + 2, row, "update_date", it["task_code"], "更新时间早于参考源"))
        if n == HALL["materials"]:
            truth.append(("hall", "source-materials-differ", n + 2, row, "materials", it["task_code"],
                          f"删除 {mats[0]}"))
            mats = mats[1:]
        if n == HALL["complaint"]:
            complaint = "（0777）12345"
            truth.append(("hall", "source-value-mismatch", n + 2, row, "complaint_channel", it["task_code"], "号码不同"))
        values = [str(len(out) + 1), it["item_name"], "" if n == HALL["by_name"] else it["catalog_code"],
                  it["implementing_body"], guidegen_type_label(it["item_type"]),
                  legal, _limit_text(it["promised"], it["unit"], cn=False), "是" if it["fee"] else "否", fee_std,
                  f"{it['visits']}次", location, HOURS_HALL[it["hours"]], consult, complaint,
                  "\n".join(f"{k + 1}.{m}" for k, m in enumerate(mats)), str(it["version"]), updated]
        out.append(values)
        if n == HALL["ambiguous"]:
            out.append([str(len(out) + 1)] + values[1:])
            truth.append(("hall", "source-pairing-ambiguous", n + 2, f"{row}、{row + 1}", "", it["task_code"],
                          "同一事项导出两次"))
    extra_row = first_row + len(out)
    out.append([str(len(out) + 1), "灵山县政务服务中心自助终端打印服务", "452099000100", "灵山县行政审批局",
                "公共服务", "即办", "即办", "否", "免费", "1次", items[0]["location"], HOURS_HALL[guidegen.HOURS[2]],
                items[0]["consult"], items[0]["complaint"], "1.申请人居民身份证", "1", "2024年6月1日"])
    truth.append(("hall", "source-item-extra", "", extra_row, "", "452099000100｜灵山县行政审批局", "参考源没有的事项"))
    return out


def guidegen_type_label(code: str) -> str:
    from schemas import load_json

    return load_json("codelists.json")["item_type"]["codes"][code]


def write_hall(rows, path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "自助终端事项"
    ws.append(["灵山县政务服务中心自助终端 办事指南导出"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HALL_HEADER))
    ws.append(HALL_HEADER)
    for values in rows:
        ws.append(values)
        for cell in ws[ws.max_row]:
            cell.number_format = "@"
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True)
    wb.properties.creator = "sxcheck samples"
    wb.properties.created = wb.properties.modified = datetime.datetime(2024, 6, 1)
    wb.save(path)
    _fix_zip_times(path)


def _fix_zip_times(path: str) -> None:
    """Same bytes on every run: zip entries get a fixed timestamp instead of the clock's."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        entries = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    # openpyxl stamps dcterms:modified with the clock when saving
    entries = [(n, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-06-01T00:00:00Z", d)
                if n == "docProps/core.xml" else d) for n, d in entries]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 6, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def main(out: str = HERE) -> None:
    sys.path.insert(0, ROOT)
    items = reference_items()
    truth: list[tuple] = []
    write_reference(items, os.path.join(out, "sources_reference.csv"))
    with open(os.path.join(out, "sources_channel_app.json"), "w", encoding="utf-8") as fh:
        json.dump({"code": 200, "msg": "success", "data": app_records(items, truth)}, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    write_hall(hall_rows(items, truth), os.path.join(out, "sources_channel_hall.xlsx"))
    with open(os.path.join(out, "sources_truth.csv"), "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(TRUTH_HEADER)
        w.writerows(truth)
    print(f"wrote 20 reference items, {sum(t[0] == 'app' for t in truth)} app and "
          f"{sum(t[0] == 'hall' for t in truth)} hall planted differences")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=HERE, help="output directory (default: catalogs/)")
    main(ap.parse_args().out)

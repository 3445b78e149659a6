"""Regenerate the certificate-check samples in ``catalogs/certificate_samples/`` (deterministic).

    python catalogs/make_certificate_samples.py            # writes into catalogs/certificate_samples/
    python catalogs/make_certificate_samples.py --out DIR  # writes elsewhere (used by the tests)

Three regions write the same guides three ways (see ``certificate_samples/TRUTH.md``):
  region_a_guides.xlsx     a title row over the header, numbered materials on separate lines in
                           the 申请材料 cell, and a second sheet 申请材料 keyed by 实施编码 (GB/T 39046
                           表4: 实施编码, 材料名称, 是否必备材料) for a guide whose own cell is empty
  region_b_guides_gbk.csv  GBK CSV, materials separated by ；, copies counted (复印件1份)
  region_c_channel.json    channel JSON (渝快办 field names), materials as itemMaterials lists
  kept_list_chengdu.csv    成都's published list of the 12 certification materials it keeps
  truth.csv                every finding the samples must produce: file, sheet, row, code, material
"""
from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "certificate_samples"

# 实施编码 = USCC of the body (18) + level digit + 基本编码 (12); bodies are fictitious but well formed
BODY_A, BODY_B = "11450100MB1558081X", "11450200MB0000000Y"
CODE_RADIO = BODY_A + "3" + "000183003000"

REGION_A = [  # 事项名称, 实施编码, 申请材料 (cell text), 事项类型
    ("工伤职工劳动能力复查鉴定", BODY_A + "3" + "000111012000",
     "1.劳动能力鉴定申请表\n2.《工伤认定决定书》原件及复印件\n3.居民身份证原件及复印件", "10"),
    ("工伤职工劳动能力初次鉴定", BODY_A + "3" + "000111011000",
     "1.劳动能力鉴定申请表\n2.《工伤认定决定书》原件和复印件\n3.诊断证明书、完整病历材料", "10"),
    ("工伤登记", BODY_A + "3" + "000111013000",
     "（1）工伤职工停工留薪期确认通知书（2）工伤认定决定书（3）工伤职工身份证复印件", "10"),
    ("无线电台（站）设置、使用许可（申请设置业余无线电台）", BODY_A + "3" + "000183002000",
     "无线电台（站）设置、使用申请表；业余无线电台操作证书（复印件）；居民身份证", "01"),
    ("业余无线电台设置、使用许可", CODE_RADIO, "", "01"),
    ("建筑工程施工许可证核发", BODY_A + "3" + "000172001000",
     "①建筑工程施工许可证申请表②建设工程规划许可证③资金到位证明④施工合同", "01"),
]
MATERIALS_A = [  # 实施编码, 材料名称, 是否必备材料 (1 是, 0 否)
    (CODE_RADIO, "业余无线电台设置、使用申请表", "1"),
    (CODE_RADIO, "业余无线电台操作证书", "1"),
    (CODE_RADIO, "申请人身份证明", "1"),
]
REGION_B = [  # 事项名称, 申请材料
    ("工伤职工劳动能力复查鉴定（市级）", "劳动能力鉴定申请表；工伤认定决定书复印件1份；身份证复印件1份"),
    ("工伤职工劳动能力鉴定", "劳动能力鉴定申请表；《工伤认定决定书》原件和复印件；有效的诊断证明"),
    ("公共租赁住房保障资格审核", "申请表；户口簿复印件；无婚姻登记记录证明原件；收入证明"),
    ("涉台婚姻状况公证", "公证申请表；（无）婚姻登记记录证明；居民身份证"),
    ("工伤认定", "工伤认定申请表；劳动关系证明材料；医疗诊断证明"),
]
REGION_C = [  # taskName, taskCode, itemMaterials
    ("办理工伤登记", BODY_B + "3" + "000111013000", ["停工留薪期确认通知", "工伤认定决定书", "身份证"]),
    ("劳动能力复查鉴定", BODY_B + "3" + "000111012000", ["《工伤认定决定书》复印件", "劳动能力鉴定申请表"]),
    ("建筑工程施工许可证核发", BODY_B + "3" + "000172001000", ["建设资金已经落实承诺书", "施工合同"]),
]
# 成都 keeps 12 certification materials (https://happycsj.com/html/system20180109000533236.html)
KEPT_CHENGDU = ["户口登记项目内容变更更正证明", "注销户口证明", "被拐儿童身份证明", "捡拾弃婴（儿童）报案证明",
                "非正常死亡证明", "临时身份证明", "无犯罪记录证明", "门（楼）牌号变更证明",
                "未取得整车出厂合格证证明", "收入证明", "亲属关系证明", "经济困难证明"]

# file, sheet, row, code, material as written, note
TRUTH = [
    ("region_a_guides.xlsx", "办事指南", 3, "certificate-cancelled-still-required", "《工伤认定决定书》原件及复印件", "seed 1, with 《》, 原件及复印件"),
    ("region_a_guides.xlsx", "办事指南", 5, "certificate-cancelled-still-required", "工伤职工停工留薪期确认通知书", "seed 3, alias"),
    ("region_a_guides.xlsx", "办事指南", 6, "certificate-cancelled-still-required", "业余无线电台操作证书（复印件）", "seed 2"),
    ("region_a_guides.xlsx", "办事指南", 8, "certificate-cancelled-still-required", "资金到位证明", "国务院常务会议 2018-06-06"),
    ("region_a_guides.xlsx", "申请材料", 3, "certificate-cancelled-still-required", "业余无线电台操作证书", "seed 2, materials sheet keyed by 实施编码"),
    ("region_b_guides_gbk.csv", None, 2, "certificate-cancelled-still-required", "工伤认定决定书复印件1份", "seed 1, without 《》, 复印件1份"),
    ("region_b_guides_gbk.csv", None, 4, "certificate-cancelled-still-required", "无婚姻登记记录证明原件", "民函〔2015〕266号, all items"),
    ("region_c_channel.json", None, 1, "certificate-cancelled-still-required", "停工留薪期确认通知", "seed 3, itemMaterials"),
    ("region_c_channel.json", None, 2, "certificate-cancelled-review", "《工伤认定决定书》复印件", "item name 劳动能力复查鉴定 is contained in the registry's: review"),
]
# extra findings with --kept-list kept_list_chengdu.csv
TRUTH_KEPT = [
    ("region_a_guides.xlsx", "办事指南", 4, "certificate-not-in-kept-list", "诊断证明书", ""),
    ("region_b_guides_gbk.csv", None, 3, "certificate-not-in-kept-list", "有效的诊断证明", ""),
    ("region_b_guides_gbk.csv", None, 6, "certificate-not-in-kept-list", "劳动关系证明材料", ""),
    ("region_b_guides_gbk.csv", None, 6, "certificate-not-in-kept-list", "医疗诊断证明", ""),
]


def _xlsx(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "办事指南"
    ws.append(["某市政务服务事项办事指南（样例）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws.append(["事项名称", "实施编码", "事项类型", "申请材料"])
    for name, code, mats, typ in REGION_A:
        ws.append([name, code, typ, mats])
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                c.data_type = "s"
    ms = wb.create_sheet("申请材料")
    ms.append(["实施编码", "材料名称", "是否必备材料"])
    for rec in MATERIALS_A:
        ms.append(list(rec))
    wb.properties.creator = "sxcheck"
    import datetime as dt

    wb.properties.created = wb.properties.modified = dt.datetime(2024, 6, 7)
    wb.save(path)


def write(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    _xlsx(out / "region_a_guides.xlsx")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["事项名称", "申请材料"])
    w.writerows(REGION_B)
    (out / "region_b_guides_gbk.csv").write_bytes(buf.getvalue().encode("gbk"))
    data = {"data": [{"taskName": n, "taskCode": c,
                      "itemMaterials": [{"materialName": m, "isNeed": "1"} for m in mats]}
                     for n, c, mats in REGION_C]}
    (out / "region_c_channel.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                                               encoding="utf-8")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["成都市证明事项保留清单（12项）"])
    w.writerow(["序号", "证明名称"])
    w.writerows([i + 1, n] for i, n in enumerate(KEPT_CHENGDU))
    (out / "kept_list_chengdu.csv").write_text("\ufeff" + buf.getvalue(), encoding="utf-8")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["file", "sheet", "row", "code", "material", "kept_list_only", "note"])
    for rec in TRUTH:
        w.writerow([*rec[:5], "0", rec[5]])
    for rec in TRUTH_KEPT:
        w.writerow([*rec[:5], "1", rec[5]])
    (out / "truth.csv").write_text(buf.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    write(ap.parse_args().out)

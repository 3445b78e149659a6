"""Generate the revoked-check samples: a local catalog, its documented truth and a positive list.

``revoked_sample.csv`` (UTF-8 with BOM) is a 实施清单 excerpt as provinces export it, listing
permits the State Council cancelled under local spellings, near misses that must stay silent,
items already marked 已取消, and cancelled permits that live on as filings.
``revoked_truth.csv`` is the expected finding of every row (empty = none) and why.
``permit_list_sample.csv`` is a short positive list (行政许可事项清单 layout) for
``--permit-list``; it is an excerpt for the demo, not the national list.
Deterministic: ``.venv/bin/python catalogs/make_revoked_sample.py`` writes the same bytes.
"""
from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
GX, HLJ = "450000", "230000"
HEADER = ["事项名称", "事项类型", "事项状态", "行使层级", "实施主体", "行政区划代码", "更新时间"]

# name, type, state, levels, body, area, updated, expected code, why
ROWS = [
    # ---- cancelled permits under local spellings: reported, decision cited
    ("广西壮族自治区经营境内邮政通信业务审批", "行政许可", "在用", "2", "广西壮族自治区邮政管理局", GX, "2021-03-01",
     "revoked-item-listed", "region prefix; 国发〔2020〕13号"),
    ("灵山县户外广告登记", "行政许可", "在用", "4", "灵山县市场监督管理局", "450721", "2020-06-30",
     "revoked-item-listed", "county prefix; 国发〔2016〕9号"),
    ("企业投资扩建民用机场项目核准（省级）", "行政许可", "", "2", "广西壮族自治区发展和改革委员会", GX, "2019-12-31",
     "revoked-item-listed", "level suffix; 国发〔2013〕19号"),
    ("石油天然气对外合作项目总体开发方案审批", "行政许可", "在用", "1,2", "广西壮族自治区发展和改革委员会", GX, "2022-01-10",
     "revoked-item-listed", "short form without the annex gloss （含煤层气）; 国发〔2019〕6号 附件1 第1项"),
    ("普通中小学、幼儿园、中等职业学校(含民办)章程核准", "行政许可", "在用", "2,3,4", "广西壮族自治区教育厅", GX, "2018-05-02",
     "revoked-item-listed", "half-width brackets; 国发〔2017〕7号 附件 第2项"),
    ("普通中小学、幼儿园、中等职业学校章程核准（县级）", "行政许可", "在用", "4", "灵山县教育局", "450721", "2018-05-02",
     "revoked-item-listed", "short form + level suffix; 国发〔2017〕7号 附件 第2项"),
    ("企业投资精对苯二甲酸（PTA）、甲苯二异氰酸酯（TDI）项目及对二甲苯（PX）改扩建项目核准", "行政许可", "在用", "2",
     "广西壮族自治区发展和改革委员会", GX, "2016-01-01", "revoked-item-listed", "full-width brackets; 国发〔2013〕19号"),
    ("外商投资经营电信业务审定意见书初审", "行政许可", "在用", "2", "广西壮族自治区通信管理局", GX, "2021-02-01",
     "revoked-item-listed", "provincial alias (…初审 for …核发); 国发〔2020〕13号 附件1 第1项"),
    ("重大动物疫病病料采集审批", "行政许可", "在用", "2", "广西壮族自治区农业农村厅", GX, "2018-03-15",
     "revoked-item-listed", "delegated 国发〔2013〕44号, then cancelled 国发〔2017〕7号"),
    ("棉花加工资格认定", "", "", "2", "广西壮族自治区市场监督管理局", GX, "",
     "revoked-item-listed", "no type, no status, no date; 国发〔2017〕7号 附件 第1项"),
    ("南宁市自费出国留学中介服务机构资格认定（市级）", "行政许可", "在用", "3", "南宁市教育局", "450100", "2017-08-01",
     "revoked-item-listed", "city prefix + level suffix; 国发〔2017〕7号 附件 第3项"),
    ("名称预先核准", "01", "在用", "4", "灵山县市场监督管理局", "450721", "2019-06-01",
     "revoked-item-listed", "short form without the annex gloss （包括企业…）; 国发〔2019〕6号"),
    ("省级、县级森林公园设立、撤销、合并、改变经营范围或者变更隶属关系审批", "行政许可", "在用", "2,4", "广西壮族自治区林业局", GX,
     "2017-03-01", "revoked-item-listed", "kept only in 黑龙江 (黑政发〔2016〕23号); cancelled elsewhere"),
    ("实验动物出口审批", "行政许可", "在用", "1,2", "科学技术部", "", "2015-04-01",
     "delegated-item-wrong-level", "下放 to 省级 by 国发〔2013〕19号, still listed at 国家级"),
    # ---- unsure: reported for a person to confirm
    ("经营境内邮政通信业务许可", "行政许可", "在用", "2", "广西壮族自治区邮政管理局", GX, "2021-03-01",
     "revoked-item-review", "…许可 for …审批 (fuzzy 83.3, permit-kind synonym)"),
    ("煤炭生产许可证核发", "行政许可", "在用", "2", "广西壮族自治区能源局", GX, "2015-01-05",
     "revoked-item-review", "registry source is secondary-weak (国发〔2013〕44号 from press)"),
    # ---- near misses: similar live permits, not reported
    ("企业投资新建民用机场项目核准", "行政许可", "在用", "2", "广西壮族自治区发展和改革委员会", GX, "2021-01-01",
     "", "same object, other action (新建 ≠ 扩建): still a permit"),
    ("水运工程建设项目设计文件审批", "行政许可", "在用", "2,3", "广西壮族自治区交通运输厅", GX, "2021-01-01",
     "", "same action, other object: the permit that replaced 通航建筑物设计文件和施工方案审批"),
    ("农药生产许可证核发", "行政许可", "在用", "2", "广西壮族自治区农业农村厅", GX, "2021-01-01",
     "", "same action, other object (农药 ≠ 煤炭)"),
    ("户外广告设施设置审批", "行政许可", "在用", "4", "灵山县城市管理局", "450721", "2021-01-01",
     "", "same object, other action (设施设置审批 ≠ 登记)"),
    ("食盐批发许可", "行政许可", "在用", "2", "广西壮族自治区盐务管理局", GX, "2021-01-01",
     "", "same object, other activity (批发 ≠ 准运)"),
    ("肥料登记", "行政许可", "在用", "1", "农业农村部", "", "2021-01-01",
     "", "same action, other scope (七类肥料登记 was cancelled, 肥料登记 remains)"),
    ("煤矿安全生产许可证核发", "行政许可", "在用", "2", "广西壮族自治区应急管理厅", GX, "2021-01-01",
     "", "same action, other object (煤矿安全生产 ≠ 煤炭生产)"),
    ("实验动物出口审批", "行政许可", "在用", "2", "广西壮族自治区科学技术厅", GX, "2021-01-01",
     "", "delegated item at its new level"),
    # ---- marked as no longer in use
    ("经营境内邮政通信业务审批", "行政许可", "已取消", "2", "广西壮族自治区邮政管理局", GX, "2021-03-01",
     "", "事项状态 已取消"),
    ("食盐准运许可", "行政许可", "停用", "2", "广西壮族自治区盐务管理局", GX, "2017-06-01", "", "事项状态 停用"),
    ("棉花加工资格认定", "行政许可", "暂停", "2", "广西壮族自治区市场监督管理局", GX, "2017-06-01", "", "事项状态 暂停"),
    # ---- cancelled permits that survive as filings
    ("石油天然气（含煤层气）对外合作项目总体开发方案备案", "其他行政权力", "在用", "1", "国家发展和改革委员会", "", "2020-01-01",
     "", "改为备案 by 国发〔2019〕6号: the filing is legitimate"),
    ("乡村兽医登记备案", "其他行政权力", "在用", "4", "灵山县农业农村局", "450721", "2021-01-01",
     "", "filing that replaced 乡村兽医登记许可"),
    ("新农药登记试验备案", "", "在用", "1", "农业农村部", "", "2021-01-01", "", "untyped filing: a …备案 never matches a permit"),
    ("乡村兽医登记许可", "其他行政权力", "在用", "4", "灵山县农业农村局", "450721", "2021-01-01",
     "", "kept as a filing typed 其他行政权力 under its old name"),
    # ---- listed before the decision, or kept by a provincial exception
    ("乡村兽医登记许可", "行政许可", "在用", "4", "灵山县农业农村局", "450721", "2019-05-01",
     "", "updated 2019-05-01, before 国发〔2020〕13号 (2020-09-13)"),
    ("省级、县级森林公园设立、撤销、合并、改变经营范围或者变更隶属关系审批", "行政许可", "在用", "2,4", "黑龙江省林业和草原局", HLJ,
     "2017-03-01", "", "黑龙江 keeps it under 《黑龙江省森林公园管理条例》 (黑政发〔2016〕23号)"),
    # ---- ordinary live permits
    ("食品经营许可证核发（新办）", "行政许可", "在用", "4", "灵山县市场监督管理局", "450721", "2021-01-01", "", "live permit"),
    ("建设工程规划许可证核发", "行政许可", "在用", "4", "灵山县自然资源局", "450721", "2021-01-01", "", "live permit"),
    ("排污许可证核发", "行政许可", "在用", "3", "钦州市生态环境局", "450700", "2021-01-01", "", "live permit"),
    ("农家乐经营许可", "行政许可", "在用", "4", "灵山县文化广电体育和旅游局", "450721", "2021-01-01",
     "", "live locally; outside the positive list (permit-not-in-list with --permit-list)"),
]

PERMIT_LIST = [
    ("1", "国家发展改革委", "企业投资项目核准", "省级、设区的市级、县级发展改革部门", "《企业投资项目核准和备案管理条例》"),
    ("2", "市场监管总局", "食品经营许可", "县级市场监管部门", "《中华人民共和国食品安全法》"),
    ("3", "自然资源部", "建设工程规划许可证核发", "县级以上自然资源主管部门", "《中华人民共和国城乡规划法》"),
    ("4", "生态环境部", "排污许可证核发", "设区的市级生态环境部门", "《排污许可管理条例》"),
    ("5", "住房城乡建设部", "户外广告设施设置审批", "县级以上城市管理部门", "《城市市容和环境卫生管理条例》"),
    ("6", "农业农村部", "农药生产许可", "省级农业农村部门", "《农药管理条例》"),
    ("7", "农业农村部", "肥料登记", "农业农村部、省级农业农村部门", "《中华人民共和国农业法》"),
    ("8", "交通运输部", "水运工程建设项目设计文件审批", "省级、设区的市级交通运输部门", "《港口工程建设管理规定》"),
    ("9", "工业和信息化部", "食盐批发许可", "省级盐业主管部门", "《食盐专营办法》"),
    ("10", "应急部", "煤矿安全生产许可证核发", "省级煤矿安全生产许可证颁发管理机关", "《安全生产许可证条例》"),
    ("11", "科技部", "实验动物出口审批", "省级科技行政管理部门", "《实验动物管理条例》"),
    ("12", "国家发展改革委", "企业投资新建民用机场项目核准", "省级发展改革部门", "《企业投资项目核准和备案管理条例》"),
]


def main(out: Path = HERE) -> None:
    with open(out / "revoked_sample.csv", "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(HEADER)
        for r in ROWS:
            w.writerow(r[:7])
    with open(out / "revoked_truth.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["row", "name", "code", "why"])
        for i, r in enumerate(ROWS, start=2):
            w.writerow([i, r[0], r[7], r[8]])
    with open(out / "permit_list_sample.csv", "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["序号", "主管部门", "许可事项名称", "实施机关", "设定和实施依据"])
        w.writerows(PERMIT_LIST)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="directory to write to (default: catalogs/)")
    main(ap.parse_args().out)

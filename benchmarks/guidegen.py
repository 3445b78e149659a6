"""Deterministic generator of realistic 办事指南 / 实施清单 records for sxcheck.

One record is a ``dict`` keyed by canonical element names (see ``schemas/_generate.py``), every
value a string (``""`` = empty cell).  Records describe the items of one county (灵山县, area
``450721``): a dozen departments, each with a valid 统一社会信用代码 (GB 32100 check character
and a valid embedded GB 11714 organization-code check character), national or
province-added 基本编码 ``RRTTDDMMMSSS`` and 31-character 实施编码
``USCC(18) + level digit + 基本编码`` (domain.md §3).  Clean records satisfy every rule in
``schemas/rules.json``; :func:`inject` plants exactly one defect and returns the findings it
should cause.

API
  ``clean_record(rng, i)``          the i-th catalog entry (cycled) as a clean guide record
  ``inject(rng, rec, kind, other=None)`` plant defect ``kind``; returns ``[(code, field), ...]``
  ``DEFECTS``                       kind → (description, expected codes, predicate)
  ``write_csv(path, n, defect_rate=0.05, seed=...)``  bulk benchmark file (UTF-8, Chinese
                                    header labels), optionally with a manifest of planted defects

Bulk path: a pool of clean records is rendered once to CSV line templates; each row only
substitutes the county name, area code and department USCC (one ``str.format``), so a million
~3 KB rows write in well under a minute.  Run ``python benchmarks/guidegen.py --help``.
"""
from __future__ import annotations

import csv
import io
import random
import sys
import time
from itertools import product
from typing import Callable

# ---------------------------------------------------------------------------------------------
# Codes: GB 32100 (USCC) and GB 11714 (organization code) check characters, domain.md §3.1
# ---------------------------------------------------------------------------------------------
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def org_check_char(first8: str) -> str:
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, ORG_WEIGHTS))
    c9 = 11 - s % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def make_uscc(area6: str, org8: str, kind: str = "11") -> str:
    """USCC for an organ (``11``) registered in ``area6`` with organization-code body ``org8``."""
    first17 = kind + area6 + org8 + org_check_char(org8)
    return first17 + uscc_check_char(first17)


def uscc_ok(code: str) -> bool:
    return (len(code) == 18 and all(c in USCC_ALPHABET for c in code)
            and code[17] == uscc_check_char(code[:17]) and code[16] == org_check_char(code[8:16]))


# ---------------------------------------------------------------------------------------------
# Columns: canonical element name → Chinese label (the schema ``title``)
# ---------------------------------------------------------------------------------------------
COLUMNS = [
    ("item_name", "事项名称"), ("catalog_code", "基本编码"), ("task_code", "实施编码"),
    ("item_type", "事项类型"), ("item_state", "事项状态"), ("item_version", "事项版本"),
    ("legal_basis", "设定依据"), ("exercise_levels", "行使层级"),
    ("central_dept_code", "中央业务指导部门代码"), ("area_code", "行政区划代码"),
    ("power_source", "权力来源"), ("implementing_body", "实施主体"),
    ("implementing_body_code", "实施主体编码"), ("implementing_body_nature", "实施主体性质"),
    ("entrusting_body", "委托部门"),
    ("legal_time_limit", "法定办结时限"), ("legal_time_limit_unit", "法定办结时限单位"),
    ("legal_time_limit_note", "法定办结时限说明"),
    ("promised_time_limit", "承诺办结时限"), ("promised_time_limit_unit", "承诺办结时限单位"),
    ("promised_time_limit_note", "承诺办结时限说明"),
    ("acceptance_conditions", "受理条件"), ("handling_process", "办理流程"),
    ("special_procedures", "特别程序"), ("case_type", "办件类型"), ("handling_forms", "办理形式"),
    ("service_targets", "服务对象"), ("is_fee_charged", "是否收费"), ("fee_basis", "收费依据"),
    ("fee_standard", "收费标准"), ("onsite_visits", "到办事现场次数"),
    ("onsite_reason", "必须现场办理原因说明"), ("handling_location", "办理地点"),
    ("handling_hours", "办理时间"), ("consultation_channel", "咨询方式"),
    ("complaint_channel", "监督投诉方式"), ("is_online", "是否网办"),
    ("online_depth", "网上办理深度"), ("online_url", "网办地址"),
    ("is_in_service_hall", "是否进驻政务大厅"), ("is_express_supported", "是否支持物流快递"),
    ("is_online_payment_supported", "是否支持网上支付"),
    ("is_appointment_supported", "是否支持预约办理"), ("cross_region_scope", "通办范围"),
    ("joint_agencies", "联办机构"), ("result_name", "审批结果名称"), ("result_type", "审批结果类型"),
    ("materials", "申请材料"), ("punishment_method", "处罚的行为、种类、幅度"),
    ("collect_type", "征收种类"),
]
FIELDS = [c for c, _ in COLUMNS]
TITLES = dict(COLUMNS)

# ---------------------------------------------------------------------------------------------
# The county and its departments
# ---------------------------------------------------------------------------------------------
COUNTY_NAME, AREA, PROVINCE = "灵山县", "450721", "45"
COMPLAINT_PHONE = "0777-6428880"          # 县政务服务监督投诉电话
CENTRE = "灵山县三海街道江南路12号县政务服务中心"

# key: (name, USCC or 8-char org-code body, consultation phone, handling location)
_DEPTS = {
    "spj": ("灵山县行政审批局", "11450721MB15580811", "0777-6428820", CENTRE + "二楼综合窗口{w}"),
    "fgj": ("灵山县发展和改革局", "114507210081153718", "0777-6521346",
            "灵山县三海街道江南路5号县政务服务中心法人大厅工程建设项目综合窗口{w}"),
    "wgt": ("灵山县文化广电体育和旅游局", "11450721348531435D", "0777-6428913", CENTRE + "二楼综合窗口{w}"),
    "scj": ("灵山县市场监督管理局", "MB153224", "0777-6512315", CENTRE + "一楼市场监管窗口{w}"),
    "wjj": ("灵山县卫生健康局", "00811402", "0777-6522143", CENTRE + "三楼卫生健康窗口{w}"),
    "zrj": ("灵山县自然资源局", "MB157106", "0777-6532018", CENTRE + "一楼不动产登记窗口{w}"),
    "gaj": ("灵山县公安局", "00811519", "0777-6524110", "灵山县灵城街道凤凰路88号县公安局户政服务大厅{w}号窗口"),
    "mzj": ("灵山县民政局", "00811447", "0777-6522602", CENTRE + "三楼民政窗口{w}"),
    "swj": ("国家税务总局灵山县税务局", "MB152874", "0777-6512366", CENTRE + "一楼税务服务厅{w}号窗口"),
    "rsj": ("灵山县人力资源和社会保障局", "00811593", "0777-6523351", CENTRE + "三楼人社窗口{w}"),
    "jtj": ("灵山县交通运输局", "00811471", "0777-6522581", CENTRE + "二楼交通运输窗口{w}"),
    "jyj": ("灵山县教育局", "00811375", "0777-6522430", "灵山县灵城街道人民路23号县教育局一楼办事大厅{w}号窗口"),
    "tyj": ("灵山县退役军人事务局", "MB156339", "0777-6531892", CENTRE + "三楼退役军人服务窗口{w}"),
    "yjj": ("灵山县应急管理局", "MB155910", "0777-6536007", CENTRE + "二楼综合窗口{w}"),
    "zjj": ("灵山县住房和城乡建设局", "00811500", "0777-6522670", CENTRE + "二楼工程建设窗口{w}"),
    "nyj": ("灵山县农业农村局", "00811463", "0777-6522225", CENTRE + "二楼农业农村窗口{w}"),
    "slj": ("灵山县水利局", "00811490", "0777-6522318", CENTRE + "二楼水利窗口{w}"),
    "lyj": ("灵山县林业局", "MB157982", "0777-6524236", CENTRE + "二楼林业窗口{w}"),
}
DEPT_KEYS = list(_DEPTS)
DEPTS = {}
for _k, (_n, _c, _p, _loc) in _DEPTS.items():
    _uscc = _c if len(_c) == 18 else make_uscc(AREA, _c)
    assert uscc_ok(_uscc), _uscc
    DEPTS[_k] = {"name": _n, "uscc": _uscc, "phone": _p, "location": _loc}

# ---------------------------------------------------------------------------------------------
# Legal bases per DD (中央业务指导部门) — law title and articles
# ---------------------------------------------------------------------------------------------
LAWS = {
    "04": [("《企业投资项目核准和备案管理条例》", ["第三条", "第六条"]),
           ("《固定资产投资项目节能审查办法》", ["第三条", "第八条"]),
           ("《中华人民共和国节约能源法》", ["第十五条"]), ("《政府投资条例》", ["第九条", "第十一条"])],
    "05": [("《中华人民共和国民办教育促进法》", ["第十二条", "第五十四条"]), ("《教师资格条例》", ["第十三条"]),
           ("《中华人民共和国教师法》", ["第十三条"]), ("《中华人民共和国义务教育法》", ["第十二条"]),
           ("《学生资助资金管理办法》", ["第二十一条"])],
    "09": [("《中华人民共和国居民身份证法》", ["第二条", "第十一条"]),
           ("《中华人民共和国户口登记条例》", ["第十条", "第十三条"]),
           ("《大型群众性活动安全管理条例》", ["第十一条"]), ("《危险化学品安全管理条例》", ["第三十八条"]),
           ("《烟花爆竹安全管理条例》", ["第二十二条"]), ("《中华人民共和国治安管理处罚法》", ["第二十三条", "第四十九条"])],
    "11": [("《婚姻登记条例》", ["第四条", "第十条"]), ("《社会救助暂行办法》", ["第九条", "第四十七条"]),
           ("《社会团体登记管理条例》", ["第三条", "第九条"]), ("《民办非企业单位登记管理暂行条例》", ["第三条"]),
           ("《殡葬管理条例》", ["第八条"]), ("《中华人民共和国老年人权益保障法》", ["第三十三条"])],
    "14": [("《中华人民共和国社会保险法》", ["第四十五条", "第三十六条"]), ("《失业保险条例》", ["第十四条"]),
           ("《工伤保险条例》", ["第十七条", "第二十条"]), ("《人力资源市场暂行条例》", ["第十八条"]),
           ("《劳动保障监察条例》", ["第十一条", "第二十五条"]), ("《中华人民共和国就业促进法》", ["第五十条"])],
    "15": [("《中华人民共和国土地管理法》", ["第四十四条", "第七十七条"]),
           ("《中华人民共和国城乡规划法》", ["第三十六条", "第四十一条"]),
           ("《不动产登记暂行条例》", ["第三条", "第十四条"]), ("《闲置土地处置办法》", ["第十四条"]),
           ("《中华人民共和国土地管理法实施条例》", ["第二十二条"])],
    "17": [("《中华人民共和国建筑法》", ["第七条", "第八条"]), ("《建筑工程施工许可管理办法》", ["第二条"]),
           ("《城镇燃气管理条例》", ["第十五条"]), ("《城镇排水与污水处理条例》", ["第二十一条"]),
           ("《城市房地产开发经营管理条例》", ["第二十二条"]), ("《建设工程质量管理条例》", ["第四十九条", "第五十七条"])],
    "18": [("《中华人民共和国道路运输条例》", ["第二十四条", "第六十三条"]),
           ("《中华人民共和国公路法》", ["第四十四条", "第七十六条"]), ("《公路安全保护条例》", ["第二十七条"]),
           ("《道路货物运输及站场管理规定》", ["第十二条"])],
    "20": [("《农药管理条例》", ["第二十四条", "第五十五条"]), ("《兽药管理条例》", ["第二十二条"]),
           ("《中华人民共和国种子法》", ["第三十一条"]), ("《中华人民共和国动物防疫法》", ["第二十四条"]),
           ("《中华人民共和国渔业法》", ["第二十三条"])],
    "22": [("《娱乐场所管理条例》", ["第九条", "第四十一条"]), ("《互联网上网服务营业场所管理条例》", ["第十条"]),
           ("《营业性演出管理条例》", ["第九条"]), ("《中华人民共和国公共文化服务保障法》", ["第三十一条"])],
    "23": [("《公共场所卫生管理条例》", ["第四条", "第八条"]), ("《公共场所卫生管理条例实施细则》", ["第二十二条"]),
           ("《医疗机构管理条例》", ["第十五条"]), ("《放射诊疗管理规定》", ["第十一条"]),
           ("《中华人民共和国母婴保健法》", ["第三十二条"]), ("《中华人民共和国传染病防治法》", ["第十条"]),
           ("《中华人民共和国人口与计划生育法》", ["第二十七条"]), ("《生活饮用水卫生监督管理办法》", ["第七条"])],
    "24": [("《军人抚恤优待条例》", ["第二十五条", "第三十四条"]), ("《退役士兵安置条例》", ["第十八条"]),
           ("《中华人民共和国退役军人保障法》", ["第六十二条"])],
    "25": [("《危险化学品安全管理条例》", ["第三十三条", "第三十五条"]), ("《烟花爆竹安全管理条例》", ["第十九条"]),
           ("《中华人民共和国安全生产法》", ["第六十五条", "第九十七条"]), ("《烟花爆竹经营许可实施办法》", ["第十六条"])],
    "30": [("《中华人民共和国税收征收管理法》", ["第十五条", "第三十一条", "第六十二条"]),
           ("《中华人民共和国税收征收管理法实施细则》", ["第十五条", "第四十一条"]),
           ("《中华人民共和国城镇土地使用税暂行条例》", ["第二条"]), ("《中华人民共和国契税法》", ["第一条", "第九条"]),
           ("《中华人民共和国发票管理办法》", ["第十五条"])],
    "31": [("《中华人民共和国食品安全法》", ["第三十五条", "第一百一十条", "第一百二十二条"]),
           ("《食品经营许可和备案管理办法》", ["第六条", "第二十八条"]),
           ("《中华人民共和国市场主体登记管理条例》", ["第三条", "第二十一条"]),
           ("《中华人民共和国特种设备安全法》", ["第三十三条", "第五十七条"]),
           ("《中华人民共和国产品质量法》", ["第十五条", "第四十九条"])],
    "33": [("《全民健身条例》", ["第二十八条"]), ("《中华人民共和国体育法》", ["第八十六条"]),
           ("《公共文化体育设施条例》", ["第二十七条"])],
    "41": [("《宗教事务条例》", ["第三十三条", "第三十五条"]), ("《宗教活动场所设立审批和登记办法》", ["第二十条"])],
    "19": [("《中华人民共和国水法》", ["第七条", "第四十八条", "第六十九条"]), ("《取水许可和水资源费征收管理条例》", ["第二条", "第十四条"]),
           ("《中华人民共和国水土保持法》", ["第二十五条", "第三十二条"]), ("《中华人民共和国防洪法》", ["第二十七条"]),
           ("《中华人民共和国河道管理条例》", ["第十一条", "第二十五条"])],
    "39": [("《出版管理条例》", ["第三十七条"]), ("《出版物市场管理规定》", ["第十条"])],
    "64": [("《中华人民共和国森林法》", ["第五十六条", "第七十六条", "第二十九条"]),
           ("《中华人民共和国森林法实施条例》", ["第三十二条"]), ("《中华人民共和国种子法》", ["第三十一条"]),
           ("《森林病虫害防治条例》", ["第十二条"])],
    "72": [("《中华人民共和国药品管理法》", ["第五十一条", "第一百一十五条"]),
           ("《中华人民共和国药品管理法实施条例》", ["第十二条"]), ("《药品经营和使用质量监督管理办法》", ["第五条"])],
}
LICENSING_LAW = "《中华人民共和国行政许可法》第二十九条"
PUNISHMENT_LAW = "《中华人民共和国行政处罚法》第五十四条"

# ---------------------------------------------------------------------------------------------
# Catalog entries: (dept, item_type, DD, name or [子项 names], RR, fixed catalog code or None)
# ---------------------------------------------------------------------------------------------
_E = [
    # 行政审批局 — a county's consolidated licensing bureau (items of many ministries)
    ("spj", "01", "04", "固定资产投资项目节能审查", "00", "000104002000"),
    ("spj", "01", "04", "企业投资项目核准", "00", None),
    ("spj", "01", "41", "在宗教活动场所内改建或者新建建筑物审批", "00", "000141005000"),
    ("spj", "01", "41", "宗教临时活动地点审批", "00", None),
    ("spj", "01", "31", ["食品经营许可证核发", "食品经营许可证变更", "食品经营许可证延续", "食品经营许可证注销",
                         "食品经营许可证补办"], "00", None),
    ("spj", "01", "23", ["公共场所卫生许可证核发", "公共场所卫生许可证变更", "公共场所卫生许可证延续",
                         "公共场所卫生许可证注销"], "00", None),
    ("spj", "01", "23", "饮用水供水单位卫生许可", "00", None),
    ("spj", "01", "17", "建筑工程施工许可证核发", "00", None),
    ("spj", "01", "17", "城镇污水排入排水管网许可", "00", None),
    ("spj", "01", "17", "商品房预售许可", "00", None),
    ("spj", "01", "17", ["燃气经营许可证核发", "燃气经营许可证变更"], "00", None),
    ("spj", "01", "18", ["道路货物运输经营许可", "道路旅客运输经营许可"], "00", None),
    ("spj", "01", "18", "公路超限运输许可", "00", None),
    ("spj", "01", "18", "占用、挖掘公路、公路用地或者使公路改线审批", "00", None),
    ("spj", "01", "22", "娱乐场所从事娱乐场所经营活动审批", "00", None),
    ("spj", "01", "22", "互联网上网服务营业场所经营单位从事互联网上网服务经营活动审批", "00", None),
    ("spj", "01", "22", "营业性演出审批", "00", None),
    ("spj", "01", "20", ["农药经营许可证核发", "农药经营许可证变更"], "00", None),
    ("spj", "01", "20", "兽药经营许可证核发", "00", None),
    ("spj", "01", "20", "农作物种子生产经营许可证核发", "00", None),
    ("spj", "01", "20", "动物防疫条件合格证核发", "00", None),
    ("spj", "01", "72", ["药品经营许可证（零售）核发", "药品经营许可证（零售）变更", "药品经营许可证（零售）换发"],
     "00", None),
    ("spj", "01", "25", "烟花爆竹经营（零售）许可", "00", None),
    ("spj", "01", "25", "危险化学品经营许可", "00", None),
    ("spj", "01", "11", "殡葬设施建设审批", "00", None),
    ("spj", "01", "05", "民办学校设立、变更、终止审批", "00", None),
    ("spj", "01", "23", ["医疗机构执业登记", "医疗机构执业登记变更", "医疗机构执业登记注销"], "00", None),
    ("spj", "01", "23", "放射诊疗许可", "00", None),
    ("spj", "01", "15", ["乡村建设规划许可证核发", "建设工程规划许可证核发"], "00", None),
    ("spj", "01", "15", "建设项目用地预审与选址意见书核发", "00", None),
    ("spj", "01", "14", "人力资源服务许可", "00", None),
    ("spj", "07", "31", ["个体工商户设立登记", "个体工商户变更登记", "个体工商户注销登记"], "00", None),
    ("spj", "20", "31", "企业开办一窗通办服务", "45", None),
    # 发展和改革局
    ("fgj", "10", "04", "企业投资项目备案", "00", None),
    ("fgj", "07", "04", "粮食收购企业资格备案", "00", None),
    ("fgj", "20", "04", "重点项目代办服务", "45", None),
    ("fgj", "20", "04", "价格政策咨询服务", "45", None),
    ("fgj", "02", "04", "对未按规定进行节能审查擅自开工建设项目的处罚", "00", None),
    # 文化广电体育和旅游局
    ("wgt", "10", "33", "全民健身设施拆迁或者改变用途批准", "00", "001033002000"),
    ("wgt", "20", "22", ["公共图书馆文献借阅服务", "公共图书馆读者证办理"], "00", None),
    ("wgt", "20", "22", "文化馆公益性培训服务", "00", None),
    ("wgt", "20", "33", ["公共体育场馆免费低收费开放服务", "国民体质监测服务"], "00", None),
    ("wgt", "02", "22", ["对娱乐场所违反规定经营的处罚", "对擅自从事互联网上网服务经营活动的处罚"], "00", None),
    ("wgt", "06", "22", "对文化市场经营活动的行政检查", "00", None),
    ("wgt", "08", "22", "对在文物保护工作中做出突出贡献的单位和个人给予表彰奖励", "00", None),
    # 市场监督管理局
    ("scj", "07", "31", ["企业设立登记", "企业变更登记", "企业注销登记", "企业备案"], "00", None),
    ("scj", "07", "31", "特种设备使用登记", "00", None),
    ("scj", "07", "31", "动产抵押登记", "00", None),
    ("scj", "02", "31", ["对未取得食品经营许可从事食品经营活动的处罚", "对经营不符合食品安全标准的食品的处罚",
                         "对销售不合格产品的处罚", "对未按规定办理特种设备使用登记的处罚"], "00", None),
    ("scj", "03", "31", ["查封、扣押不符合食品安全标准的食品", "查封、扣押存在严重事故隐患的特种设备"], "00", None),
    ("scj", "06", "31", ["对食品经营者的监督检查", "对特种设备使用单位的监督检查"], "00", None),
    ("scj", "02", "72", "对药品经营企业未遵守药品经营质量管理规范的处罚", "00", None),
    ("scj", "06", "72", "对药品零售企业的监督检查", "00", None),
    ("scj", "20", "31", ["消费投诉举报受理", "企业信用信息公示服务"], "00", None),
    ("scj", "09", "31", "对商标侵权纠纷的处理", "00", None),
    ("scj", "08", "31", "对举报食品安全违法行为的奖励", "00", None),
    # 卫生健康局
    ("wjj", "05", "23", ["计划生育家庭特别扶助金给付", "农村部分计划生育家庭奖励扶助金给付"], "00", None),
    ("wjj", "20", "23", ["出生医学证明签发", "预防接种服务", "母婴保健技术服务咨询"], "00", None),
    ("wjj", "20", "23", "家庭医生签约服务", "45", None),
    ("wjj", "07", "23", "医师执业注册", "00", None),
    ("wjj", "07", "23", "护士执业注册", "00", None),
    ("wjj", "02", "23", ["对未依法取得公共场所卫生许可证擅自营业的处罚", "对医疗机构使用非卫生技术人员从事医疗卫生技术工作的处罚"],
     "00", None),
    ("wjj", "06", "23", "对公共场所的卫生监督检查", "00", None),
    ("wjj", "08", "23", "对在传染病防治工作中做出显著成绩和贡献的单位和个人给予表彰和奖励", "00", None),
    # 自然资源局
    ("zrj", "07", "15", ["国有建设用地使用权首次登记", "国有建设用地使用权及房屋所有权转移登记",
                         "国有建设用地使用权及房屋所有权变更登记", "抵押权首次登记", "不动产注销登记",
                         "宅基地使用权及房屋所有权首次登记"], "00", None),
    ("zrj", "20", "15", ["不动产登记资料查询", "测绘成果资料提供"], "00", None),
    ("zrj", "02", "15", ["对非法占用土地的处罚", "对未取得建设工程规划许可证进行建设的处罚"], "00", None),
    ("zrj", "04", "15", "土地闲置费征收", "00", None),
    ("zrj", "09", "15", "土地权属争议调处", "00", None),
    ("zrj", "06", "15", "对土地利用情况的监督检查", "00", None),
    # 公安局
    ("gaj", "07", "09", ["居民身份证申领", "居民身份证换领", "居民身份证补领"], "00", None),
    ("gaj", "07", "09", ["出生登记", "死亡登记", "户口迁入登记", "户口迁出登记"], "00", None),
    ("gaj", "01", "09", "大型群众性活动安全许可", "00", None),
    ("gaj", "01", "09", "剧毒化学品购买许可", "00", None),
    ("gaj", "01", "09", "烟花爆竹道路运输许可", "00", None),
    ("gaj", "20", "09", ["无犯罪记录证明开具", "居住证申领", "临时居民身份证申领"], "00", None),
    ("gaj", "02", "09", ["对扰乱单位秩序行为的处罚", "对违反规定举办大型活动行为的处罚"], "00", None),
    ("gaj", "03", "09", "对醉酒的人采取保护性约束措施", "00", None),
    # 民政局
    ("mzj", "07", "11", ["内地居民结婚登记", "内地居民离婚登记", "补领婚姻登记证"], "00", None),
    ("mzj", "05", "11", ["最低生活保障金给付", "特困人员救助供养", "临时救助金给付"], "00", None),
    ("mzj", "05", "11", "高龄津贴发放", "45", None),
    ("mzj", "01", "11", ["社会团体成立登记", "社会团体变更登记", "社会团体注销登记"], "00", None),
    ("mzj", "01", "11", ["民办非企业单位成立登记", "民办非企业单位变更登记"], "00", None),
    ("mzj", "20", "11", ["婚姻登记档案查询", "居家养老服务", "困境儿童基本生活保障"], "00", None),
    ("mzj", "06", "11", "对社会组织的监督检查", "00", None),
    # 税务局
    ("swj", "10", "30", "注销扣缴税款登记", "00", "001030051000"),
    ("swj", "10", "30", ["税务登记信息变更", "停业登记", "复业登记"], "00", None),
    ("swj", "04", "30", ["城镇土地使用税征收", "契税征收", "车辆购置税征收"], "00", None),
    ("swj", "01", "30", ["增值税专用发票最高开票限额审批", "对纳税人延期缴纳税款的核准"], "00", None),
    ("swj", "02", "30", "对纳税人未按照规定期限办理纳税申报的处罚", "00", None),
    ("swj", "20", "30", ["发票领用", "纳税信用评价结果查询", "开具税收完税证明"], "00", None),
    # 人力资源和社会保障局
    ("rsj", "05", "14", ["失业保险金给付", "丧葬补助金和抚恤金给付"], "00", None),
    ("rsj", "07", "14", "工伤认定", "00", None),
    ("rsj", "20", "14", ["社会保障卡申领", "就业创业证申领", "城乡居民养老保险参保登记", "职业技能培训补贴申领"],
     "00", None),
    ("rsj", "06", "14", "对用人单位遵守劳动保障法律法规情况的监督检查", "00", None),
    ("rsj", "02", "14", "对用人单位违反工作时间和休息休假规定的处罚", "00", None),
    ("rsj", "09", "14", "劳动人事争议仲裁", "00", None),
    # 交通运输局
    ("jtj", "07", "18", ["道路运输从业人员从业资格证换发", "道路运输从业人员从业资格证补发"], "00", None),
    ("jtj", "20", "18", ["出租汽车驾驶员从业资格注册", "农村客运班线运营服务"], "00", None),
    ("jtj", "02", "18", ["对擅自从事道路运输经营的处罚", "对在公路上擅自设置障碍物的处罚"], "00", None),
    ("jtj", "06", "18", "对道路运输经营者的监督检查", "00", None),
    ("jtj", "03", "18", "扣押擅自从事道路运输经营的车辆", "00", None),
    # 教育局
    ("jyj", "01", "05", "教师资格认定", "00", None),
    ("jyj", "05", "05", ["家庭经济困难学生资助", "农村义务教育学生营养膳食补助"], "00", None),
    ("jyj", "20", "05", ["义务教育阶段学校招生入学", "中小学生学籍转接", "教师资格证书补发"], "00", None),
    ("jyj", "08", "05", "对教育教学工作中成绩显著的教师给予表彰奖励", "00", None),
    # 退役军人事务局
    ("tyj", "05", "24", "优抚对象医疗保障", "00", "000524018000"),
    ("tyj", "05", "24", "义务兵家庭优待金给付", "00", "000524021000"),
    ("tyj", "05", "24", ["伤残抚恤金给付", "在乡复员军人定期生活补助"], "00", None),
    ("tyj", "07", "24", "退役士兵自主就业经济补助确认", "00", None),
    ("tyj", "20", "24", ["退役军人优待证申领", "光荣牌悬挂服务"], "00", None),
    # 应急管理局
    ("yjj", "06", "25", "对生产经营单位安全生产情况的监督检查", "00", None),
    ("yjj", "02", "25", "对生产经营单位未按规定开展安全生产教育和培训的处罚", "00", None),
    ("yjj", "07", "25", "生产安全事故应急预案备案", "00", None),
    ("yjj", "20", "25", "安全生产举报受理", "00", None),
    # 住房和城乡建设局
    ("zjj", "07", "17", ["建设工程竣工验收备案", "建设工程消防验收备案"], "00", None),
    ("zjj", "20", "17", ["住房公积金缴存证明开具", "公共租赁住房申请"], "00", None),
    ("zjj", "02", "17", "对建设单位未取得施工许可证擅自施工的处罚", "00", None),
    ("zjj", "06", "17", "对建设工程质量安全的监督检查", "00", None),
    ("zjj", "10", "17", "房屋建筑和市政基础设施工程招标投标情况书面报告备案", "00", None),
    # 农业农村局
    ("nyj", "01", "20", "渔业捕捞许可", "00", None),
    ("nyj", "05", "20", "耕地地力保护补贴发放", "00", None),
    ("nyj", "07", "20", "农村土地承包经营权流转合同备案", "45", None),
    ("nyj", "02", "20", ["对经营假农药的处罚", "对未取得动物防疫条件合格证从事动物饲养的处罚"], "00", None),
    ("nyj", "06", "20", "对农药经营者的监督检查", "00", None),
    ("nyj", "20", "20", ["农业技术推广咨询服务", "动物诊疗许可咨询服务"], "00", None),
    # —— more items (a county 实施清单 has several hundred) ——
    ("spj", "01", "17", ["建设工程消防设计审查", "建设工程消防验收"], "00", None),
    ("spj", "01", "17", "城市建筑垃圾处置核准", "00", None),
    ("spj", "01", "17", "占用、挖掘城市道路审批", "00", None),
    ("spj", "01", "17", "砍伐城市树木、迁移古树名木审批", "00", None),
    ("spj", "01", "17", "设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批", "00", None),
    ("spj", "01", "39", ["出版物零售单位设立审批", "出版物零售单位变更审批"], "00", None),
    ("spj", "01", "14", "劳务派遣经营许可", "00", None),
    ("spj", "01", "18", "道路运输站（场）经营许可", "00", None),
    ("spj", "01", "18", ["出租汽车经营许可", "出租汽车车辆运营证核发"], "00", None),
    ("spj", "01", "23", ["医疗机构设置审批", "母婴保健技术服务执业许可"], "00", None),
    ("spj", "01", "19", ["取水许可", "取水许可变更", "取水许可延续"], "00", None),
    ("spj", "01", "19", "河道管理范围内建设项目工程建设方案审批", "00", None),
    ("spj", "01", "19", "生产建设项目水土保持方案审批", "00", None),
    ("spj", "01", "64", ["林木采伐许可证核发", "林草种子生产经营许可证核发"], "00", None),
    ("spj", "01", "09", ["旅馆业特种行业许可证核发", "公章刻制业特种行业许可证核发", "典当业特种行业许可证核发"], "00", None),
    ("spj", "01", "05", "实施学前教育的民办学校设立审批", "00", None),
    ("gaj", "01", "09", "举办焰火晚会及其他大型焰火燃放活动许可", "00", None),
    ("gaj", "07", "09", ["机动车注册登记", "机动车转移登记", "机动车注销登记"], "00", None),
    ("gaj", "20", "09", ["户籍证明开具", "机动车驾驶人交通违法记录查询"], "00", None),
    ("mzj", "07", "11", ["中国公民收养登记", "解除收养关系登记"], "00", None),
    ("mzj", "05", "11", ["孤儿基本生活费给付", "困难残疾人生活补贴和重度残疾人护理补贴给付"], "00", None),
    ("mzj", "10", "11", "养老机构备案", "00", None),
    ("rsj", "20", "14", ["失业登记", "就业登记", "职工基本养老保险参保登记", "社会保险关系转移接续"], "00", None),
    ("rsj", "05", "14", "工伤保险待遇给付", "00", None),
    ("rsj", "08", "14", "对就业工作中成绩显著的单位和个人给予表彰", "00", None),
    ("swj", "20", "30", ["个人所得税纳税记录开具", "增值税发票代开", "涉税信息查询"], "00", None),
    ("swj", "10", "30", "跨区域涉税事项报告", "00", None),
    ("zjj", "20", "17", ["物业服务投诉受理", "住房保障资格审核"], "00", None),
    ("zjj", "10", "17", "商品房买卖合同网签备案", "00", None),
    ("jyj", "20", "05", ["学前教育资助申请", "普通话水平测试报名"], "00", None),
    ("jtj", "10", "18", "机动车维修经营备案", "00", None),
    ("wjj", "20", "23", ["0-6岁儿童健康管理服务", "孕产妇健康管理服务", "老年人健康管理服务"], "00", None),
    ("zrj", "01", "15", "临时用地审批", "00", None),
    ("zrj", "07", "15", ["不动产更正登记", "预告登记", "居住权首次登记"], "00", None),
    ("zrj", "20", "15", ["地质灾害防治咨询服务", "国土空间规划信息查询"], "00", None),
    ("scj", "07", "31", ["农民专业合作社设立登记", "农民专业合作社变更登记"], "00", None),
    ("scj", "20", "31", ["企业名称自主申报服务", "市场主体登记档案查询"], "00", None),
    ("scj", "02", "31", "对拒绝、阻碍特种设备安全监督检查的处罚", "00", None),
    ("wgt", "20", "22", ["非物质文化遗产展示服务", "公共文化场馆免费开放服务"], "00", None),
    ("nyj", "07", "20", ["拖拉机和联合收割机注册登记", "拖拉机和联合收割机转移登记"], "00", None),
    ("nyj", "01", "20", "拖拉机和联合收割机驾驶证核发", "00", None),
    ("nyj", "05", "20", "农机购置补贴发放", "00", None),
    ("nyj", "20", "20", "农产品质量安全检测服务", "45", None),
    ("tyj", "05", "24", "退役士兵待安排工作期间生活费给付", "00", None),
    ("tyj", "20", "24", "退役军人创业就业服务", "00", None),
    ("yjj", "20", "25", "安全生产培训咨询服务", "00", None),
    ("slj", "02", "19", "对未经批准擅自取水的处罚", "00", None),
    ("slj", "06", "19", "对河道采砂活动的监督检查", "00", None),
    ("slj", "04", "19", "水土保持补偿费征收", "00", None),
    ("slj", "20", "19", ["水利工程信息查询", "农村饮水安全服务"], "00", None),
    ("slj", "07", "19", "水利工程质量监督备案", "00", None),
    ("lyj", "02", "64", ["对盗伐林木的处罚", "对违法开垦林地的处罚"], "00", None),
    ("lyj", "05", "64", "生态公益林补偿金发放", "00", None),
    ("lyj", "20", "64", ["林业有害生物防治技术咨询", "古树名木保护咨询服务"], "00", None),
    ("lyj", "07", "64", "林权类不动产登记信息核实", "00", None),
]


def _build_entries() -> list[dict]:
    used, mmm_next, out = set(), {}, []
    for dept, tt, dd, names, rr, fixed in _E:
        if fixed:
            used.add(fixed[:9])
    for dept, tt, dd, names, rr, fixed in _E:
        if fixed:
            heads = [(fixed[:9], int(fixed[9:]))]
        else:
            key = rr + tt + dd
            m = mmm_next.get(key, 1)
            while f"{key}{m:03d}" in used:
                m += 1
            mmm_next[key] = m + 1
            used.add(f"{key}{m:03d}")
            heads = [(f"{key}{m:03d}", 0)]
        subs = [names] if isinstance(names, str) else names
        for j, name in enumerate(subs):
            head, sss = heads[0]
            code = head + f"{(sss if len(subs) == 1 else j + 1):03d}"
            out.append({"dept": dept, "type": tt, "dd": dd, "name": name, "catalog_code": code})
    codes = [e["catalog_code"] for e in out]
    assert len(codes) == len(set(codes)), "catalog codes must be unique"
    return out


ENTRIES = _build_entries()

# ---------------------------------------------------------------------------------------------
# Per-type templates
# ---------------------------------------------------------------------------------------------
PROCESS = {
    "01": ["受理→审查→决定→送达", "申请→受理→审查→决定→制证→送达", "受理→审查→现场核查→决定→送达",
           "申请→受理→审核→审批→办结"],
    "02": ["立案→调查取证→审查→告知→决定→送达", "立案→调查→审核→听证→决定→送达"],
    "03": ["报告→审批→告知当事人→实施→送达", "调查→审核→决定→实施→送达"],
    "04": ["申报→受理→审核→开票征收→办结"],
    "05": ["申请→受理→审核→审批→发放", "申请→受理→审核→公示→审批→发放"],
    "06": ["检查准备→现场核查→审核→办结", "制定检查计划→现场核查→审核→决定→送达"],
    "07": ["受理→审查→决定→送达", "申请→受理→审核→登簿→发证", "申请→受理→审核→办结"],
    "08": ["推荐申报→审核→公示→决定→送达"],
    "09": ["申请→受理→调查→调解→决定→送达"],
    "10": ["申请→受理→审查→决定→送达", "受理→审核→办结"],
    "20": ["申请→受理→审核→办结", "受理→审核→办结", "申请→受理→办结", "申请→受理→审核→领取"],
}
CONDITIONS = {
    "01": ["申请人为依法设立的企业、事业单位或者其他组织，或者具有完全民事行为能力的自然人",
           "具有与申请事项相适应的场所、设施和设备，场所选址和布局符合有关规划和技术规范要求",
           "具有与申请事项相适应的专业技术人员，并建立健全岗位责任、安全管理和质量管理制度",
           "申请材料齐全、符合法定形式，申请事项属于本机关法定职权范围",
           "申请人近三年内未因同类违法行为受到吊销许可证件的行政处罚",
           "符合国家和自治区有关法律、法规、规章规定的其他条件"],
    "02": ["有明确的违法行为人，违法事实清楚、证据确凿，依法应当给予行政处罚",
           "违法行为发生在本县行政区域内，属于本机关法定管辖范围",
           "违法行为未超过法律规定的追责时效，且不属于依法不予处罚的情形",
           "已依法告知当事人拟作出处罚的事实、理由、依据及其依法享有的陈述、申辩和要求听证的权利"],
    "03": ["有证据证明当事人存在违法行为或者存在危害人身健康、财产安全的紧急情形",
           "实施前已向本机关负责人报告并经批准，情况紧急的事后及时补办批准手续",
           "属于本机关法定职权范围，由两名以上具有执法资格的人员实施"],
    "04": ["纳税人或者缴费人在本县行政区域内发生应税、应缴行为",
           "纳税人或者缴费人按照规定期限如实办理申报，并提供与计税依据有关的资料",
           "属于本机关征收管理范围，不属于依法减免或者缓缴的情形"],
    "05": ["申请人符合法律、法规和政策规定的给付对象条件，具有本县户籍或者按规定在本县申领",
           "申请人家庭人均收入和家庭财产状况符合当地人民政府公布的标准",
           "申请人如实申报家庭成员、收入和财产情况，并书面授权有关部门核对",
           "申请材料齐全、真实有效，不存在重复享受同类待遇的情形"],
    "06": ["检查事项属于本机关监督检查职责范围，检查对象通过双随机方式抽取或者依投诉举报线索确定",
           "检查人员不少于两人并出示执法证件，检查过程全程记录",
           "检查结果依法向社会公示，发现违法行为的依法移送处理"],
    "07": ["申请人为依法享有相关权利的自然人、法人或者其他组织，或者其依法委托的代理人",
           "申请材料齐全、符合法定形式，申请登记事项与有关证明材料记载一致",
           "申请登记事项符合法律、法规规定，不存在依法不予登记的情形",
           "申请人对申请材料的真实性负责，提供虚假材料的依法承担相应法律责任"],
    "08": ["在相关工作中做出显著成绩和突出贡献，具有较强的示范带动作用",
           "经所在单位、乡镇人民政府或者有关部门推荐，并经公示无异议",
           "近三年内无违法违纪记录，未受到党纪政务处分"],
    "09": ["当事人之间存在争议且争议事项属于本机关法定管辖范围",
           "当事人在法定期限内提出书面申请，有明确的请求事项和事实理由",
           "争议事项未经人民法院受理，也未经其他行政机关处理"],
    "10": ["申请材料齐全、符合法定形式，申请事项属于本机关法定职权范围",
           "申请事项符合法律、法规和规章规定的条件，不存在依法不予办理的情形",
           "申请人对申请材料的真实性、合法性负责"],
    "20": ["申请人为本县户籍居民或者在本县居住的常住人口，或者在本县依法登记的组织",
           "申请材料真实、完整、有效，证件在有效期内",
           "符合相关政策文件规定的服务条件，委托他人代办的须提供委托书和代办人身份证件",
           "申请人如实提供个人信息，同意有关部门依法核验"],
}
MATERIALS = {
    "01": ["申请书", "营业执照或者事业单位法人证书复印件", "法定代表人（负责人）身份证明", "经营场所使用权证明",
           "主要设施设备清单", "专业技术人员资格证明", "管理制度文本", "场所平面布局图", "授权委托书"],
    "02": ["立案审批表", "现场检查笔录", "调查询问笔录", "抽样检验报告", "相关证据材料", "行政处罚事先告知书送达回证"],
    "03": ["强制措施审批表", "现场笔录", "查封扣押物品清单", "相关证据材料"],
    "04": ["纳税申报表", "相关权属证明", "纳税人身份证明", "计税依据证明材料"],
    "05": ["给付申请表", "申请人居民身份证", "户口簿", "家庭收入情况说明", "银行账户信息", "家庭经济状况核对授权书"],
    "06": ["检查通知书", "现场检查记录", "检查结果告知书"],
    "07": ["登记申请书", "申请人身份证明", "权属来源证明材料", "相关证明材料", "授权委托书", "登记事项变更证明"],
    "08": ["推荐表", "先进事迹材料", "所在单位推荐意见"],
    "09": ["处理申请书", "争议事实证明材料", "当事人身份证明", "相关证人证言"],
    "10": ["申请书", "申请人身份证明", "相关证明材料", "授权委托书"],
    "20": ["申请表", "申请人居民身份证", "户口簿", "相关证明材料", "近期一寸免冠照片", "授权委托书"],
}
RESULT = {"01": "准予行政许可决定书", "02": "行政处罚决定书", "03": "行政强制措施决定书", "04": "税收完税证明",
          "05": "给付结果通知书", "06": "监督检查结果告知书", "07": "登记证明", "08": "表彰奖励决定",
          "09": "处理决定书", "10": "办理结果通知书", "20": "办结通知书"}
# 法定 / 承诺 limits (choices), unit code 1 工作日 · 2 自然日
LIMITS = {
    "01": ([20, 15, 30], [3, 5, 7, 10], "1"), "02": ([90], [60, 90], "2"), "03": ([30], [15, 30], "2"),
    "04": ([15], [0, 5], "1"), "05": ([30, 20], [10, 15, 20], "1"), "06": ([30], [15, 20], "1"),
    "07": ([20, 30], [0, 3, 5, 10], "1"), "08": ([60], [30, 45], "1"), "09": ([60], [30, 45], "1"),
    "10": ([20], [1, 5], "1"), "20": ([5, 10, 15, 20], [0, 1, 3, 5], "1"),
}
TARGETS = {"01": ["2,3,4", "1,2", "2,5", "2,3,4,9"], "02": ["1,2,5"], "03": ["1,2,5"], "04": ["1,2"],
           "05": ["1"], "06": ["2,3,4,5"], "07": ["1,2", "1", "2,5"], "08": ["1,2,3,4"], "09": ["1,2,3"],
           "10": ["2,3", "1,2"], "20": ["1", "1,2", "1,9"]}
PUNISHMENT = ["责令改正，给予警告；拒不改正的，处五千元以上五万元以下罚款",
              "没收违法所得，并处违法所得一倍以上五倍以下罚款；情节严重的，责令停产停业",
              "责令限期改正；逾期不改正的，处二千元以上二万元以下罚款"]
HOURS = ["工作日：上午9:00-12:00，下午14:00-17:00，法定节假日除外。",
         "周一至周五：上午8:30-12:00，下午14:30-17:30（法定节假日除外）",
         "工作日：上午9:00-12:00、下午14:00-17:00"]
ONSITE_REASON = {1: ["须现场核验原件", "需现场核验申请材料原件", "需现场核查经营场所", "须本人到场确认身份信息"],
                 2: ["需现场提交材料并现场领取证照", "需现场勘查并到现场领取证照"]}
SPECIAL = ["专家评审（15个工作日，不计入办结时限）", "现场核查（10个工作日，不计入办结时限）"]
URL = "https://zwfw.gxzf.gov.cn/eportal/ui?pageId=3d5a0c1e&sxbm={task_code}"
FEES = {  # item name prefix → (fee_basis, fee_standard)
    "国有建设用地使用权": ("《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》第一条",
                  "住宅类不动产登记每件80元，非住宅类不动产登记每件550元"),
    "宅基地": ("《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》第二条", "每件收取证书工本费10元"),
    "抵押权": ("《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》第一条", "住宅类每件80元"),
    "居民身份证换领": ("《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》第一条", "换领居民身份证每证20元"),
    "居民身份证补领": ("《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》第一条", "补领居民身份证每证20元"),
    "临时居民身份证": ("《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》第二条", "每证10元"),
}


def _material_form(rng: random.Random, m: str) -> str:
    if m.endswith(("书", "表", "说明", "照片")):
        return "原件"
    if m.endswith("复印件"):
        return "复印件，需加盖公章"
    return rng.choice(("原件", "原件和复印件", "复印件，验原件"))


def _basis(rng: random.Random, dd: str, tt: str) -> str:
    laws = rng.sample(LAWS[dd], k=min(len(LAWS[dd]), rng.choice((1, 2, 2))))
    parts = [f"{title}{rng.choice(arts)}" for title, arts in laws]
    if tt == "01" and rng.random() < 0.4:
        parts.append(LICENSING_LAW)
    if tt == "02" and rng.random() < 0.5:
        parts.append(PUNISHMENT_LAW)
    return "；".join(parts)


def _note(n: int, unit: str, promised: bool, start: str = "受理") -> str:
    if promised and n == 0:
        return "即办"
    word = "个工作日" if unit == "1" else "个自然日"
    verb = "办结" if promised else "作出决定"
    return f"自{start}之日起{n}{word}内{verb}"


START = {"02": "立案", "03": "立案", "06": "检查", "08": "推荐"}


def clean_record(rng: random.Random, i: int) -> dict:
    """A clean guide record for catalog entry ``ENTRIES[i % len(ENTRIES)]`` (灵山县)."""
    e = ENTRIES[i % len(ENTRIES)]
    tt, dd, dept = e["type"], e["dd"], DEPTS[e["dept"]]
    levels = rng.choices(["4", "3,4", "2,3,4"], weights=(6, 3, 1))[0]
    task_code = dept["uscc"] + "4" + e["catalog_code"]
    legal_opts, prom_opts, unit = LIMITS[tt]
    legal = rng.choice(legal_opts)
    promised = min(rng.choice(prom_opts), legal)
    fee = next((v for k, v in FEES.items() if e["name"].startswith(k)), None)
    if tt in ("02", "03", "06"):
        visits = 1
    else:
        visits = rng.choices([0, 1, 2], weights=(3, 6, 1))[0]
    online = visits == 0 or rng.random() < 0.6
    express = rng.random() < (0.5 if visits == 0 else 0.25)
    forms = "1" + (",2" if online else "") + (",3" if express else "")
    if online:
        depth = "1,2,3,4,5,6" if visits == 0 else rng.choice(["1,2,3", "1,2,3,4", "1,2"])
    else:
        depth = "1"
    conds = rng.sample(CONDITIONS[tt], k=min(len(CONDITIONS[tt]), rng.choice((2, 3, 4))))
    mats = MATERIALS[tt]
    mats = [mats[0]] + rng.sample(mats[1:], k=min(len(mats) - 1, rng.choice((2, 3, 4, 5))))
    mats = [f"{m}（{_material_form(rng, m)}，纸质材料{rng.choice((1, 1, 2))}份，A4纸张，"
            f"{'政府部门核发' if '证' in m and rng.random() < 0.5 else '申请人自备'}）" for m in mats]
    result = RESULT[tt]
    if tt == "01" and "许可证" in e["name"]:
        result = e["name"][: e["name"].index("许可证") + 3]
    elif "资格证" in e["name"]:
        result = e["name"][: e["name"].index("资格证") + 3]
    result_type = "出证办结" if result.endswith("证") else "出文办结"
    phone = dept["phone"]
    rec = {
        "item_name": e["name"], "catalog_code": e["catalog_code"], "task_code": task_code,
        "item_type": tt, "item_state": "1", "item_version": str(rng.randint(3, 14)),
        "legal_basis": _basis(rng, dd, tt), "exercise_levels": levels, "central_dept_code": dd,
        "area_code": AREA, "power_source": "1", "implementing_body": dept["name"],
        "implementing_body_code": dept["uscc"], "implementing_body_nature": "1", "entrusting_body": "",
        "legal_time_limit": str(legal), "legal_time_limit_unit": unit,
        "legal_time_limit_note": _note(legal, unit, False, START.get(tt, "受理")),
        "promised_time_limit": str(promised), "promised_time_limit_unit": unit,
        "promised_time_limit_note": _note(promised, unit, True, START.get(tt, "受理")),
        "acceptance_conditions": "；".join(conds) + "。",
        "handling_process": rng.choice(PROCESS[tt]),
        "special_procedures": rng.choice(SPECIAL) if tt == "01" and rng.random() < 0.3 else "无",
        "case_type": "1" if promised == 0 else "2", "handling_forms": forms,
        "service_targets": rng.choice(TARGETS[tt]),
        "is_fee_charged": "1" if fee else "0", "fee_basis": fee[0] if fee else "",
        "fee_standard": fee[1] if fee else "",
        "onsite_visits": str(visits),
        "onsite_reason": ("需现场调查取证并当面送达法律文书" if tt in ("02", "03", "06")
                          else rng.choice(ONSITE_REASON[visits]) if visits else ""),
        "handling_location": dept["location"].format(w=rng.randint(1, 24)),
        "handling_hours": rng.choices(HOURS, weights=(6, 2, 2))[0],
        "consultation_channel": phone, "complaint_channel": COMPLAINT_PHONE,
        "is_online": "1" if online else "0", "online_depth": depth,
        "online_url": URL.format(task_code=task_code) if online else "",
        "is_in_service_hall": "1", "is_express_supported": "1" if express else "0",
        "is_online_payment_supported": ("1" if rng.random() < 0.5 else "0") if fee else "0",
        "is_appointment_supported": "1" if rng.random() < 0.5 else "0", "cross_region_scope": "4",
        "joint_agencies": "", "result_name": result, "result_type": result_type,
        "materials": "；".join(mats),
        "punishment_method": rng.choice(PUNISHMENT) if tt == "02" else "",
        "collect_type": e["name"].replace("征收", "") if tt == "04" else "",
    }
    return rec


# ---------------------------------------------------------------------------------------------
# Defect injectors
# ---------------------------------------------------------------------------------------------
_GENERAL = {"01", "05", "07", "08", "09", "10", "04", "20"}   # families needing limits/location …


def _set_task(rec: dict, body: str | None = None, level: str | None = None, cat: str | None = None):
    tc = rec["task_code"]
    rec["task_code"] = (body or tc[:18]) + (level or tc[18]) + (cat or tc[19:])
    if rec["online_url"].startswith("https://"):
        rec["online_url"] = URL.format(task_code=rec["task_code"])


def _other_dept_uscc(rec: dict) -> str:
    for k in DEPT_KEYS:
        if DEPTS[k]["uscc"] != rec["implementing_body_code"]:
            return DEPTS[k]["uscc"]
    raise AssertionError


def _long_name(rec: dict) -> str:
    places = ["城区", "乡镇", "工业园区", "旅游景区", "农贸市场", "学校周边", "交通干线", "居民小区"]
    acts = ["新建", "改建", "扩建", "迁建", "变更用途", "临时使用"]
    objs = ["经营场所", "仓储设施", "生产车间", "附属用房", "展示区域"]
    parts, k = [], 0
    for p, a, o in product(places, acts, objs):
        parts.append(f"在{p}{a}{o}的")
        k += len(parts[-1]) + 1
        if k > 1000:
            break
    return rec["item_name"] + "（" + "、".join(parts) + "情形）"


def _k_location_empty(rng, r, o):
    r["handling_location"] = ""
    return [("element-missing", "handling_location")]


def _k_conditions_placeholder(rng, r, o):
    r["acceptance_conditions"] = "无"
    return [("element-missing", "acceptance_conditions")]


def _k_punishment_empty(rng, r, o):
    r["punishment_method"] = ""
    return [("element-missing", "punishment_method")]


def _k_legal_chinese(rng, r, o):
    r["legal_time_limit"] = "二十"
    r["legal_time_limit_note"] = _note(20, r["legal_time_limit_unit"], False)
    if int(r["promised_time_limit"]) > 20:
        r["promised_time_limit"] = "10"
        r["promised_time_limit_note"] = _note(10, r["promised_time_limit_unit"], True)
        r["case_type"] = "2"
    return [("element-wrong-type", "legal_time_limit")]


def _k_depth_9(rng, r, o):
    r["online_depth"] = "9"
    return [("element-not-in-codelist", "online_depth")]


def _k_targets_7(rng, r, o):
    r["service_targets"] = "1,7"
    return [("element-not-in-codelist", "service_targets")]


def _k_type_15(rng, r, o):
    r["item_type"] = "15"
    return [("item-type-unknown", "item_type"), ("catalog-code-type-mismatch", "catalog_code")]


def _k_name_long(rng, r, o):
    r["item_name"] = _long_name(r)
    return [("element-too-long", "item_name")]


def _bad_body(r, value):
    r["implementing_body_code"] = value
    return ("task-code-body-mismatch", "task_code")


def _k_uscc_truncated(rng, r, o):
    u = r["implementing_body_code"]
    j = rng.randint(8, 15)
    return [("uscc-length", "implementing_body_code"), _bad_body(r, u[:j] + u[j + 1:])]


def _k_uscc_charset(rng, r, o):
    u = r["implementing_body_code"]
    j = next((k for k in range(15, 7, -1) if u[k] in "01"), 12)
    bad = u[:j] + ("O" if u[j] == "0" else "I") + u[j + 1:]
    return [("uscc-charset", "implementing_body_code"), _bad_body(r, bad)]


def _k_uscc_lower(rng, r, o):
    return [("uscc-lowercase", "implementing_body_code"), _bad_body(r, r["implementing_body_code"].lower())]


def _k_uscc_placeholder(rng, r, o):
    return [("uscc-placeholder", "implementing_body_code"), _bad_body(r, "1111111111111111")]


def _k_org_code(rng, r, o):
    return [("uscc-org-code-only", "implementing_body_code"), _bad_body(r, r["implementing_body_code"][8:17])]


def _k_org_code_dash(rng, r, o):
    u = r["implementing_body_code"]
    return [("uscc-org-code-only", "implementing_body_code"), _bad_body(r, u[8:16] + "-" + u[16])]


def _k_uscc_check(rng, r, o):
    u = r["implementing_body_code"]
    wrong = USCC_ALPHABET[(USCC_ALPHABET.index(u[17]) + 7) % 31]
    return [("uscc-check-digit", "implementing_body_code"), _bad_body(r, u[:17] + wrong)]


def _k_uscc_org_check(rng, r, o):
    u = r["implementing_body_code"]
    org = u[8:16] + str((int(org_check_char(u[8:16]).replace("X", "10")) + 3) % 10)
    first17 = u[:8] + org
    new = first17 + uscc_check_char(first17)
    r["implementing_body_code"] = new
    _set_task(r, body=new)
    return [("uscc-org-check-digit", "implementing_body_code")]


def _k_catalog_short(rng, r, o):
    r["catalog_code"] = r["catalog_code"][:11]
    return [("catalog-code-format", "catalog_code"), ("task-code-catalog-mismatch", "task_code")]


def _k_catalog_type(rng, r, o):
    c = r["catalog_code"]
    new_tt = "10" if r["item_type"] != "10" else "07"
    r["catalog_code"] = c[:2] + new_tt + c[4:6] + "9" + c[7:]   # 9xx: keep the code unique
    _set_task(r, cat=r["catalog_code"])
    return [("catalog-code-type-mismatch", "catalog_code")]


def _k_catalog_region(rng, r, o):
    r["catalog_code"] = "44" + r["catalog_code"][2:]
    _set_task(r, cat=r["catalog_code"])
    return [("catalog-code-region-mismatch", "catalog_code")]


def _k_catalog_dept(rng, r, o):
    r["central_dept_code"] = "99" if r["central_dept_code"] != "99" else "04"
    return [("catalog-code-dept-mismatch", "catalog_code")]


def _k_task_33(rng, r, o):
    r["task_code"] = r["task_code"] + "01"
    return [("task-code-length", "task_code")]


def _k_task_body(rng, r, o):
    _set_task(r, body=_other_dept_uscc(r))
    return [("task-code-body-mismatch", "task_code")]


def _k_task_level(rng, r, o):
    r["exercise_levels"] = "4"
    _set_task(r, level="3")
    return [("task-code-level-mismatch", "task_code")]


def _k_task_catalog(rng, r, o):
    c = r["catalog_code"]
    _set_task(r, cat=c[:9] + f"{(int(c[9:]) + 50) % 1000:03d}")
    return [("task-code-catalog-mismatch", "task_code")]


def _k_task_duplicate(rng, r, o):
    """Make ``r`` a 业务办理项 of the earlier record ``o``, listed again under ``o``'s 实施编码."""
    r.clear()
    r.update(o)
    name = o["item_name"]
    if o["catalog_code"] == "000141005000":      # real record D / D′ (domain §8.1)
        r["item_name"] = "在宗教活动场所内改建或者新建建筑物（不影响该宗教活动场所现有布局和功能的）审批"
    elif name.endswith(("审批", "许可", "登记")):
        r["item_name"] = name[:-2] + "（变更法定代表人的）" + name[-2:]
    else:
        r["item_name"] = name + "（补办）"
    r["item_version"] = str(max(1, int(o["item_version"]) - 1))
    return [("task-code-duplicate", "task_code")]


def _k_promise_exceeds(rng, r, o):
    r["legal_time_limit"], r["promised_time_limit"] = "20", "30"
    r["legal_time_limit_note"] = _note(20, r["legal_time_limit_unit"], False)
    r["promised_time_limit_note"] = _note(30, r["promised_time_limit_unit"], True)
    r["case_type"] = "2"
    return [("promise-exceeds-legal-limit", "promised_time_limit")]


def _k_instant_case(rng, r, o):
    r["promised_time_limit"] = "5"
    r["promised_time_limit_note"] = _note(5, r["promised_time_limit_unit"], True)
    r["case_type"] = "1"
    return [("instant-case-type-mismatch", "case_type")]


def _k_instant_case_0(rng, r, o):
    r["promised_time_limit"] = "0"
    r["promised_time_limit_note"] = "即办"
    r["case_type"] = "2"
    return [("instant-case-type-mismatch", "case_type")]


def _k_reason_missing(rng, r, o):
    r["onsite_visits"], r["onsite_reason"] = "1", ""
    return [("onsite-reason-missing", "onsite_reason")]


def _make_online(r):
    r["is_online"] = "1"
    r["online_url"] = URL.format(task_code=r["task_code"])
    if "2" not in r["handling_forms"].split(","):
        r["handling_forms"] = ",".join(sorted(set(r["handling_forms"].split(",")) | {"2"}))
    r["online_depth"] = "1,2,3,4,5,6"


def _k_reason_unexpected(rng, r, o):
    r["onsite_visits"], r["onsite_reason"] = "0", "需到现场核验原件"
    _make_online(r)
    return [("onsite-reason-unexpected", "onsite_reason")]


def _k_zero_visit(rng, r, o):
    r.update(onsite_visits="0", onsite_reason="", is_online="0", online_url="", online_depth="1",
             is_express_supported="0", handling_forms="1")
    return [("zero-visit-without-channel", "onsite_visits")]


def _k_fee_missing(rng, r, o):
    r.update(is_fee_charged="1", fee_basis="", fee_standard="每件收取工本费10元", is_online_payment_supported="0")
    return [("fee-details-missing", "fee_basis")]


def _k_payment_no_fee(rng, r, o):
    r.update(is_fee_charged="0", fee_basis="", fee_standard="", is_online_payment_supported="1")
    return [("online-payment-without-fee", "is_online_payment_supported")]


def _k_url_placeholder(rng, r, o):
    _make_online(r)
    r["online_url"] = "无"
    return [("online-without-url", "online_url")]


def _k_same_phones(rng, r, o):
    r["consultation_channel"] = r["complaint_channel"] = "0777-6428820"
    return [("consult-equals-complaint-phone", "complaint_channel")]


def _k_phone_no_area(rng, r, o):
    r["consultation_channel"] = r["consultation_channel"].split("-")[-1]
    return [("phone-format-invalid", "consultation_channel")]


def _k_note_mismatch(rng, r, o):
    r["legal_time_limit"] = "66"
    r["legal_time_limit_note"] = "受理之日起20个工作日。"
    r["legal_time_limit_unit"] = r["promised_time_limit_unit"] = "1"
    if r["promised_time_limit"] != "0":
        r["promised_time_limit"] = "24"
        r["promised_time_limit_note"] = "受理之日起24个工作日。"
    return [("time-limit-note-mismatch", "legal_time_limit_note")]


def _k_hours_unclear(rng, r, o):
    r["handling_hours"] = "工作时间"
    return [("handling-hours-unclear", "handling_hours")]


def _k_hours_implausible(rng, r, o):
    r["handling_hours"] = "工作日：上午9:00-12:00，下午17:00-14:00"
    return [("handling-hours-implausible", "handling_hours")]


def _k_location_unclear(rng, r, o):
    r["handling_location"] = "县政务服务中心"
    return [("handling-location-unclear", "handling_location")]


def _k_basis_unclear(rng, r, o):
    r["legal_basis"] = "依据相关法律法规"
    return [("legal-basis-unclear", "legal_basis")]


def _k_basis_no_article(rng, r, o):
    r["legal_basis"] = "根据《全民健身法》"
    return [("legal-basis-no-article", "legal_basis")]


def _k_promise_note_unclear(rng, r, o):
    r["promised_time_limit_note"] = "办事提速"
    return [("time-limit-unclear", "promised_time_limit_note")]


def _k_legal_note_unclear(rng, r, o):
    law = r["legal_basis"].split("》")[0] + "》" if "《" in r["legal_basis"] else "《中华人民共和国行政许可法》"
    r["legal_time_limit_note"] = "按" + law[law.index("《"):] + "规定"
    return [("time-limit-unclear", "legal_time_limit_note")]


def _k_process_unclear(rng, r, o):
    r["handling_process"] = "按规定办理"
    return [("process-steps-unclear", "handling_process")]


def _k_process_order(rng, r, o):
    r["handling_process"] = "决定→受理→送达"
    return [("process-steps-order", "handling_process")]


def _k_process_permit(rng, r, o):
    r["handling_process"] = "受理→审查→送达"
    return [("process-steps-permit-incomplete", "handling_process")]


def _k_duplicated_block(rng, r, o):
    para = r["acceptance_conditions"].rstrip("。").split("；")[0]
    r["acceptance_conditions"] = "，".join([para] * 3)
    return [("duplicated-text-block", "acceptance_conditions")]


def _k_entrust_missing(rng, r, o):
    r["power_source"], r["entrusting_body"] = "5", ""
    return [("entrusting-body-missing", "entrusting_body")]


def _k_unit_differs(rng, r, o):
    r["legal_time_limit_unit"], r["promised_time_limit_unit"] = "1", "2"
    r["legal_time_limit_note"] = _note(int(r["legal_time_limit"]), "1", False)
    r["promised_time_limit_note"] = _note(int(r["promised_time_limit"]), "2", True)
    return [("time-limit-unit-differs", "promised_time_limit_unit")]


def _is(*types):
    return lambda r: r["item_type"] in types


_ANY = lambda r: True  # noqa: E731
_GEN = _is(*_GENERAL)
_LETTERS = lambda r: any(c.isalpha() for c in r["implementing_body_code"])  # noqa: E731
_LIMITED = lambda r: r["item_type"] in _GENERAL and r["promised_time_limit"] not in ("0",)  # noqa: E731

# kind → (injector, description, predicate the clean record must satisfy)
DEFECTS: dict[str, tuple[Callable, str, Callable]] = {
    "location-empty": (_k_location_empty, "办理地点为空", _GEN),
    "conditions-placeholder": (_k_conditions_placeholder, "受理条件只填占位符“无”", _GEN),
    "punishment-method-empty": (_k_punishment_empty, "处罚事项未填“处罚的行为、种类、幅度”", _is("02")),
    "legal-limit-chinese": (_k_legal_chinese, "法定办结时限写成汉字“二十”", _is("01", "07", "10")),
    "online-depth-9": (_k_depth_9, "网上办理深度为代码表外的“9”（真实记录 D）", _ANY),
    "service-targets-7": (_k_targets_7, "服务对象含代码表外的“7”", _ANY),
    "item-type-15": (_k_type_15, "事项类型“15”不在代码表；基本编码 TT 段仍为原类型", _is("01")),
    "name-too-long": (_k_name_long, "事项名称超过 1000 字", _ANY),
    "uscc-truncated": (_k_uscc_truncated, "实施主体编码少一位（17 位截断）", _ANY),
    "uscc-charset": (_k_uscc_charset, "实施主体编码把数字 0/1 误录为字母 O/I", _ANY),
    "uscc-lowercase": (_k_uscc_lower, "实施主体编码含小写字母", _LETTERS),
    "uscc-placeholder": (_k_uscc_placeholder, "实施主体编码为占位值 1111111111111111", _ANY),
    "uscc-org-code": (_k_org_code, "实施主体编码只填 9 位组织机构代码", _LETTERS),
    "uscc-org-code-dash": (_k_org_code_dash, "实施主体编码只填带连字符的组织机构代码 XXXXXXXX-X", _LETTERS),
    "uscc-check-digit": (_k_uscc_check, "实施主体编码第 18 位校验码错误", _ANY),
    "uscc-org-check": (_k_uscc_org_check, "实施主体编码内嵌组织机构代码校验位错误（第 18 位重算、实施编码同步）", _ANY),
    "catalog-short": (_k_catalog_short, "基本编码只有 11 位", _ANY),
    "catalog-type": (_k_catalog_type, "基本编码 TT 段与事项类型不符（实施编码同步）", _GEN),
    "catalog-region": (_k_catalog_region, "基本编码 RR 段为外省代码 44（实施编码同步）", _ANY),
    "catalog-dept": (_k_catalog_dept, "中央业务指导部门代码与基本编码 DD 段不符", _ANY),
    "task-code-33": (_k_task_33, "实施编码 33 位（误填业务办理项编码）", _ANY),
    "task-code-body": (_k_task_body, "实施编码前 18 位是另一部门的统一社会信用代码", _ANY),
    "task-code-level": (_k_task_level, "实施编码第 19 位为 3，行使层级仅 4", _ANY),
    "task-code-catalog": (_k_task_catalog, "实施编码后 12 位与基本编码不符", _ANY),
    "task-code-duplicate": (_k_task_duplicate, "与前面某行实施编码重复（同一事项的办理项被当作事项重复列出）", _ANY),
    "promise-exceeds": (_k_promise_exceeds, "承诺办结时限 30 大于法定办结时限 20", _GEN),
    "instant-case-type": (_k_instant_case, "承诺时限 5 个工作日却标为即办件", _GEN),
    "instant-case-type-0": (_k_instant_case_0, "承诺时限 0（即办）却标为承诺件", _GEN),
    "onsite-reason-missing": (_k_reason_missing, "到现场 1 次但未说明必须现场办理原因", _GEN),
    "onsite-reason-unexpected": (_k_reason_unexpected, "零跑动却填写了现场办理原因", _GEN),
    "zero-visit-no-channel": (_k_zero_visit, "零跑动、不网办、也不支持快递", _GEN),
    "fee-basis-missing": (_k_fee_missing, "收费事项缺收费依据", _GEN),
    "payment-without-fee": (_k_payment_no_fee, "不收费却支持网上支付", _GEN),
    "online-url-placeholder": (_k_url_placeholder, "是否网办=1 但网办地址为“无”（真实记录 C）", _ANY),
    "same-phones": (_k_same_phones, "咨询电话与投诉电话相同", _ANY),
    "phone-no-area": (_k_phone_no_area, "咨询电话缺区号", _ANY),
    "note-mismatch": (_k_note_mismatch, "法定时限 66 与说明“受理之日起20个工作日”矛盾（真实记录 C）", _GEN),
    "hours-unclear": (_k_hours_unclear, "办理时间只写“工作时间”", _GEN),
    "hours-implausible": (_k_hours_implausible, "办理时间下午时段起点晚于终点", _GEN),
    "location-unclear": (_k_location_unclear, "办理地点只写“县政务服务中心”", _GEN),
    "basis-unclear": (_k_basis_unclear, "设定依据只写“依据相关法律法规”", _ANY),
    "basis-no-article": (_k_basis_no_article, "设定依据无条款号：根据《全民健身法》（真实记录 C）", _ANY),
    "promise-note-unclear": (_k_promise_note_unclear, "承诺时限说明只写“办事提速”", _LIMITED),
    "legal-note-unclear": (_k_legal_note_unclear, "法定时限说明只写“按《…》规定”", _GEN),
    "process-unclear": (_k_process_unclear, "办理流程只写“按规定办理”", _is("20", "07", "05", "10")),
    "process-order": (_k_process_order, "办理流程“决定→受理→送达”顺序颠倒", _is("20", "07", "05", "10")),
    "process-permit-incomplete": (_k_process_permit, "行政许可流程缺决定/审批环节", _is("01")),
    "duplicated-block": (_k_duplicated_block, "受理条件同一段落重复 3 次（逗号连接）", _GEN),
    "entrust-missing": (_k_entrust_missing, "权力来源为上级委托却未填委托部门", _GEN),
    "unit-differs": (_k_unit_differs, "法定时限按工作日、承诺时限按自然日，单位不同", _LIMITED),
}
# kinds usable on a single row with no other context (bulk path)
SINGLE_ROW_KINDS = [k for k in DEFECTS if k != "task-code-duplicate"]


def inject(rng: random.Random, record: dict, kind: str, other: dict | None = None) -> list[tuple[str, str]]:
    """Plant defect ``kind`` into ``record`` (in place); return the expected ``(code, field)`` list.

    ``other`` is the earlier record whose 实施编码 is repeated (``task-code-duplicate`` only).
    """
    fn, _desc, _pred = DEFECTS[kind]
    if kind == "task-code-duplicate" and other is None:
        raise ValueError("task-code-duplicate needs the earlier record as `other`")
    return fn(rng, record, other)


# ---------------------------------------------------------------------------------------------
# Bulk writer
# ---------------------------------------------------------------------------------------------
_NAME_CHARS = "安平宁远和兴隆昌德化永福清泉阳新丰江南溪源林华庆泰康乐东西中长白石金云龙凤桂柳梧玉岭川湖桥城田禾"


def _counties(n: int):
    """Synthetic counties of province 45: (name, area code); county 0 is 灵山县 / 450721."""
    out = [(COUNTY_NAME, AREA)]
    names = (a + b + "县" for a, b in product(_NAME_CHARS, _NAME_CHARS) if a != b)
    k = 0
    while len(out) < n:
        area = f"45{1 + k // 90:02d}{10 + k % 90:02d}"
        k += 1
        if area == AREA:
            continue
        try:
            name = next(names)
        except StopIteration:  # more counties than 2-character names: add a third character
            names = (a + b + c + "县" for a, b, c in product(_NAME_CHARS, repeat=3))
            name = next(names)
        out.append((name, area))
    return out


def _county_usccs(c: int, area: str) -> dict:
    if c == 0:
        return {k: DEPTS[k]["uscc"] for k in DEPT_KEYS}
    return {k: make_uscc(area, "MB" + f"{(c * 7919 + j * 104729) % 1000000:06d}")
            for j, k in enumerate(DEPT_KEYS)}


def _localize(rec: dict, dept_uscc: str, uscc: str, area: str, name: str) -> dict:
    return {k: v.replace(dept_uscc, uscc).replace(AREA, area).replace(COUNTY_NAME, name)
            for k, v in rec.items()}


def _render(writer_buf: io.StringIO, writer, values: list[str]) -> str:
    writer_buf.seek(0)
    writer_buf.truncate()
    writer.writerow(values)
    return writer_buf.getvalue()


def write_csv(path, n: int, defect_rate: float = 0.05, seed: int = 20240607, variants: int = 8,
              manifest_path=None, encoding: str = "utf-8") -> dict:
    """Write ``n`` guide rows to ``path`` (CSV, Chinese header labels); return a summary dict.

    Rows cycle through a pool of ``variants × len(ENTRIES)`` clean records; each block of
    ``len(ENTRIES)`` rows is one synthetic county (own name, area code and department USCCs), so
    every 实施编码 is unique.  A fraction ``defect_rate`` of rows get one single-row defect;
    ``manifest_path`` (optional) receives ``row,field,code`` for each expected finding.
    """
    rng = random.Random(seed)
    per = len(ENTRIES)
    pool = [[clean_record(rng, j) for j in range(per)] for _ in range(variants)]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    templates = []
    for block in pool:
        tb = []
        for j, rec in enumerate(block):
            du = DEPTS[ENTRIES[j]["dept"]]["uscc"]
            vals = [rec[f].replace(du, "\x01").replace(AREA, "\x02").replace(COUNTY_NAME, "\x03")
                    for f in FIELDS]
            line = _render(buf, w, vals).replace("{", "{{").replace("}", "}}")
            tb.append(line.replace("\x01", "{0}").replace("\x02", "{1}").replace("\x03", "{2}"))
        templates.append(tb)
    n_counties = (n + per - 1) // per
    counties = _counties(n_counties)
    counts: dict[str, int] = {}
    man = open(manifest_path, "w", encoding="utf-8", newline="") if manifest_path else None
    if man:
        man.write("row,field,code\n")
    t0 = time.perf_counter()
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(_render(buf, w, [TITLES[c] for c in FIELDS]))
        row = 0
        for c in range(n_counties):
            name, area = counties[c]
            usccs = _county_usccs(c, area)
            v = c % variants
            tb, block = templates[v], pool[v]
            m = min(per, n - row)
            lines = []
            for j in range(m):
                if rng.random() < defect_rate:
                    dept = ENTRIES[j]["dept"]
                    rec = _localize(block[j], DEPTS[dept]["uscc"], usccs[dept], area, name)
                    kinds = [k for k in SINGLE_ROW_KINDS if DEFECTS[k][2](rec)]
                    kind = kinds[rng.randrange(len(kinds))]
                    found = inject(rng, rec, kind)
                    counts[kind] = counts.get(kind, 0) + 1
                    if man:
                        man.writelines(f"{row + j + 2},{fld},{code}\n" for code, fld in found)
                    lines.append(_render(buf, w, [rec[f] for f in FIELDS]))
                else:
                    lines.append(tb[j].format(usccs[ENTRIES[j]["dept"]], area, name))
            f.write("".join(lines))
            row += m
    if man:
        man.close()
    return {"rows": row, "defect_rows": sum(counts.values()), "defects": counts,
            "seconds": round(time.perf_counter() - t0, 2)}


def main(argv=None) -> int:
    import argparse
    import os
    p = argparse.ArgumentParser(description="Write a large synthetic 办事指南 CSV for benchmarks.")
    p.add_argument("path", help="output CSV path")
    p.add_argument("-n", "--rows", type=int, default=1_000_000)
    p.add_argument("--defect-rate", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=20240607)
    p.add_argument("--manifest", help="also write row,field,code of each expected finding")
    p.add_argument("--encoding", default="utf-8", help="utf-8 (default), utf-8-sig or gb18030")
    a = p.parse_args(argv)
    s = write_csv(a.path, a.rows, a.defect_rate, a.seed, manifest_path=a.manifest, encoding=a.encoding)
    size = os.path.getsize(a.path)
    print(f"{s['rows']:,} rows, {s['defect_rows']:,} with a defect, {size / 1e6:,.0f} MB "
          f"({size / max(s['rows'], 1):,.0f} B/row) in {s['seconds']} s "
          f"({s['rows'] / max(s['seconds'], 1e-9):,.0f} rows/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

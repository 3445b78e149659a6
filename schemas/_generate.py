"""Generate guide.schema.json, aliases.json and codelists.json from one element table.

The JSON files are the published, normative artefacts; this script is how they are kept
consistent with each other.  Run ``python schemas/_generate.py`` after editing the tables below;
``tests/test_schema_files.py`` fails when the committed JSON differs from what this produces.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STD = "C0109.2-2018 / GB/T 39554.2-2020 要素要求（按国家平台交换接口 {col} 重构）"

# name, 中文, exchange column, kind, maxLength, codelist, aliases (Chinese labels, pinyin, camelCase, vendor)
# kind: text | integer | code | multi | date | url
ELEMENTS = [
    ("item_name", "事项名称", "task_name", "text", 1000, None, ["事项名", "SXMC", "taskName", "itemName", "服务事项名称", "实施清单名称", "事项名称(全称)", "许可事项名称", "行政许可事项名称"]),
    ("catalog_code", "基本编码", "catalog_code", "code", 12, None, ["事项基本编码", "目录编码", "基本目录编码", "职权编码", "catalogCode", "jbbm"]),
    ("local_catalog_code", "地方基本编码", "local_catalog_code", "code", 50, None, ["localCatalogCode"]),
    ("task_code", "实施编码", "task_code", "code", 36, None, ["事项实施编码", "实施清单编码", "事项编码", "taskCode", "sxbm", "ssbm"]),
    ("local_task_code", "地方实施编码", "local_task_code", "code", 50, None, ["localTaskCode", "itemCode", "地方事项编码"]),
    ("handle_item_code", "业务办理项编码", "task_handle_item", "code", 50, None, ["办理项编码", "ywcode", "taskHandleItem", "handleItemCode"]),
    ("item_guid", "事项唯一标识", "task_guid", "code", 50, None, ["taskGuid", "rowGuid"]),
    ("item_type", "事项类型", "task_type", "code", 2, "item_type", ["taskType", "itemType", "权力类型", "职权类型", "事项类别", "sxlx"]),
    ("item_state", "事项状态", "task_state", "code", 2, None, ["taskState"]),
    ("item_version", "事项版本", "task_version", "integer", None, None, ["taskVersion", "版本号"]),
    ("legal_basis", "设定依据", "by_law", "text", None, None, ["依据", "法律依据", "设立依据", "实施依据", "byLaw", "byLaws", "laws", "sdyj", "设定依据(法律法规)", "设定和实施依据"]),
    ("exercise_levels", "行使层级", "use_level", "multi", 11, "exercise_levels", ["实施层级", "useLevel", "xscj", "行使层级(多选)"]),
    ("central_dept_code", "中央业务指导部门代码", "central_dept", "code", 2, None, ["中央业务指导部门", "授权部门", "centralDept"]),
    ("area_code", "行政区划代码", "area_code", "code", 50, None, ["区划代码", "所属区划", "区划", "行政区划", "所属行政区划", "areaCode", "xzqhdm"]),
    ("planned_effective_date", "计划生效日期", "plan_effective_date", "date", None, None, ["planEffectiveDate", "生效日期"]),
    ("planned_cancel_date", "计划取消日期", "plan_cancel_date", "date", None, None, ["planCancelDate", "取消日期"]),
    ("update_date", "更新时间", "update_time", "text", None, None, ["更新日期", "最后更新时间", "发布日期", "发布时间", "公布日期", "updateTime", "updateDate", "publishDate"]),
    ("power_source", "权力来源", "power_source", "code", 2, "power_source", ["itemSource", "powerSource", "职权来源"]),
    ("implementing_body", "实施主体", "dept_name", "text", 200, None, ["实施机构", "实施部门", "实施主体名称", "办理部门", "deptName", "sszt", "实施机关"]),
    ("implementing_body_code", "实施主体编码", "dept_code", "code", 50, None, ["实施主体代码", "实施主体统一社会信用代码", "实施机构编码", "统一社会信用代码", "deptCode", "ssztbm"]),
    ("implementing_body_nature", "实施主体性质", "dept_type", "code", 2, "implementing_body_nature", ["deptType", "实施主体类型"]),
    ("entrusting_body", "委托部门", "entrust_name", "text", 100, None, ["entrustName", "委托机关"]),
    ("legal_time_limit", "法定办结时限", "anticipate_day", "integer", None, None, ["法定时限", "法定期限", "anticipateDay", "fdbjsx"]),
    ("legal_time_limit_unit", "法定办结时限单位", "anticipate_type", "code", 2, "time_unit", ["法定时限单位", "anticipateType"]),
    ("legal_time_limit_note", "法定办结时限说明", "anticipate_explain", "text", None, None, ["法定时限说明", "anticipateExplain"]),
    ("promised_time_limit", "承诺办结时限", "promise_day", "integer", None, None, ["承诺时限", "承诺期限", "promiseDay", "cnbjsx"]),
    ("promised_time_limit_unit", "承诺办结时限单位", "promise_type", "code", 2, "time_unit", ["承诺时限单位", "promiseType"]),
    ("promised_time_limit_note", "承诺办结时限说明", "promise_explain", "text", None, None, ["承诺时限说明", "promiseExplain", "办结时限说明"]),
    ("acceptance_conditions", "受理条件", "accept_condition", "text", None, None, ["申请条件", "办理条件", "acceptCondition", "slkj"]),
    ("handling_process", "办理流程", "handle_flow", "text", None, None, ["流程环节", "办理程序", "办事流程", "handleFlow", "activitys"]),
    ("special_procedures", "特别程序", "special_procedure", "text", 500, None, ["specialProcedure"]),
    ("case_type", "办件类型", "project_type", "code", 2, "case_type", ["projectType", "bjlx"]),
    ("handling_forms", "办理形式", "handle_type", "multi", 5, "handling_forms", ["handleType", "blxs"]),
    ("service_targets", "服务对象", "server_type", "multi", 32, "service_targets", ["serveType", "serverType", "fwdx"]),
    ("is_fee_charged", "是否收费", "is_fee", "code", 2, "flag", ["isFee", "sfsf"]),
    ("fee_basis", "收费依据", "fee_basis", "text", None, None, ["feeBasis"]),
    ("fee_standard", "收费标准", "fee_stand", "text", 256, None, ["feeStand", "charges"]),
    ("onsite_visits", "到办事现场次数", "limit_scene_num", "code", 1, "onsite_visits", ["到现场次数", "跑动次数", "limitSceneNum", "dbxccs"]),
    ("onsite_reason", "必须现场办理原因说明", "limit_scene_explain", "text", 1000, None, ["必须现场办理原因", "现场办理原因", "limitSceneExplain"]),
    ("handling_location", "办理地点", "transact_addr", "text", 500, None, ["受理地点", "办公地址", "transactAddr", "bldd", "lobbys"]),
    ("handling_hours", "办理时间", "transact_time", "text", 500, None, ["受理时间", "办公时间", "transactTime", "blsj"]),
    ("consultation_channel", "咨询方式", "link_way", "text", None, None, ["咨询电话", "联系电话", "linkWay", "zxfs"]),
    ("complaint_channel", "监督投诉方式", "supervise_way", "text", None, None, ["投诉电话", "监督电话", "监督方式", "投诉方式", "superviseWay", "jdtsfs"]),
    ("is_online", "是否网办", "is_online", "code", 2, "flag", ["是否网上办理", "是否可网上办理", "isOnline", "is_online_handle", "sfwb"]),
    ("online_depth", "网上办理深度", "online_handle_depth", "multi", 20, "online_depth", ["网办深度", "onlineHandleDepth", "wsblsd", "wsfwsd"]),
    ("online_url", "网办地址", "online_handle_url", "url", None, None, ["网上办理地址", "在线办理地址", "onlineHandleUrl", "wbdz"]),
    ("pc_online_url", "计算机端跳转地址", "link_addr", "url", None, None, ["linkAddr"]),
    ("mobile_url", "移动端办理地址", "mobile_terminal_url", "url", 500, None, ["mobileTerminalUrl"]),
    ("is_in_service_hall", "是否进驻政务大厅", "is_entry_center", "code", 2, "flag", ["是否进驻大厅", "isEntryCenter"]),
    ("is_express_supported", "是否支持物流快递", "is_express", "code", 2, "flag", ["是否支持快递", "是否支持邮寄", "isExpress"]),
    ("is_online_payment_supported", "是否支持网上支付", "is_pay_online", "code", 2, "flag", ["isPayOnline"]),
    ("is_appointment_supported", "是否支持预约办理", "is_schedule", "code", 2, "flag", ["是否支持预约", "isSchedule"]),
    ("cross_region_scope", "通办范围", "handle_area", "code", 2, None, ["handleArea"]),
    ("joint_agencies", "联办机构", "other_dept", "text", 200, None, ["otherDept"]),
    ("result_name", "审批结果名称", "result_name", "text", 200, None, ["结果名称", "resultName"]),
    ("result_type", "审批结果类型", "result_type", "code", 30, None, ["结果类型", "resultType"]),
    ("materials", "申请材料", "material_name", "text", None, None, ["办理材料", "申请材料目录", "材料", "材料名称", "itemMaterials", "materialName"]),
    ("punishment_method", "处罚的行为、种类、幅度", "punishment_method", "text", 3000, None, ["处罚的行为种类幅度", "punishmentMethod"]),
    ("collect_type", "征收种类", "collect_type", "text", None, None, ["collectType"]),
]

# Case (办件) exports: GB/T 39046-2020 表5 办事申请, 表6 事项受理, 表8 事项办结.  A table of their own,
# because the same header words mean other things in a guide: 受理时间 is the guide's 办理时间 (opening
# hours) but a case's acceptance timestamp; 联系电话 is the guide's 咨询方式 but an applicant's phone.
# Mixed into ELEMENTS they would turn case columns into guide elements (and guide.schema.json would
# grow personal data).  The case profile = these elements + CASE_SHARED guide elements.
# name, 中文, GB/T 39046 table, kind (datetime | code | text | name | id | phone | address), aliases
# kinds name/id/phone/address are personal data: read only to be masked, never reported.
CASE_ELEMENTS = [
    ("case_id", "办件编号", "表5/6/8", "code", ["办件号", "办件流水号", "申办编号", "受理编号", "业务流水号", "projid", "caseNo", "caseId", "bjbh"]),
    ("applied_at", "申请时间", "表5", "datetime", ["申请日期", "申报时间", "申报日期", "提交时间", "applyTime", "applyDate", "apply_time", "sqsj"]),
    ("accepted_at", "受理时间", "表6", "datetime", ["受理日期", "acceptTime", "accept_time", "acceptDate", "slsj"]),
    ("promised_at", "承诺办结时间", "表6", "datetime", ["承诺办结日期", "承诺完成时间", "promiseEndTime", "promise_end_time", "promiseTime", "cnbjsj"]),
    ("finished_at", "办结时间", "表8", "datetime", ["办结日期", "完成时间", "finishTime", "finish_time", "endTime", "bjsj"]),
    ("accepting_unit", "受理单位名称", "表6", "text", ["受理单位", "受理部门", "受理部门名称", "受理机构", "acceptDeptName", "sldw"]),
    ("accepting_unit_code", "受理单位统一社会信用代码", "表6", "code", ["受理单位代码", "受理单位社会信用代码", "受理部门统一社会信用代码", "受理部门代码", "受理机构代码", "acceptDeptCode", "sldwdm"]),
    ("case_fee", "是否收费", "表8", "code", ["是否收费(办结)", "isFee", "sfsf", "是否缴费"]),
    ("accepting_staff", "受理人员", "表6", "name", ["受理人", "受理人员姓名", "acceptUser"]),
    ("handler_name", "办理人姓名", "表8", "name", ["办理人", "经办人", "handleUser"]),
    ("applicant_name", "申请者名称", "表5", "name", ["申请人", "申请人名称", "申请人姓名", "申请者姓名", "申请单位", "applicantName", "applyName", "sqrmc"]),
    ("applicant_id_type", "申请者证件类型代码", "表5", "code", ["申请人证件类型", "证件类型", "applicantCardType"]),
    ("applicant_id", "申请者证件号码", "表5", "id", ["申请人证件号码", "证件号码", "身份证号", "身份证号码", "applicantCardNumber", "applicantIdNumber", "sqrzjhm"]),
    ("contact_name", "联系人/代理人姓名", "表5", "name", ["联系人", "联系人姓名", "代理人", "代理人姓名", "contactName", "lxrxm"]),
    ("contact_id", "联系人/代理人证件号码", "表5", "id", ["联系人证件号码", "代理人证件号码", "contactIdNumber"]),
    ("contact_phone", "联系人手机号码", "表5", "phone", ["手机号码", "手机号", "联系电话", "联系人电话", "申请人电话", "申请人手机号码", "contactMobile", "mobile", "telephone", "lxdh"]),
    ("postal_code", "邮政编码", "表5", "code", ["邮编", "postCode"]),
    ("address", "通讯地址", "表5", "address", ["地址", "联系地址", "住址", "申请人地址", "通信地址", "address", "txdz"]),
    ("legal_rep", "法定代表人", "表5", "name", ["法人代表", "法定代表人姓名", "legalPerson"]),
]
# guide elements that case exports carry too (their aliases come from ELEMENTS)
CASE_SHARED = ["item_name", "catalog_code", "task_code", "item_version", "handle_item_code", "case_type",
               "implementing_body", "implementing_body_code"]
PERSONAL_KINDS = ("name", "id", "phone", "address")

FAMILY_TYPES = {
    "general": ["01", "05", "07", "08", "09", "10", "99", "30", "31", "32"],
    "levy": ["04"],
    "punishment": ["02"],
    "enforcement": ["03", "06"],
    "public_service": ["20"],
}
_CORE = ["item_name", "catalog_code", "task_code", "item_type", "legal_basis", "exercise_levels",
         "implementing_body", "implementing_body_code", "handling_process",
         "consultation_channel", "complaint_channel"]
_GENERAL = _CORE + ["power_source", "implementing_body_nature", "legal_time_limit",
                    "legal_time_limit_unit", "promised_time_limit", "promised_time_limit_unit",
                    "acceptance_conditions", "case_type", "service_targets", "is_fee_charged",
                    "onsite_visits", "handling_location", "handling_hours", "is_online", "materials"]
REQUIRED = {
    "general": _GENERAL,
    "levy": _GENERAL,
    "public_service": [e for e in _GENERAL if e not in (
        "power_source", "legal_time_limit", "legal_time_limit_unit",
        "promised_time_limit", "promised_time_limit_unit")],
    "punishment": _CORE + ["power_source", "implementing_body_nature", "punishment_method"],
    "enforcement": _CORE + ["power_source"],
}
FAMILY_TITLES = {"general": "许可/给付/确认/奖励/裁决/其他", "levy": "征收", "punishment": "处罚",
                 "enforcement": "强制/检查", "public_service": "公共服务"}

# code list: codes with labels, then aliases → code (labels and codes are accepted too)
CODELISTS = {
    "item_type": {
        "title": "事项类型",
        "codes": {"01": "行政许可", "02": "行政处罚", "03": "行政强制", "04": "行政征收", "05": "行政给付",
                  "06": "行政检查", "07": "行政确认", "08": "行政奖励", "09": "行政裁决", "10": "其他行政权力",
                  "20": "公共服务", "99": "其他类",
                  "30": "政府内部审批", "31": "依申请便民服务", "32": "主题服务"},
        "aliases": {"1": "01", "2": "02", "3": "03", "4": "04", "5": "05", "6": "06", "7": "07", "8": "08",
                    "9": "09", "许可": "01", "处罚": "02", "强制": "03", "征收": "04", "给付": "05",
                    "检查": "06", "确认": "07", "奖励": "08", "裁决": "09", "其他": "99", "其它": "99",
                    "其它类": "99", "其他行政职权": "10", "其它行政权力": "10",
                    "XK": "01", "CF": "02", "QZ": "03", "ZS": "04", "GF": "05", "JC": "06", "QR": "07",
                    "JL": "08", "CJ": "09", "QT": "10", "FW": "20", "NS": "30"},
    },
    "exercise_levels": {
        "title": "行使层级",
        "codes": {"1": "国家级", "2": "省级", "3": "市级", "4": "县级", "5": "镇（乡、街道）级", "6": "村（社区）级"},
        "aliases": {"国家": "1", "省": "2", "市": "3", "设区的市级": "3", "县": "4", "区县级": "4",
                    "乡镇级": "5", "镇级": "5", "乡级": "5", "街道级": "5", "乡镇（街道）级": "5",
                    "村级": "6", "社区级": "6", "村（居）级": "6"},
    },
    "power_source": {
        "title": "权力来源",
        "codes": {"1": "法定本级行使", "2": "上级下放", "3": "上级授权", "4": "同级授权", "5": "上级委托", "6": "同级委托"},
        "aliases": {"法定": "1", "本级": "1", "下放": "2"},
    },
    "implementing_body_nature": {
        "title": "实施主体性质",
        "codes": {"1": "法定机关", "2": "授权组织", "3": "受委托组织"},
        "aliases": {"行政机关": "1", "法定行政机关": "1", "法律法规授权组织": "2"},
    },
    "case_type": {
        "title": "办件类型",
        "codes": {"1": "即办件", "2": "承诺件", "3": "上报件"},
        "aliases": {"即办": "1", "承诺": "2"},
    },
    "handling_forms": {
        "title": "办理形式",
        "codes": {"1": "窗口办理", "2": "网上办理", "3": "快递申请"},
        "aliases": {"窗口": "1", "网上": "2", "网办": "2", "邮寄申请": "3", "快递": "3", "邮寄": "3"},
    },
    "service_targets": {
        "title": "服务对象",
        "codes": {"1": "自然人", "2": "企业法人", "3": "事业法人", "4": "社会组织法人", "5": "非法人企业",
                  "6": "行政机关", "9": "其他组织"},
        "aliases": {"个人": "1", "企业": "2", "事业单位": "3", "社会组织": "4", "其它组织": "9"},
    },
    "onsite_visits": {
        "title": "到办事现场次数",
        "codes": {"0": "0次", "1": "1次", "2": "2次", "3": "多次"},
        "aliases": {"零次": "0", "不跑": "0", "一次": "1", "两次": "2", "二次": "2", "3次": "3", "三次": "3"},
    },
    "online_depth": {
        "title": "网上办理深度",
        "codes": {"1": "互联网咨询", "2": "互联网收件", "3": "互联网预审", "4": "互联网受理",
                  "5": "互联网办理", "6": "互联网办理结果信息反馈", "7": "互联网电子证照反馈", "8": "其他"},
        "aliases": {},
    },
    "flag": {
        "title": "是/否",
        "codes": {"0": "否", "1": "是"},
        # the ways provinces write yes/no (是否收费, 是否网办, 是否支持物流快递, 是否支持预约 …);
        # keys are matched upper-cased after NFKC, brackets and a leading "是否…：" label removed
        "aliases": {"N": "0", "Y": "1", "NO": "0", "YES": "1", "F": "0", "T": "1", "FALSE": "0", "TRUE": "1",
                    "0.0": "0", "1.0": "1", "√": "1", "✓": "1", "✔": "1", "×": "0", "✗": "0", "✘": "0",
                    "是的": "1", "对": "1", "不是": "0",
                    "有": "1", "无": "0", "没有": "0",
                    "支持": "1", "不支持": "0", "需要": "1", "不需要": "0", "需": "1", "不需": "0", "无需": "0",
                    "可以": "1", "不可以": "0", "可": "1", "不可": "0", "能": "1", "不能": "0",
                    "允许": "1", "不允许": "0", "提供": "1", "不提供": "0", "开通": "1", "未开通": "0",
                    "涉及": "1", "不涉及": "0",
                    "收费": "1", "不收费": "0", "免费": "0", "免收": "0",
                    "网办": "1", "可网办": "1", "不可网办": "0",
                    "进驻": "1", "已进驻": "1", "未进驻": "0", "不进驻": "0",
                    "预约": "1", "可预约": "1", "不可预约": "0", "可邮寄": "1", "不可邮寄": "0"},
    },
    "time_unit": {
        "title": "时限单位",
        "codes": {"1": "工作日", "2": "自然日"},
        "aliases": {"个工作日": "1", "日": "2", "天": "2", "个自然日": "2"},
    },
}

PATTERNS = {
    "integer": r"^[0-9]+$",
    "date": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9:.]+)?$",
}
KIND_EXPECTED = {"integer": "非负整数", "date": "日期 YYYY-MM-DD"}


def family_condition(types: list[str]) -> dict:
    return {"properties": {"item_type": {"enum": types}}, "required": ["item_type"]}


def build_schema() -> dict:
    props = {}
    for name, zh, col, kind, max_len, codelist, _aliases in ELEMENTS:
        p: dict = {"title": zh, "description": f"{zh}：" + STD.format(col=col)}
        if kind == "multi":
            codes = sorted(CODELISTS[codelist]["codes"])
            p["type"] = "array"
            p["items"] = {"enum": codes}
            p["uniqueItems"] = True
        else:
            p["type"] = "string"
            if kind in PATTERNS:
                p["pattern"] = PATTERNS[kind]
                p["x-expected"] = KIND_EXPECTED[kind]
            if codelist:
                p["enum"] = sorted(CODELISTS[codelist]["codes"])
            if max_len:
                p["maxLength"] = max_len
        if codelist:
            p["x-codelist"] = codelist
        p["x-kind"] = kind
        p["x-exchange"] = col
        props[name] = p
    all_types = sorted({t for ts in FAMILY_TYPES.values() for t in ts})
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sxcheck.example/schemas/guide.schema.json",
        "title": "政务服务事项实施清单 / 办事指南 要素",
        "description": (
            "One guide or 实施清单 record after sxcheck's normalisation: canonical element names, "
            "values as trimmed text, placeholders (无, /, 暂无, -) removed, code-list labels mapped to "
            "codes and multi-valued elements split into arrays. Required elements depend on the 事项类型 "
            "family (x-families). Lengths (maxLength) are reported as warnings."),
        "type": "object",
        "properties": props,
        "required": ["item_type"],
        "x-families": {f: {"title": FAMILY_TITLES[f], "item_types": FAMILY_TYPES[f], "required": REQUIRED[f]}
                       for f in FAMILY_TYPES},
        "allOf": [
            {"if": family_condition(FAMILY_TYPES[f]), "then": {"required": REQUIRED[f]}}
            for f in FAMILY_TYPES
        ],
    }
    props["item_type"]["enum"] = all_types
    return schema


def build_aliases() -> dict:
    out = {}
    for name, zh, col, _kind, _ml, _cl, aliases in ELEMENTS:
        names = [zh, col] + list(aliases)
        out[name] = sorted(set(names), key=names.index)
    return out


def build_case_elements() -> dict:
    """The case profile: element → title, GB/T 39046 table, kind, personal flag and aliases."""
    out = {}
    for name, zh, table, kind, aliases in CASE_ELEMENTS:
        names = [zh] + list(aliases)
        out[name] = {"title": zh, "table": table, "kind": kind, "personal": kind in PERSONAL_KINDS,
                     "aliases": sorted(set(names), key=names.index)}
    guide = {e[0]: e for e in ELEMENTS}
    for name in CASE_SHARED:
        _n, zh, col, kind, _ml, codelist, aliases = guide[name]
        # a bare 统一社会信用代码 column in a case export is as likely the applicant's as the body's
        names = [n for n in [zh, col] + list(aliases) if n != "统一社会信用代码"]
        out[name] = {"title": zh, "table": "表4", "kind": kind, "personal": False,
                     "codelist": codelist, "aliases": sorted(set(names), key=names.index)}
    return out


README_BEGIN = "<!-- rules:begin (generated from the rule declarations by schemas/_generate.py) -->"
README_END = "<!-- rules:end -->"


def build_rules() -> dict:
    """schemas/rules.json: every declared rule's severity, category, basis and attributes."""
    from validators.report.messages import rule_meta

    return rule_meta()


def build_rule_table() -> str:
    """The README's rule list, one table per category, from the declarations and the locales."""
    from validators.core.rulebook import CATEGORIES, all_rules
    from validators.report.messages import rule_text

    lines = []
    rules = all_rules()
    for cat, (zh, en) in CATEGORIES.items():
        codes = [c for c, r in rules.items() if r.category == cat]
        if not codes:
            continue
        lines += [f"**{zh} {en}**", "", "| code | level | 规则 | rule |", "|---|---|---|---|"]
        for c in codes:
            lines.append(f"| `{c}` | {rules[c].severity.value} | {rule_text(c, 'zh')['title']} | "
                         f"{rule_text(c, 'en')['title']} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def build_readme(text: str) -> str:
    head, _, rest = text.partition(README_BEGIN)
    _, _, tail = rest.partition(README_END)
    if not rest:
        raise SystemExit(f"README.md lacks the {README_BEGIN} marker")
    return f"{head}{README_BEGIN}\n{build_rule_table()}\n{README_END}{tail}"


def main(argv=None) -> None:
    """Write the generated files into --out (default: the repository itself)."""
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=None, help="directory to write into (default: the repository)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE.parent))
    out = Path(args.out) if args.out else HERE
    files = {
        "guide.schema.json": build_schema(),
        "aliases.json": build_aliases(),
        "case_elements.json": build_case_elements(),
        "codelists.json": CODELISTS,
        "rules.json": build_rules(),
    }
    out.mkdir(parents=True, exist_ok=True)
    for fname, data in files.items():
        (out / fname).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    readme = (HERE.parent / "README.md").read_text(encoding="utf-8")
    target = (out / "README.md") if args.out else HERE.parent / "README.md"
    target.write_text(build_readme(readme), encoding="utf-8")


if __name__ == "__main__":
    main()

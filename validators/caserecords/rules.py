"""The rules of case records (办件) checked against the 实施清单: linking, time limits, fees, dates."""
from __future__ import annotations

from validators.core.rulebook import GBT_39046, GBT_39554_1, HEURISTIC, declare

_LINK_INDEX = ("《省级政府和重点城市网上政务服务能力调查评估报告》（2019）指标“汇聚到国家政务服务平台的"
               "办件信息与事项关联比率”")
_SUPERVISION = "《“互联网+政务服务”技术体系建设指南》（国办函〔2016〕108号）电子监察"

CASE_CODE_MALFORMED = declare("case-code-malformed", "error", "case",
    f"{GBT_39554_1}：实施编码 = 实施主体统一社会信用代码（18 位）+ 行使层级（1 位）+ 基本编码（12 位）；"
    f"{GBT_39046} 表5、表6：办件携带实施编码；{_LINK_INDEX}", link_cause=True)
CASE_ITEM_UNKNOWN = declare("case-item-unknown", "error", "case",
    f"{GBT_39046} 表4 第3项（实施编码是实施清单中事项的唯一标识代码）、表6 第3项；{_LINK_INDEX}",
    link_cause=True)
CASE_BODY_MISMATCH = declare("case-body-mismatch", "error", "case",
    f"{GBT_39046} 表6 第6项 受理单位统一社会信用代码；{GBT_39554_1}：实施编码前 18 位为实施主体的统一社会信用代码",
    link_cause=True)
CASE_VERSION_UNKNOWN = declare("case-version-unknown", "error", "case",
    f"{_LINK_INDEX}：办件须关联申请时已发布的事项（实施编码与事项版本）；{GBT_39046} 表6 第3项 实施编码",
    link_cause=True)
CASE_OVERDUE = declare("case-overdue", "error", "case",
    f"《中华人民共和国行政许可法》第四十二条、第八十二条（期限以工作日计算，不含法定节假日）；"
    f"{_SUPERVISION}：时效异常（办理超期）")
CASE_OPEN_OVERDUE = declare("case-open-overdue", "error", "case",
    f"{_SUPERVISION}：时效异常（办理超期，尚未办结）；《中华人民共和国行政许可法》第四十二条")
CASE_NEAR_DEADLINE = declare("case-near-deadline", "warning", "case",
    f"{_SUPERVISION}：时效异常（临近时限预警）")
CASE_INSTANT_NOT_INSTANT = declare("case-instant-not-instant", "error", "case",
    f"{GBT_39046} 附录A 表A.6 办件类型代码 1 即办件（当场受理、当场办结）；{_SUPERVISION}：时效异常")
CASE_DATES_INCONSISTENT = declare("case-dates-inconsistent", "error", "case",
    f"{GBT_39046} 表5 申请时间、表6 受理时间、表8 办结时间：先申请、后受理、再办结；{_SUPERVISION}：内容异常")
CASE_FEE_MISMATCH = declare("case-fee-mismatch", "error", "case",
    f"{GBT_39046} 表8 第11项与表4 第31项 是否收费；{_SUPERVISION}：收费异常")
CASE_DATE_INVALID = declare("case-date-invalid", "error", "case",
    f"{GBT_39046} 表5、表6 日期时间型 YYYYMMDDThhmmss，表8 办结时间 YYYYMMDDhh:mm:ss")
CASE_ID_MISSING = declare("case-id-missing", "error", "case",
    f"{GBT_39046} 表5、表6、表8 第1项 办件编号（办件的唯一标识）")
CASE_ID_DUPLICATE = declare("case-id-duplicate", "error", "case",
    f"{GBT_39046} 表5、表6、表8 第1项 办件编号（办件的唯一标识）：同一办件编号出现两次，关联比率的分母会重复计数")
CASE_CALENDAR_UNCOVERED = declare("case-calendar-uncovered", "info", "case",
    f"{HEURISTIC}法定节假日和调休由国务院办公厅逐年通知，没有通知的年份无法计算工作日，不推算期限")

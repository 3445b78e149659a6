"""Per-row context the detector needs besides the name: province, listing date, in-use status.

All three are decided once per distinct value.  The province comes from 行政区划代码 (its first
two digits, GB/T 2260), else from a province name leading 实施主体 or the item name; it decides
whether a provincial exception (地方保留) applies.  The date comes from 更新时间 / 发布日期 in the
usual spellings (2021-03-04, 2021/3/4, 2021年3月4日, with or without a time).  A row is *in use*
unless 事项状态 says otherwise (已取消, 停用, 暂停, 废止 …).
"""
from __future__ import annotations

import re
import unicodedata

PROVINCE_CODES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省",
    "64": "宁夏回族自治区", "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区",
    "82": "澳门特别行政区",
}
_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
# short forms (黑龙江, 广西, 内蒙古 …) → full name; longest first so 内蒙古 wins over 内蒙
_SHORT = sorted(((_SUFFIX.sub("", full), full) for full in PROVINCE_CODES.values()),
                key=lambda t: -len(t[0]))
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\D|$)")
OUT_OF_USE = ("取消", "停用", "暂停", "废止", "撤销", "失效", "作废", "注销", "禁用", "下线", "删除")


def province_from_code(code) -> str | None:
    if not isinstance(code, str):
        return None
    digits = code.strip()
    return PROVINCE_CODES.get(digits[:2]) if len(digits) >= 2 and digits[:2].isdigit() else None


def province_from_text(text) -> str | None:
    """The province a body or item name starts with (黑龙江省林业厅, 广西…, 内蒙古…)."""
    if not isinstance(text, str) or not text:
        return None
    t = unicodedata.normalize("NFKC", text).strip()
    for full in PROVINCE_CODES.values():
        if t.startswith(full):
            return full
    for short, full in _SHORT:
        if len(short) >= 2 and t.startswith(short):
            return full
    return None


def parse_date(value) -> str | None:
    """YYYY-MM-DD of a date as exports write it, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    t = unicodedata.normalize("NFKC", value).strip()
    m = _DATE.search(t) or _COMPACT.match(t)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1949 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def in_use(state) -> bool:
    """事项状态 empty, 在用 or a code; False for 已取消, 停用, 暂停 and the like."""
    if not isinstance(state, str) or not state.strip():
        return True
    t = unicodedata.normalize("NFKC", state)
    return not any(w in t for w in OUT_OF_USE)

"""Masking of the personal data a case export carries (申请者名称, 证件号码, 手机号码, 通讯地址 …).

Findings never quote these elements; the masked forms are for the one place where case rows are
copied out (the annotated XLSX sheet).  The forms follow common practice on government portals:

- 证件号码 ``110101199001011234`` → ``110***********1234`` (first 3 and last 4 kept);
- 手机号码 ``13812345678`` → ``138****5678`` (the same rule keeps lengths: first 3, last 4);
- 姓名 ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***`` (first character kept);
- 地址 ``广西钦州市灵山县三海街道江南路5号`` → ``广西钦州市灵山县****`` (down to the county kept).
"""
from __future__ import annotations

import math
import re
from functools import lru_cache


def mask_id(text: str) -> str:
    s = str(text).strip()
    if len(s) >= 8:
        return s[:3] + "*" * (len(s) - 7) + s[-4:]
    return s[:1] + "*" * max(len(s) - 1, 1)


def mask_phone(text: str) -> str:
    s = str(text).strip()
    if len(s) >= 8:
        return s[:3] + "*" * (len(s) - 7) + s[-4:]
    return "*" * max(len(s) - 2, 1) + s[-2:]


def mask_name(text: str) -> str:
    s = str(text).strip()
    if len(s) <= 1:
        return "*"
    return s[0] + "*" * (len(s) - 1)


def mask_address(text: str) -> str:
    s = str(text).strip()
    # keep the administrative prefix (province … county), at most the first 15 characters
    prefix = ""
    for m in re.finditer(r"(?:自治区|自治州|特别行政区|省|市|盟|州|地区|区|县|旗)", s[:15]):
        prefix = s[: m.end()]
    if not prefix or len(prefix) >= len(s):
        prefix = s[: min(3, max(len(s) - 1, 0))]
    return prefix + "****"


MASKS = {"name": mask_name, "id": mask_id, "phone": mask_phone, "address": mask_address}


@lru_cache(maxsize=1)
def personal_elements() -> dict[str, str]:
    """Case element → personal kind (name | id | phone | address), from schemas/case_elements.json."""
    from schemas import load_json

    return {name: el["kind"] for name, el in load_json("case_elements.json").items() if el["personal"]}


def mask_value(element: str | None, value):
    """``value`` masked when ``element`` is personal data, else unchanged (None stays None)."""
    if value is None or element is None:
        return value
    kind = personal_elements().get(element)
    if kind is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return value
    return MASKS[kind](value)


def mask_record(record: dict) -> dict:
    """A case row (canonical element → value) with every personal element masked."""
    return {k: mask_value(k, v) for k, v in record.items()}

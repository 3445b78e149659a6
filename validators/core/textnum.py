"""Numbers written in guide text: Arabic or Chinese numerals followed by a time unit.

``day_numbers("受理之日起20个工作日（可以延长十日）")`` → ``"20,10"``.  Only day units count
(工作日, 自然日, 日, 天); months and hours are different units and are left out.
"""
from __future__ import annotations

import re
import unicodedata

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
NUMBER = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
_DAYS = re.compile(NUMBER + r"\s*个?\s*(工作日|自然日|日|天)(?!内容)")


def cn_to_int(text: str) -> int | None:
    """Chinese numerals up to the thousands (二十, 十五, 一百二十, 三〇) → int."""
    if not text:
        return None
    if all(c in _DIGITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c in _DIGITS:
            current = _DIGITS[c]
        elif c in _UNITS:
            total += (current or 1) * _UNITS[c]
            current = 0
        else:
            return None
    return total + current


def day_numbers(text: str) -> str | None:
    """Comma-joined day counts mentioned in a text, or None when it mentions none."""
    t = unicodedata.normalize("NFKC", text)
    values = []
    for num, _unit in _DAYS.findall(t):
        n = float(num) if num[0].isdigit() else cn_to_int(num)
        if n is not None:
            values.append(str(float(n)))
    return ",".join(values) if values else None

"""Per-element comparison keys: what is left of a value once formatting a citizen would not notice
is removed.

Every function maps one text to a *key* (a string); two values are the same for a citizen exactly
when their keys are equal.  The functions are pure and cached, because channel exports repeat the
same few values (办理时间, 办理地点, 咨询电话 …) across thousands of items, and the caller applies
them once per distinct value.

- :func:`text_key` — NFKC (full/half width), no whitespace, no punctuation (a decimal point
  between digits is kept), Latin lower-cased, 其它 → 其他.
- :func:`name_key` — the conformity normaliser :func:`validators.core.names.normalise_name`.
- :func:`limit_key` — a time limit as number + unit: ``20个工作日`` = ``20`` + ``工作日`` (or its
  code ``1``) = ``二十个工作日``; 即办 = 0.
- :func:`phone_key` — the set of phone numbers by their digits (``021-`` = ``（021）``).
- :func:`hours_key` — 办理时间 as its day set and its time ranges in 24-hour form.
- :func:`location_key` — :func:`text_key` with Chinese numerals before 楼/层/号/室/窗口 as digits.
- :func:`fee_key` — the amounts in 元 (不收费 / 免费 = 0).
- :func:`code_key` — code-list elements through the code list (labels and aliases → codes).
- :func:`url_key` — scheme and host case-folded, trailing slash dropped.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from validators.core.names import normalise_name, strip_regions
from validators.core.textnum import cn_to_int

CACHE = 100_000
_SPACE = re.compile(r"\s+")
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")
_NOT_WORD = re.compile(r"[\W_]+")
_CN_NUM = "零〇一二两三四五六七八九十百千"
_NUMBER = r"(\d+(?:\.\d+)?|[" + _CN_NUM + r"]+)"


@lru_cache(maxsize=CACHE)
def text_key(value: str) -> str:
    """Text without width, whitespace or punctuation differences."""
    s = unicodedata.normalize("NFKC", value).lower().replace("其它", "其他")
    s = _DECIMAL.sub("\x00", s)           # protect 1.5 from becoming 15
    s = _NOT_WORD.sub("", s.replace("\x00", "ǂ"))
    return s.replace("ǂ", ".")


@lru_cache(maxsize=CACHE)
def name_key(value: str) -> str:
    """An item name's key: the conformity normaliser (width, brackets, level suffixes such as
    （县级）), region prefixes such as 灵山县 removed, then no punctuation left over."""
    return text_key(strip_regions(normalise_name(value).key)[0])


# ----------------------------------------------------------------- time limits

_BRACKETS = re.compile(r"[()（）\[\]【】]")
_INSTANT = re.compile(r"即办|即时办结|当场办结|立即办结|当场办理|即来即办")
_LIMIT = re.compile(_NUMBER + r"\s*(个)?\s*(工作日|自然日|日|天|个月|月|小时|年)?")
# unit words → the time_unit code list (1 工作日, 2 自然日); other units keep their word
_UNITS = {"工作日": "1", "1": "1", "自然日": "2", "日": "2", "天": "2", "2": "2",
          "个工作日": "1", "个自然日": "2", "月": "月", "个月": "月", "小时": "小时", "年": "年"}


def _number(text: str) -> float | None:
    if text[0].isdigit():
        return float(text)
    n = cn_to_int(text)
    return None if n is None else float(n)


def _unit_code(unit: str | None) -> str:
    if not unit:
        return ""
    u = _SPACE.sub("", unicodedata.normalize("NFKC", unit))
    return _UNITS.get(u, u)


@lru_cache(maxsize=CACHE)
def limit_key(value: str, unit: str | None = None) -> str:
    """``"20|1"`` for 20 working days; the unit comes from the text, else from the unit column."""
    t = _BRACKETS.sub("", _SPACE.sub("", unicodedata.normalize("NFKC", value)))
    if _INSTANT.search(t):
        return "0|"
    m = next((m for m in _LIMIT.finditer(t) if m.group(3)), None)
    if m is None:
        m = _LIMIT.fullmatch(t)
    if m is None or (n := _number(m.group(1))) is None:
        return "text|" + text_key(value)
    if n == 0:
        return "0|"
    word = m.group(3)
    return f"{n:g}|{_unit_code(word) if word else _unit_code(unit)}"


def limit_display(value: str | None, unit: str | None) -> str | None:
    """The time limit as a person reads it: the value, with the unit column's word when the value
    is a bare number."""
    if value is None:
        return None
    v = str(value).strip()
    if unit and re.fullmatch(r"\d+(\.\d+)?", unicodedata.normalize("NFKC", v)):
        word = {"1": "个工作日", "2": "个自然日"}.get(_unit_code(unit), str(unit).strip())
        return v + word
    return v


# ----------------------------------------------------------------- phones

_AREA_BRACKETS = re.compile(r"[(（]\s*(0\d{2,3})\s*[)）]\s*[-－—]?\s*")
_PHONE_SPACES = re.compile(r"(?<=\d)[\s\-－—–‐]+(?=\d)")


@lru_cache(maxsize=CACHE)
def phone_key(value: str) -> str:
    """The numbers in a 咨询 / 投诉 channel by their digits; plain text when it holds none."""
    from validators.checks.consistency import phone_numbers

    t = unicodedata.normalize("NFKC", value)
    t = _AREA_BRACKETS.sub(r"\1-", t)
    # "0777 6428820", "0777-642-8820": keep one separator after the area code only
    t = re.sub(r"(?<![\d])(0\d{2,3})[\s\-—–‐]+(\d{3,4})[\s\-—–‐]+(\d{4})(?![\d])", r"\1-\2\3", t)
    t = re.sub(r"(?<![\d])(0\d{2,3})\s+(\d{7,8})(?![\d])", r"\1-\2", t)
    numbers = phone_numbers(t)[0]
    if numbers:
        return "tel|" + ",".join(sorted(numbers))
    return "text|" + text_key(value)


# ----------------------------------------------------------------- 办理时间

_DASHES = str.maketrans({"—": "-", "–": "-", "～": "-", "~": "-", "－": "-", "至": "-", "到": "-",
                         "：": ":", "点": ":", "時": ":"})
_RANGE = re.compile(r"(\d{1,2}):(\d{2})?\s*-+\s*(\d{1,2}):?(\d{2})?")
_WEEK = "一二三四五六日天"
_DAY_SPAN = re.compile(r"(?:周|星期)([" + _WEEK + r"])(?:-(?:周|星期)?([" + _WEEK + r"]))?")
_EVERY_DAY = re.compile(r"每天|每日|全天|全年无休|节假日无休|7\s*[x×*]\s*24|24小时")
_HALF = re.compile(r"上午|下午|晚上|中午")


def _day_no(ch: str) -> int:
    return 7 if ch in "日天" else _WEEK.index(ch) + 1


@lru_cache(maxsize=CACHE)
def hours_key(value: str) -> str:
    """``"d=12345|09:00-12:00,14:00-17:00"``; the text key when no time range can be read."""
    t = _SPACE.sub("", unicodedata.normalize("NFKC", value).translate(_DASHES))
    days: set[int] = set()
    if "工作日" in t:
        days |= {1, 2, 3, 4, 5}
    for m in _DAY_SPAN.finditer(t):
        a = _day_no(m.group(1))
        b = _day_no(m.group(2)) if m.group(2) else a
        days |= set(range(a, b + 1)) if a <= b else {a, b}
    if _EVERY_DAY.search(t):
        days |= set(range(1, 8))
    ranges = []
    for m in _RANGE.finditer(t):
        h1, m1, h2, m2 = int(m.group(1)), int(m.group(2) or 0), int(m.group(3)), int(m.group(4) or 0)
        before = t[: m.start()]
        halves = list(_HALF.finditer(before))
        pm = bool(halves) and halves[-1].group(0) in ("下午", "晚上") and h1 < 12
        if pm:
            h1 += 12
            h2 += 12 if h2 < 12 else 0
        elif h2 < h1 and h2 < 12:  # 8:30-5:30 without 下午
            h2 += 12
        ranges.append(f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}")
    if not ranges:
        if days == set(range(1, 8)) and re.search(r"24小时|7[x×*]24|全天", t):
            return "d=1234567|00:00-24:00"
        return "text|" + text_key(value)
    return "d=" + "".join(str(d) for d in sorted(days)) + "|" + ",".join(sorted(set(ranges)))


# ----------------------------------------------------------------- 办理地点

_CN_BEFORE_UNIT = re.compile(r"([" + _CN_NUM + r"]+)(?=楼|层|号|室|窗|栋|幢|单元|区)")


@lru_cache(maxsize=CACHE)
def location_key(value: str) -> str:
    t = unicodedata.normalize("NFKC", value)

    def digits(m: re.Match) -> str:
        n = cn_to_int(m.group(1))
        return m.group(0) if n is None else str(n)

    return text_key(_CN_BEFORE_UNIT.sub(digits, t))


# ----------------------------------------------------------------- fees

_FREE = re.compile(r"不收费|免费|免收|无收费|不收取|零收费|^0元?$|^否$|^无$")
_AMOUNT = re.compile(_NUMBER + r"\s*(万)?\s*元")


@lru_cache(maxsize=CACHE)
def fee_key(value: str) -> str:
    t = _SPACE.sub("", unicodedata.normalize("NFKC", value))
    amounts = []
    for num, wan in _AMOUNT.findall(t):
        n = _number(num)
        if n is not None:
            amounts.append(n * (10000 if wan else 1))
    if amounts:
        return "yuan|" + ",".join(f"{a:g}" for a in sorted(set(amounts)))
    if _FREE.search(t):
        return "yuan|0"
    return "text|" + text_key(value)


# ----------------------------------------------------------------- codes, urls, plain numbers

@lru_cache(maxsize=CACHE)
def code_key(value: str, codelist: str, multi: bool) -> str:
    from validators.core.rows import normalise_code

    code = normalise_code(value, codelist, multi)
    if multi:
        return ",".join(sorted(set(code.split(","))))
    return code


@lru_cache(maxsize=CACHE)
def url_key(value: str) -> str:
    t = unicodedata.normalize("NFKC", value).strip()
    m = re.match(r"^([a-z]+://)?([^/?#]*)(.*)$", t, re.IGNORECASE)
    scheme, host, rest = (m.group(1) or "").lower(), m.group(2).lower(), m.group(3)
    return scheme.replace("https://", "http://") + host + rest.rstrip("/")


@lru_cache(maxsize=CACHE)
def plain_key(value: str) -> str:
    """Codes and numbers: NFKC, no whitespace, upper-case."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", value)).upper()

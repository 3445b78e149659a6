"""Phone numbers in 咨询方式 / 监督投诉方式, read the way provinces write them.

One call of :func:`scan` per distinct text: the numbers it names (normalised, extensions and
hotline menus kept, so ``020-12345678转1`` and ``转2`` are different lines), whether a local number
has no area code, and the fragments that cannot be a number at all.  Forms accepted:
``(020)87654321``, ``（0662）3681288``, ``020- 83835328``, ``+86 20 87512631``, ``86-20-…``,
``0755-8888 8888``, extensions (转, 分机, ``-601``), hotlines ``12345``/``12366`` and menus
``12366-2-4``, a second local number sharing the first one's area code (``0760-88312345、88312346``).
Digits inside URLs, e-mail addresses, QQ numbers and account ids (``gh_a1e9527141a4``) are not
phones.  Whether an area code exists and a number has the right length for it is decided by
Google's libphonenumber (``phonenumbers``), which tracks China's numbering plan.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_DASHES = str.maketrans({"—": "-", "–": "-", "‐": "-", "―": "-", "﹣": "-", "─": "-", "‒": "-", "−": "-"})
_NOT_PHONES = re.compile(
    r"(?:https?://|www\.)[^\s，。；;、）)（(]+"                # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"                          # e-mail addresses
    r"|QQ群?\s*[:：]?\s*\d+"                                  # QQ numbers and groups
    r"|ICP备\s*\d+号"                                         # website licence numbers
    r"|(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*\d[A-Za-z0-9_]*", re.IGNORECASE)  # account ids: gh_a1e9…
_PAREN_AREA = re.compile(r"[(（]\s*(0\d{1,3})\s*[)）]\s*-?\s*")
_FOREIGN = re.compile(r"(?<![\d+])(?:\+\s*|00(?=85[23]|886))(?!86)([1-9]\d{0,2})[\s-]*(\d[\d\s-]{5,14}\d)(?![\d])")
_COUNTRY = re.compile(r"(?<![\d+])(?:\+\s*86|0086|86)[\s-]*(?=[1-9])")
_COUNTRY_LAND = re.compile(r"^(\d{2,3})[\s-]+(\d{3,4}[\s-]?\d{4})(?!\d)")
_COUNTRY_MOBILE = re.compile(r"^1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
_DOUBLE_DASH = re.compile(r"(?<![\d-])\d+\s*-\s*-[\s-]*\d+")
_AREA_SPACE = re.compile(r"(?<![\d-])(0\d{1,3})\s*-\s*(?=\d)|(?<![\d-])(0\d{2,3})\s+(?=\d{7,8}(?!\d))")
_SPLIT_LOCAL = re.compile(r"(?<![\d-])(0\d{2,3})-(\d{3,4})[\s-](\d{4})(?![\d])")
_SPLIT_MOBILE = re.compile(r"(?<![\d-])(1[3-9]\d)[\s-](\d{4})[\s-](\d{4})(?![\d])")
_SPLIT_400 = re.compile(r"(?<![\d-])([48]00)[\s-]?(\d{3})[\s-]?(\d{4})(?![\d])")
_JUNK = re.compile(r"(?<![A-Za-z0-9_])(?:\d[\d-]{3,}[A-Za-z]+[A-Za-z0-9]*|0\d{2,3}-[A-Za-z]+)")
_EXT = r"(?:\s*(?:转|分机|ext\.?|-)\s*(\d{1,6}))?"
_LANDLINE = re.compile(r"(?<![\d.-])(?<!\d:)(0\d{1,3})-(\d+)" + _EXT + r"(?![\d])", re.IGNORECASE)
_AREA_ONLY = re.compile(r"(?<![\d-])0\d{2,3}-(?!\s*\d)")
_PLAIN_LAND = re.compile(r"(?<![\d-])0\d{9,11}(?![\d])")
_NO_ZERO_AREA = re.compile(r"(?<![\d-])[1-9]\d{2,3}-\d{7,8}(?![\d])")
_SPECIAL = re.compile(r"(?<![\d-])[48]00\d{7}(?![\d])")
_HOTLINE = re.compile(r"(?<![\d-])(1[0-2]\d{3}|9[56]\d{3,4})((?:-\d{1,2})+|\s*转\s*\d{1,4})?(?![\d])")
_ONE_RUN = re.compile(r"(?<![\d-])1\d{9,11}(?![\d])")
_BARE = re.compile(r"(?<![\d-])\d{7,8}(?![\d])")
_HOTLINE_LOCAL = re.compile(r"^1[0-2]\d{3}$")


@dataclass(frozen=True)
class Scan:
    numbers: frozenset[str]       # normalised: 02087512631, 02012345678#1, 12366-2-4, 13800138000
    bare: bool                    # a 7–8 digit local number with no area code anywhere in the text
    invalid: tuple[str, ...]      # fragments written as a number that no number can be


@lru_cache(maxsize=4096)
def _valid(digits: str) -> bool:
    import phonenumbers

    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(digits, "CN"))
    except phonenumbers.NumberParseException:
        return False


def _normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).translate(_DASHES)
    t = _NOT_PHONES.sub(" ", t)
    t = _PAREN_AREA.sub(lambda m: m.group(1) + "-", t)
    t = _country(t)
    return t


def _country(t: str) -> str:
    """+86 20 87512631, 86-20-87512631, 0086-755-… → 020-87512631; +86 138… → 138…"""
    out, pos = [], 0
    for m in _COUNTRY.finditer(t):
        if m.start() < pos:
            continue
        rest = t[m.end():]
        land = _COUNTRY_LAND.match(rest)
        if land:
            out.append(t[pos:m.start()] + "0" + land.group(1) + "-" + re.sub(r"[\s-]", "", land.group(2)))
            pos = m.end() + land.end()
        elif _COUNTRY_MOBILE.match(rest):
            out.append(t[pos:m.start()])
            pos = m.end()
    out.append(t[pos:])
    return "".join(out)


def scan(text: str) -> Scan:
    t = _normalise(text)
    invalid: list[str] = []
    numbers: set[str] = set()

    def bad(m):
        invalid.append(m.group(0).strip())
        return " "

    def foreign(m):   # +852 2345 6789 (香港), +853 … (澳门): validated in their own plan
        digits = "+" + m.group(1) + re.sub(r"[\s-]", "", m.group(2))
        if _valid(digits):
            numbers.add(digits)
        else:
            invalid.append(m.group(0).strip())
        return " "

    t = _FOREIGN.sub(foreign, t)
    t = _DOUBLE_DASH.sub(bad, t)
    t = _JUNK.sub(bad, t)
    t = _AREA_ONLY.sub(bad, t)
    t = _AREA_SPACE.sub(lambda m: (m.group(1) or m.group(2)) + "-", t)
    t = _SPLIT_LOCAL.sub(r"\1-\2\3", t)
    t = _SPLIT_MOBILE.sub(r"\1\2\3", t)
    t = _SPLIT_400.sub(r"\1\2\3", t)
    area_seen = False
    last_area = ""

    def land(m):
        nonlocal area_seen, last_area
        area, local, ext = m.group(1), m.group(2), m.group(3)
        if _HOTLINE_LOCAL.match(local) and _valid(area + "88888888"):
            numbers.add(area + "-" + local)          # 0760-12345: the local 12345 hotline
        elif _valid(area + local):
            numbers.add(area + local + (f"#{ext}" if ext else ""))
            area_seen, last_area = True, area
        else:
            invalid.append(m.group(0).strip())
        return " "

    t = _LANDLINE.sub(land, t)

    def whole(m):
        nonlocal area_seen
        digits = m.group(0)
        if _valid(digits):
            numbers.add(digits)
            area_seen = area_seen or digits.startswith("0")
        else:
            invalid.append(digits)
        return " "

    t = _PLAIN_LAND.sub(whole, t)
    t = _NO_ZERO_AREA.sub(bad, t)
    t = _SPECIAL.sub(whole, t)

    def hotline(m):
        numbers.add(m.group(1) + re.sub(r"\s*转\s*", "#", m.group(2) or ""))
        return " "

    t = _HOTLINE.sub(hotline, t)
    t = _ONE_RUN.sub(whole, t)
    bare = _BARE.findall(t)
    numbers.update(last_area + b for b in bare)   # 0760-88312345、88312346: the same area code
    return Scan(frozenset(numbers), bool(bare) and not area_seen, tuple(invalid))

"""GB/T 2260 administrative divisions: a 区划 value written as a code or a name → its 6-digit code.

Exports write the 区划 / 行政区划 element as a code (``440000``, ``4406``, the 12-digit 统计用区划代码
``442000000000``) or as a name (``广东省``, ``广东省中山市``, ``中山``, ``钦州市灵山县``, ``温州市本级``).
:func:`region_code` reads both.  Names are matched left to right against the full and short names
of ``schemas/regions.csv`` (34 provincial-level, 333 prefecture-level and the county-level
divisions in force), each name a descendant of the one before it; a short name followed by a
different level word (``中山省``) is no match.  ``None`` means the value names no division.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from schemas import DIR as SCHEMAS

_FILE = SCHEMAS / "regions.csv"
_SEPARATORS = re.compile(r"[\s\-/>·,，、|_－—]+")
_NOTES = re.compile(r"[(（【\[][^)）】\]]*[)）】\]]|本级$|本级(?=[\s\-/])|全域$")
_LEVEL_WORDS = "省市县区州盟旗"
_ETHNIC = ("土家族", "苗族", "侗族", "布依族", "壮族", "彝族", "傣族", "白族", "哈尼族", "景颇族", "傈僳族",
           "藏族", "羌族", "回族", "蒙古族", "蒙古", "哈萨克", "柯尔克孜", "朝鲜族", "满族", "黎族", "维吾尔",
           "土族", "撒拉族", "东乡族", "保安族", "裕固族", "纳西族", "拉祜族", "佤族", "瑶族", "仫佬族", "毛南族",
           "仡佬族", "水族", "畲族", "达斡尔族", "鄂温克族", "鄂伦春族", "锡伯族", "塔吉克族")
_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str       # province | prefecture | county
    parent: str


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    with open(_FILE, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    return {r["code"]: Division(r["code"], r["name"], r["level"], r["parent"]) for r in csv.DictReader(lines)}


def _short_names(d: Division) -> list[str]:
    name = d.name
    out = []
    if d.level == "province":
        for suffix in _PROVINCE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                out.append(name[: -len(suffix)])
                break
    elif d.level == "prefecture":
        cut = min((name.find(e) for e in _ETHNIC if e in name and name.find(e) >= 2), default=-1)
        if cut > 0:
            out += [name[:cut], name[:cut] + "州"]
        elif name.endswith(("市", "盟")) and len(name) >= 3:
            out.append(name[:-1])
        elif name.endswith("地区") and len(name) >= 4:
            out.append(name[:-2])
    return out


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[tuple[str, bool]]], int]:
    """name → [(code, is_short)], and the longest name's length."""
    index: dict[str, list[tuple[str, bool]]] = {}
    for d in divisions().values():
        index.setdefault(d.name, []).append((d.code, False))
        for short in _short_names(d):
            index.setdefault(short, []).append((d.code, True))
    return index, max(len(k) for k in index)


def _descends(code: str, ancestor: str) -> bool:
    divs = divisions()
    seen = 0
    while code and seen < 4:
        if code == ancestor:
            return True
        code = divs[code].parent if code in divs else ""
        seen += 1
    return False


def _from_digits(text: str) -> str | None:
    if len(text) not in (2, 4, 6, 9, 12):
        return None
    code = (text[:6] + "0000")[:6]
    divs = divisions()
    if code[:2] + "0000" not in divs:
        return None
    if code in divs:
        return code
    if code[:4] + "00" in divs:
        return code[:4] + "00"
    return code[:2] + "0000"


@lru_cache(maxsize=65536)
def region_code(value: str) -> str | None:
    """The 6-digit GB/T 2260 code a 区划 value names, or None."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    if text.isdigit():
        return _from_digits(text)
    text = _NOTES.sub("", text)
    index, longest = _index()
    current: str | None = None
    for part in filter(None, _SEPARATORS.split(text)):
        pos = 0
        while pos < len(part):
            step = None
            for size in range(min(longest, len(part) - pos), 1, -1):
                cands = index.get(part[pos: pos + size])
                if not cands:
                    continue
                after = part[pos + size: pos + size + 1]
                codes = [c for c, short in cands
                         if not (short and after and after in _LEVEL_WORDS)
                         and (current is None or _descends(c, current))]
                if not codes:
                    continue
                step = (size, codes)
                break
            if step is None:
                return None
            size, codes = step
            if len(codes) > 1:
                common = _common_ancestor(codes)
                if common is None:
                    return None
                codes = [common]
            current = codes[0]
            pos += size
    return current


def _common_ancestor(codes: list[str]) -> str | None:
    divs = divisions()
    chains = []
    for c in codes:
        chain = []
        while c:
            chain.append(c)
            c = divs[c].parent if c in divs else ""
        chains.append(chain[::-1])
    common = None
    for level in zip(*chains, strict=False):
        if len(set(level)) != 1:
            break
        common = level[0]
    return common

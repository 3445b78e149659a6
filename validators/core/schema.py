"""The element specification, derived from ``schemas/guide.schema.json`` (the normative file).

The fast path never hard-codes an element's type, length, code list or requiredness: it reads them
here, from the same JSON Schema that jsonschema validates against, so the two cannot drift.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from schemas import load_json

PLACEHOLDERS = frozenset({"无", "/", "／", "暂无", "-", "—", "--", "——", "null", "NULL", "None",
                          "空", "待定", "略", "\\"})
FLAG_ANSWERS = frozenset({"无"})  # a placeholder elsewhere, but 否 on 是否收费 and the other flags


@dataclass(frozen=True)
class Element:
    name: str
    title: str
    kind: str                 # text | integer | code | multi | date | url
    pattern: str | None
    max_length: int | None
    codelist: str | None
    codes: frozenset[str]
    expected: str | None      # human description of the pattern


@dataclass(frozen=True)
class Family:
    name: str
    title: str
    item_types: tuple[str, ...]
    required: tuple[str, ...]


@lru_cache(maxsize=1)
def guide_schema() -> dict:
    return load_json("guide.schema.json")


@lru_cache(maxsize=1)
def elements() -> dict[str, Element]:
    out = {}
    for name, p in guide_schema()["properties"].items():
        codes = p.get("enum") or (p.get("items") or {}).get("enum") or ()
        out[name] = Element(name=name, title=p["title"], kind=p["x-kind"], pattern=p.get("pattern"),
                            max_length=p.get("maxLength"), codelist=p.get("x-codelist"),
                            codes=frozenset(codes), expected=p.get("x-expected"))
    return out


@dataclass(frozen=True)
class ElementPlan:
    """How the fast path reads one element, derived once per run from its :class:`Element`."""
    element: Element
    flag: bool       # a 是/否 element: 无 is an answer (否), not a placeholder
    distinct: bool   # values repeat by construction (code lists, integers, two-character codes):
                     # trim, placeholders, codes and patterns are evaluated once per distinct value


@lru_cache(maxsize=1)
def element_plans() -> dict[str, ElementPlan]:
    return {name: ElementPlan(el, el.codelist == "flag",
                              bool(el.codelist) or el.kind == "integer"
                              or (el.kind == "code" and el.max_length is not None and el.max_length <= 2))
            for name, el in elements().items()}


@lru_cache(maxsize=1)
def families() -> dict[str, Family]:
    return {name: Family(name, f["title"], tuple(f["item_types"]), tuple(f["required"]))
            for name, f in guide_schema()["x-families"].items()}


@lru_cache(maxsize=1)
def family_of_type() -> dict[str, str]:
    return {t: f.name for f in families().values() for t in f.item_types}


def label(name: str | None, lang: str = "zh") -> str:
    """The element's display label: Chinese title, or the canonical name in English."""
    if not name:
        return ""
    el = elements().get(name)
    if el is None:
        case = load_json("case_elements.json").get(name)   # 办件 elements (GB/T 39046 表5/6/8)
        return case["title"] if case and lang == "zh" else name
    return el.title if lang == "zh" else name


@lru_cache(maxsize=1)
def codelists() -> dict:
    return load_json("codelists.json")


_SPLIT = re.compile(r"[,，、;；/\s]+")


# GB 32100-2015 character set (digits and capitals without I, O, S, V, Z) and code shapes
USCC_CHARS = "[0-9A-HJ-NPQRTUWXY]"
USCC_PATTERN = rf"{USCC_CHARS}{{2}}\d{{6}}{USCC_CHARS}{{10}}"
LEVEL_DIGIT = "[1-6]"  # 行使层级 codes 1 (国家级) … 6 (村级)


def task_code_pattern(level_digit: str = r"\d") -> str:
    """实施编码 = USCC (18) + 行使层级 digit + 基本编码 (12).  The code checks accept any digit in
    position 19 (a wrong digit is reported as a level mismatch, not as a malformed code);
    conformity counts a code as well-formed only with a real level (:data:`LEVEL_DIGIT`)."""
    return USCC_PATTERN + level_digit + r"\d{12}"


def item_type_codes() -> frozenset[str]:
    """The 事项类型 codes of the code list."""
    return frozenset(elements()["item_type"].codes)


@lru_cache(maxsize=None)
def code_lookup(codelist: str) -> dict[str, str]:
    """Every accepted spelling (code, label, alias; upper-cased) → the canonical code."""
    cl = codelists()[codelist]
    table: dict[str, str] = {}
    for code, lbl in cl["codes"].items():
        table[code.upper()] = code
        table[lbl.upper()] = code
    for alias, code in cl["aliases"].items():
        table[alias.upper()] = code
    return table


def split_multi(text: str) -> list[str]:
    return [t for t in _SPLIT.split(text) if t]

"""Column-name mapping: exported header labels → canonical element names.

``schemas/aliases.json`` lists, per canonical element, its Chinese labels, national exchange
column, pinyin abbreviations and channel (camelCase) names.  Matching folds full-/half-width
(NFKC), case, whitespace, ``_``/``-`` and required-markers (``*``, ``★``) so that ``事项名称*``,
``task_name``, ``taskName`` and ``TASK NAME`` all land on ``item_name``.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from schemas import load_json

_FOLD = re.compile(r"[\s_\-\*★☆:：]+")


def fold(label: str) -> str:
    """The comparison key of a header label."""
    text = unicodedata.normalize("NFKC", str(label)).strip().lower()
    text = text.replace("（", "(").replace("）", ")")
    return _FOLD.sub("", text)


PROFILES = ("guide", "case")


@lru_cache(maxsize=None)
def alias_index(profile: str = "guide") -> dict[str, str]:
    """Folded label → canonical element, for guide/实施清单 exports (``guide``) or case exports
    (``case``: ``schemas/case_elements.json``, where 受理时间 is a date-time and 联系电话 the
    applicant's phone, not the guide's 办理时间 and 咨询方式)."""
    if profile == "case":
        table = {name: el["aliases"] for name, el in load_json("case_elements.json").items()}
    else:
        table = load_json("aliases.json")
    index: dict[str, str] = {}
    for canonical, names in table.items():
        for name in [canonical, *names]:
            index.setdefault(fold(name), canonical)
    return index


def canonical_name(label: str, profile: str = "guide") -> str | None:
    """The canonical element a header label stands for, or None when unknown."""
    key = fold(label)
    if not key:
        return None
    index = alias_index(profile)
    if key in index:
        return index[key]
    # "事项名称(必填)", "办理地点（含窗口）": drop one trailing parenthesised remark
    stripped = re.sub(r"\([^()]*\)$", "", key)
    return index.get(stripped) if stripped != key else None


def map_columns(labels: list[str], profile: str = "guide") -> tuple[dict[str, str], list[str], list[tuple[str, str]]]:
    """Map header labels to canonical names.

    Returns (canonical → original label, unknown labels, duplicates as (label, canonical)):
    the first column that maps to an element wins; later ones are reported, never merged.
    """
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    duplicates: list[tuple[str, str]] = []
    for label in labels:
        name = canonical_name(label, profile)
        if name is None:
            if str(label).strip():
                unknown.append(str(label))
        elif name in mapping:
            duplicates.append((str(label), name))
        else:
            mapping[name] = str(label)
    return mapping, unknown, duplicates

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


@lru_cache(maxsize=1)
def alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, names in load_json("aliases.json").items():
        for name in [canonical, *names]:
            index.setdefault(fold(name), canonical)
    return index


def canonical_name(label: str) -> str | None:
    """The canonical element a header label stands for, or None when unknown."""
    key = fold(label)
    if not key:
        return None
    index = alias_index()
    if key in index:
        return index[key]
    # "事项名称(必填)", "办理地点（含窗口）": drop one trailing parenthesised remark
    stripped = re.sub(r"\([^()]*\)$", "", key)
    return index.get(stripped) if stripped != key else None


def map_columns(labels: list[str]) -> tuple[dict[str, str], list[str], list[tuple[str, str]]]:
    """Map header labels to canonical names.

    Returns (canonical → original label, unknown labels, duplicates as (label, canonical)):
    the first column that maps to an element wins; later ones are reported, never merged.
    """
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    duplicates: list[tuple[str, str]] = []
    for label in labels:
        name = canonical_name(label)
        if name is None:
            if str(label).strip():
                unknown.append(str(label))
        elif name in mapping:
            duplicates.append((str(label), name))
        else:
            mapping[name] = str(label)
    return mapping, unknown, duplicates

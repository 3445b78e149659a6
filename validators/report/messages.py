"""Per-locale message catalogs keyed by stable rule codes; rendering happens at report time.

``validators/report/locales/<lang>/<area>.json`` (one file per subpackage that declares rules;
``zh_CN`` default, ``en``) hold, per rule code, a title, a message template, an explanation and
a fix hint, plus the one-line messages of unreadable-input errors (``input``) and topics for
``sxcheck explain``.  The files of a language are merged; a key defined twice is an error.  Templates take the finding's ``params`` plus ``field`` (the element
label in that language) and ``value``; a missing parameter renders as ``?``, never an exception.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any, Mapping

LOCALES = {"zh": "zh_CN", "zh_CN": "zh_CN", "en": "en"}
_DIR = Path(__file__).resolve().parent / "locales"


@lru_cache(maxsize=None)
def catalog(lang: str = "zh") -> dict:
    """The merged message catalog of a language: {"rules": …, "input": …, "topics": …}."""
    name = LOCALES.get(lang, "zh_CN")
    merged: dict[str, dict] = {"rules": {}, "input": {}, "topics": {}}
    for path in sorted((_DIR / name).glob("*.json")):
        with open(path, encoding="utf-8") as fh:
            part = json.load(fh)
        for section, entries in part.items():
            target = merged.setdefault(section, {})
            twice = set(target) & set(entries)
            if twice:
                raise ValueError(f"{path.name}: {section} keys defined twice: {sorted(twice)}")
            target.update(entries)
    return merged


def rule_meta() -> dict[str, dict]:
    """Rule code → {severity, category, basis, …} from the declarations (the rule registry)."""
    from validators.core.rulebook import all_rules

    return {code: rule.to_dict() for code, rule in all_rules().items()}


class _Lenient(dict):
    def __missing__(self, key):
        return "?"


_FMT = Formatter()


def fill(template: str, values: Mapping[str, Any]) -> str:
    parts = _compiled(template)
    try:
        if parts is not None and values.__class__ is dict:
            return _fill_parts(parts, values)
        safe = _Lenient({k: ("" if v is None else v) for k, v in values.items()})
        return _FMT.vformat(template, (), safe)
    except (ValueError, IndexError, KeyError):
        return template


_CONVERT = {None: None, "s": str, "r": repr, "a": ascii}


@lru_cache(maxsize=4096)
def _compiled(template: str) -> tuple | None:
    """``template`` as (literal, name, conversion, spec) parts when every field is a plain name
    (what ``Formatter.vformat`` then does is a lookup, a conversion and ``format``); None when
    a field indexes, takes an attribute, is positional or nests a field in its spec."""
    parts = []
    try:
        for literal, name, spec, conv in _FMT.parse(template):
            if name is not None and (not name.isidentifier() or "{" in spec or "}" in spec
                                     or conv not in _CONVERT):
                return None
            parts.append((literal, name, _CONVERT.get(conv), spec or ""))
    except ValueError:
        return None
    return tuple(parts)


def _fill_parts(parts: tuple, values: dict) -> str:
    out = []
    for literal, name, convert, spec in parts:
        out.append(literal)
        if name is None:
            continue
        v = values.get(name, "?")
        if v is None:
            v = ""
        if convert is not None:
            v = convert(v)
        out.append(format(v, spec))
    return "".join(out)


def rule_text(code: str, lang: str = "zh") -> dict[str, str]:
    """Title, message, explain and hint of a declared rule (KeyError when a locale lacks it)."""
    try:
        return catalog(lang)["rules"][code]
    except KeyError:
        raise KeyError(f"no {LOCALES.get(lang, 'zh_CN')} message for rule {code!r}") from None


def render(code: str, lang: str = "zh", *, field_label: str = "", value: Any = None,
           params: Mapping[str, Any] | None = None) -> str:
    values = dict(params or {})
    values.setdefault("value", "" if value is None else value)
    values["field"] = field_label
    return fill(rule_text(code, lang)["message"], values)


def hint(code: str, lang: str = "zh", params: Mapping[str, Any] | None = None) -> str:
    return fill(rule_text(code, lang)["hint"], dict(params or {}))


def input_message(key: str, lang: str = "zh", **params: Any) -> str:
    sheet = params.get("sheet")
    params.setdefault("sheet_text", (f"（工作表：{sheet}）" if lang != "en" else f" (sheet {sheet})") if sheet else "")
    tpl = catalog(lang)["input"].get(key, key + ": {source}")
    return fill(tpl, params)

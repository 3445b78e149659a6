"""Per-locale message catalogs keyed by stable rule codes; rendering happens at report time.

``validators/locales/zh_CN.json`` (default) and ``en.json`` hold, per rule code, a title, a
message template, an explanation citing the standard and a fix hint, plus the one-line messages
of unreadable-input errors.  Templates take the finding's ``params`` plus ``field`` (the element
label in that language) and ``value``; a missing parameter renders as ``?``, never an exception.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from string import Formatter
from typing import Any, Mapping

from schemas import load_json

LOCALES = {"zh": "zh_CN", "zh_CN": "zh_CN", "en": "en"}
_DIR = Path(__file__).resolve().parent / "locales"


@lru_cache(maxsize=None)
def catalog(lang: str = "zh") -> dict:
    name = LOCALES.get(lang, "zh_CN")
    with open(_DIR / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


def rule_meta() -> dict[str, dict]:
    """Rule code → {severity, category, basis} (schemas/rules.json)."""
    return load_json("rules.json")


class _Lenient(dict):
    def __missing__(self, key):
        return "?"


_FMT = Formatter()


def fill(template: str, values: Mapping[str, Any]) -> str:
    safe = _Lenient({k: ("" if v is None else v) for k, v in values.items()})
    try:
        return _FMT.vformat(template, (), safe)
    except (ValueError, IndexError, KeyError):
        return template


def rule_text(code: str, lang: str = "zh") -> dict[str, str]:
    return catalog(lang)["rules"].get(code) or {"title": code, "message": code, "explain": "", "hint": ""}


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

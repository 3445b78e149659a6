"""Waivers: accepted findings with a reason and an optional expiry (``sxcheck-waivers.toml``).

```toml
[[waiver]]
rule = "handling-hours-unclear"      # required: a rule code
item = "11450721MB155808114000104002000"   # optional: 实施编码 or item name (normalised like the baseline)
element = "handling_hours"            # optional: element name or its Chinese label
reason = "县政务服务中心作息表待更新"     # required
expires = 2026-12-31                  # optional: from this day on the waiver fails the run
```
A waiver accepts every finding it matches; once expired it accepts none and adds a
``waiver-expired`` error.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from validators.gate.baseline import item_key, normalise_value
from validators.read import InputError

KEYS = {"rule", "item", "element", "reason", "expires"}


@dataclass
class Waiver:
    rule: str
    reason: str
    item: str | None = None
    element: str | None = None
    expires: dt.date | None = None
    used: int = 0

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and today >= self.expires


def load_waivers(path: str | Path) -> list[Waiver]:
    source = str(path)
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise InputError("waivers-invalid", source, detail=exc.strerror or str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError("waivers-invalid", source, detail=str(exc)) from None
    from validators.core.rulebook import all_rules
    from validators.core.schema import elements, label

    rules = all_rules()
    labels = {label(e, "zh"): e for e in elements()}
    extra = set(doc) - {"waiver"}
    if extra:
        raise InputError("waivers-invalid", source, detail=f"unknown key {min(extra)} (expected [[waiver]] tables)")
    out = []
    for i, w in enumerate(doc.get("waiver", []), 1):
        where = f"waiver[{i}]"
        if not isinstance(w, dict):
            raise InputError("waivers-invalid", source, detail=f"{where}: expected a table")
        unknown = set(w) - KEYS
        if unknown:
            raise InputError("waivers-invalid", source, detail=f"{where}.{min(unknown)}: unknown key")
        for k in ("rule", "reason"):
            if not isinstance(w.get(k), str) or not w[k].strip():
                raise InputError("waivers-invalid", source, detail=f"{where}.{k}: expected a non-empty string")
        if w["rule"] not in rules:
            raise InputError("waivers-invalid", source, detail=f"{where}.rule: unknown rule code {w['rule']!r}")
        for k in ("item", "element"):
            if k in w and not isinstance(w[k], str):
                raise InputError("waivers-invalid", source, detail=f"{where}.{k}: expected a string")
        expires = w.get("expires")
        if expires is not None and not (isinstance(expires, dt.date) and not isinstance(expires, dt.datetime)):
            raise InputError("waivers-invalid", source, detail=f"{where}.expires: expected a date (2026-12-31)")
        element = w.get("element")
        element = labels.get(element, element)
        if element is not None and element not in elements():
            raise InputError("waivers-invalid", source, detail=f"{where}.element: unknown element {element!r}")
        out.append(Waiver(rule=w["rule"], reason=w["reason"], item=w.get("item"), element=element,
                          expires=expires))
    return out


def apply_waivers(frame, waivers: list[Waiver], today: dt.date | None = None) -> list[bool]:
    """Per finding of ``frame``: accepted by a live waiver.  Counts each waiver's matches in ``used``."""
    today = today or dt.date.today()
    live = [w for w in waivers if not w.expired(today)]
    keys: dict = {}
    out = []
    for code, item, fld in zip(frame["code"], frame["item"], frame["field"], strict=True):
        hit = False
        for w in waivers:
            if w.rule != code or (w.element and w.element != fld):
                continue
            if w.item:
                k = keys.get(item)
                if k is None:
                    k = keys[item] = item_key(item)
                if item_key(w.item) != k and normalise_value(w.item) != normalise_value(item):
                    continue
            w.used += 1
            hit = hit or w in live
        out.append(hit)
    return out

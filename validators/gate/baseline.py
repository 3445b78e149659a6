"""Finding fingerprints and the baseline file (``.sxcheck-baseline.json``).

A fingerprint is rule + item key + element + normalised value — never the row number — so it
survives row reordering and edits elsewhere in the file.  The item key is the 实施编码 when the
finding's item is one, else the item name normalised by :func:`validators.core.names.normalise_name`
(full-width/half-width, spaces, dashes); a finding with no item (a table- or catalog-level finding)
is keyed by its file name instead.  The baseline holds a count per fingerprint, so two identical
findings in the baseline accept two, not any number.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from validators.read import InputError

VERSION = 1
_SPACE = re.compile(r"\s+")
_TASK_CODE = re.compile(r"[0-9A-Z]{31}\Z")   # 实施编码: 18-char USCC + 12-char 基本编码 + 1 digit


def normalise_value(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", str(value))).strip()


def item_key(item) -> str:
    text = normalise_value(item)
    if not text:
        return ""
    if _TASK_CODE.match(text.upper()):
        return text.upper()
    from validators.core.names import normalise_name

    return normalise_name(text).key or text


def _where(source) -> str:
    text = normalise_value(source)
    return Path(text).name if text else ""


def fingerprint(code: str, item, field, value, source=None) -> str:
    key = item_key(item) or "@" + _where(source)
    raw = "\x1f".join(("v1", str(code), key, normalise_value(field), normalise_value(value)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def fingerprints(frame) -> list[str]:
    """The fingerprint of every finding of a Report frame, in order, as :func:`fingerprint` gives
    it; item keys, file names, elements and values normalised once per distinct text (a big
    report repeats its items, elements and files)."""
    def memo(fn):
        seen: dict = {}

        def once(v):
            if v.__class__ is not str:
                return fn(v)
            out = seen.get(v)
            if out is None:
                out = seen[v] = fn(v)
            return out
        return once

    key, where, norm = memo(item_key), memo(_where), memo(normalise_value)
    sha = hashlib.sha256
    out = []
    columns = (frame[c].tolist() for c in ("code", "item", "field", "value", "source"))
    for code, item, fld, value, source in zip(*columns, strict=True):
        raw = "\x1f".join(("v1", str(code), key(item) or "@" + where(source), norm(fld), norm(value)))
        out.append(sha(raw.encode("utf-8")).hexdigest()[:32])
    return out


@dataclass
class Comparison:
    new: list[bool]         # per finding: not accepted by the baseline
    known: int              # findings the baseline accepted
    fixed: int              # baseline findings no longer found


def load_baseline(path: str | Path) -> Counter:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        entries = doc["findings"]
        return Counter({e["fingerprint"]: int(e.get("count", 1)) for e in entries})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError("baseline-invalid", str(path), detail=f"{type(exc).__name__}: {exc}") from None


def compare(fps: list[str], baseline: Counter) -> Comparison:
    seen: Counter = Counter()
    new = []
    for fp in fps:
        seen[fp] += 1
        new.append(seen[fp] > baseline.get(fp, 0))
    known = len(fps) - sum(new)
    fixed = sum(max(0, n - seen.get(fp, 0)) for fp, n in baseline.items())
    return Comparison(new, known, fixed)


def write_baseline(path: str | Path, frame, fps: list[str]) -> int:
    """Write the findings of ``frame`` as the baseline (sorted, one entry per fingerprint, with the
    rule, item, element and value a reviewer reads in the diff); returns the number of findings."""
    entries: dict[str, dict] = {}
    for fp, code, item, fld, value in zip(fps, frame["code"], frame["item"], frame["field"], frame["value"],
                                          strict=True):
        e = entries.get(fp)
        if e is None:
            entries[fp] = {"fingerprint": fp, "rule": str(code), "item": normalise_value(item) or None,
                           "element": normalise_value(fld) or None, "value": normalise_value(value) or None,
                           "count": 1}
        else:
            e["count"] += 1
    doc = {"tool": "sxcheck", "version": VERSION,
           "findings": sorted(entries.values(), key=lambda e: (e["rule"], e["item"] or "", e["fingerprint"]))}
    tmp = Path(str(path) + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    tmp.replace(path)
    return len(fps)

"""Header detection: find the header row among the first rows and map its labels to elements."""
from __future__ import annotations

from typing import Any

from validators.read.aliases import map_columns
from validators.read.base import HEADER_SCAN_ROWS, InputError
from validators.read.rules import COLUMN_UNKNOWN
from validators.report.findings import record


def pick_header(rows: list[list[Any]], source: str, sheet: str | None,
                profile: str = "guide") -> tuple[int, dict, list, list]:
    """Find the header among the first rows: the one naming the most known elements.

    Real exports often put a title ("灵山县政务服务事项实施清单") or notes above the header.
    """
    best = (-1, 0, None)
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        labels = ["" if v is None else str(v) for v in row]
        mapping, _u, _d = map_columns(labels, profile)
        if len(mapping) > best[1]:
            best = (i, len(mapping), labels)
    idx, count, labels = best
    if count < 2:
        raise InputError("no-element-columns", source, sheet=sheet or "")
    mapping, unknown, dups = map_columns(labels, profile)
    return idx, mapping, unknown, dups


def labels_problems(unknown: list[str], dups: list[tuple[str, str]]) -> list[dict]:
    out = [record(COLUMN_UNKNOWN, value=u, params={"column": u}) for u in unknown]
    out += [record(COLUMN_UNKNOWN, field=c, value=lbl, params={"column": lbl, "duplicate_of": c})
            for lbl, c in dups]
    return out


def unique_labels(labels: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, lbl in enumerate(labels):
        lbl = lbl if lbl.strip() else f"__col{i}"
        if lbl in seen:
            seen[lbl] += 1
            lbl = f"{lbl}__{seen[lbl]}"
        else:
            seen[lbl] = 0
        out.append(lbl)
    return out

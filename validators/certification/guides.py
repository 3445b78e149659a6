"""Guides and their material lists, gathered from any number of input tables.

A guide is a row with a 事项名称.  Its materials come from its own 申请材料 element (text, or a
channel JSON list the reader flattened) and from rows of a *materials table*: a sheet or file
whose rows carry a 实施编码 and materials but no 事项名称 (GB/T 39046 表4 材料 elements, or a
flattened export with one row per material).  Each material keeps the place it was read (file,
sheet, row), so a finding points at the cell a person has to fix.

Material cells repeat across guides, so each distinct cell is split and keyed once; only the
materials the checks care about (``wanted(key)``) become objects, which keeps a million-guide
export cheap.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from validators.certification.materials import material_key, split_materials
from validators.core.rows import Rows
from validators.read import open_tables


@dataclass
class Material:
    name: str           # as the guide writes it (numbering removed)
    key: str            # material_key(name)
    source: str
    sheet: str | None
    row: int


@dataclass
class Guide:
    item_name: str
    task_code: str | None
    source: str
    sheet: str | None
    row: int
    materials: list[Material] = field(default_factory=list)


@dataclass
class GuideSet:
    guides: list[Guide] = field(default_factory=list)    # guides with at least one wanted material
    orphans: list[tuple[str, Material]] = field(default_factory=list)  # (实施编码, material) with no guide
    guide_rows: int = 0
    materials: int = 0
    rows_read: int = 0
    material_rows: int = 0
    sources: list = field(default_factory=list)          # [table, rows read, blank rows]


@lru_cache(maxsize=200_000)
def parse_cell(text: str) -> tuple[tuple[str, str], ...]:
    """(name, key) of every material in one 申请材料 cell."""
    out = []
    for name in split_materials(text):
        key = material_key(name)
        if key:
            out.append((name, key))
    return tuple(out)


def collect(paths, *, sheet=None, encoding=None, tables=None,
            wanted: Callable[[str], bool] = lambda key: True) -> GuideSet:
    """Read every table of ``paths`` (or the given ``tables``) into guides with their wanted materials."""
    gs = GuideSet()
    pending: list[tuple[str, Material]] = []
    by_code: dict[str, list[tuple]] = {}       # 实施编码 → guide locations (for a materials table)
    if tables is None:
        tables = [t for p in paths for t in open_tables(p, sheet=sheet, encoding=encoding)]
    for table in tables:
        counts = [table, 0, 0]
        gs.sources.append(counts)
        if "materials" not in table.columns and "item_name" not in table.columns:
            continue
        src, sh = table.source, table.sheet
        for chunk in table.chunks():
            n = len(chunk)
            gs.rows_read += n
            counts[1] += n
            canon = [c for c in chunk.columns if c != "_row"]
            counts[2] += int(chunk[canon].isna().all(axis=1).sum()) if canon else n
            rows = Rows(chunk)
            names = rows.text("item_name").to_numpy(dtype=object, na_value=None) if rows.has("item_name") else [None] * n
            codes = rows.code("task_code").to_numpy(dtype=object, na_value=None) if rows.has("task_code") else [None] * n
            mats = rows.text("materials").to_numpy(dtype=object, na_value=None) if rows.has("materials") else [None] * n
            for name, code, text, row in zip(names, codes, mats, chunk["_row"].tolist(), strict=False):
                parsed = parse_cell(text) if isinstance(text, str) else ()
                gs.materials += len(parsed)
                keep = [Material(m, k, src, sh, row) for m, k in parsed if wanted(k)]
                code = code if isinstance(code, str) and code else None
                if isinstance(name, str) and name:
                    gs.guide_rows += 1
                    if keep:
                        gs.guides.append(Guide(name, code, src, sh, row, keep))
                    if code:
                        by_code.setdefault(code, []).append((name, src, sh, row))
                elif code and parsed:
                    gs.material_rows += 1
                    pending.extend((code, m) for m in keep)
    _attach(gs, pending, by_code)
    return gs


def _attach(gs: GuideSet, pending, by_code) -> None:
    """Materials of a materials table go to every guide with the same 实施编码."""
    made = {(g.source, g.sheet, g.row): g for g in gs.guides}
    for code, m in pending:
        targets = by_code.get(code)
        if not targets:
            gs.orphans.append((code, m))
            continue
        for name, src, sh, row in targets:
            g = made.get((src, sh, row))
            if g is None:
                g = made[(src, sh, row)] = Guide(name, code, src, sh, row)
                gs.guides.append(g)
            g.materials.append(m)

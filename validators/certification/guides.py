"""Guides and their material lists, gathered from any number of input tables.

A guide is a row with a 事项名称.  Its materials come from its own 申请材料 element (text, or a
channel JSON list the reader flattened) and from rows of a *materials table*: a sheet or file
whose rows carry a 实施编码 and one material each but no 事项名称 (GB/T 39046 表4 材料 elements,
or a flattened export with one row per material).  Each material keeps the place it was read
(file, sheet, row), so a finding points at the cell a person has to fix.
"""
from __future__ import annotations

from dataclasses import dataclass, field

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
    guides: list[Guide] = field(default_factory=list)
    orphans: list[tuple[str, Material]] = field(default_factory=list)  # (实施编码, material) with no guide
    rows_read: int = 0
    material_rows: int = 0
    sources: list = field(default_factory=list)          # (table, rows read, blank rows)


def _materials(text, source, sheet, row) -> list[Material]:
    out = []
    for name in split_materials(text):
        key = material_key(name)
        if key:
            out.append(Material(name, key, source, sheet, row))
    return out


def collect(paths, *, sheet=None, encoding=None, tables=None) -> GuideSet:
    """Read every table of ``paths`` (or the given ``tables``) into guides with materials."""
    gs = GuideSet()
    pending: list[tuple[str, Material]] = []
    if tables is None:
        tables = [t for p in paths for t in open_tables(p, sheet=sheet, encoding=encoding)]
    for table in tables:
        counts = [table, 0, 0]
        gs.sources.append(counts)
        if "materials" not in table.columns and "item_name" not in table.columns:
            continue
        for chunk in table.chunks():
            gs.rows_read += len(chunk)
            counts[1] += len(chunk)
            canon = [c for c in chunk.columns if c != "_row"]
            counts[2] += int(chunk[canon].isna().all(axis=1).sum()) if canon else len(chunk)
            rows = Rows(chunk)
            names = rows.text("item_name") if rows.has("item_name") else None
            codes = rows.code("task_code") if rows.has("task_code") else None
            mats = rows.text("materials") if rows.has("materials") else None
            rownums = chunk["_row"].to_numpy()
            last: dict[str, Guide] = {}
            for i in range(len(chunk)):
                name = names.iat[i] if names is not None else None
                code = codes.iat[i] if codes is not None else None
                code = code if isinstance(code, str) and code else None
                found = (_materials(mats.iat[i], table.source, table.sheet, int(rownums[i]))
                         if mats is not None else [])
                if isinstance(name, str) and name:
                    g = Guide(name, code, table.source, table.sheet, int(rownums[i]), found)
                    gs.guides.append(g)
                    if code:
                        last[code] = g
                elif code and found:
                    gs.material_rows += 1
                    pending.extend((code, m) for m in found)
    by_code: dict[str, list[Guide]] = {}
    for g in gs.guides:
        if g.task_code:
            by_code.setdefault(g.task_code, []).append(g)
    for code, m in pending:
        targets = by_code.get(code)
        if not targets:
            gs.orphans.append((code, m))
            continue
        for g in targets:
            g.materials.append(m)
    return gs

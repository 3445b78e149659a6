"""Excel reader (XLSX/XLSM/XLS/ODS through calamine): every sheet with element columns, values as text.

Merged cells: Excel keeps a merged block's value only in its top-left cell, so a 实施主体 merged over
five rows would read as four empty cells.  Vertical merges below the header are filled with the
block's value on every row, and each block becomes one ``merged-cells-filled`` reading note.
"""
from __future__ import annotations

import os
import re
from typing import Any, Iterator

from validators.read.base import CHUNK_ROWS, InputError, Table
from validators.read.header import labels_problems, pick_header
from validators.read.rules import MERGED_CELLS_FILLED, SHEET_SKIPPED
from validators.report.findings import record


def cell_text(v: Any) -> Any:
    import datetime as dt

    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        if v.is_integer() and abs(v) >= 1e15:
            # Excel keeps 15 significant digits: show the number as Excel does (914403001922038000),
            # not the float's binary tail (…016), so the damage is recognisable as such
            from decimal import Decimal

            return str(int(Decimal(f"{v:.15g}")))
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def open_excel(path: str, sheet: str | None, profile: str = "guide", real_path: str | None = None) -> list[Table]:
    from validators.read.archive import check_archive
    from validators.read.limits import current

    real_path = real_path or path
    check_archive(real_path, current(), path)  # before calamine allocates anything
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(real_path)
        names = list(wb.sheet_names)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise InputError("corrupt-excel", path, detail=str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__) from exc
    if sheet is not None:
        if sheet not in names:
            raise InputError("sheet-not-found", path, sheet=sheet, sheets="、".join(names))
        names = [sheet]
    tables: list[Table] = []
    skipped: list[str] = []
    for name in names:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InputError("corrupt-excel", path, detail=f"{name}: {exc}"[:200]) from exc
        while rows and all(v is None or v == "" for v in rows[-1]):
            rows.pop()  # formatted but empty rows below the data are not rows of the export
        if not rows:
            skipped.append(name)
            continue
        try:
            idx, mapping, unknown, dups = pick_header(rows, path, name, profile)
        except InputError:
            if sheet is not None:
                raise
            skipped.append(name)
            continue
        labels = [("" if v is None else str(v)) for v in rows[idx]]
        problems = labels_problems(unknown, dups)
        field_at = {labels.index(lbl): canon for canon, lbl in mapping.items()}
        problems += fill_merged(rows, merged_ranges(wb, name, real_path), idx, field_at)
        t = Table(path, name, mapping, unknown, idx + 1, _excel_chunks,
                  problems=problems, size_bytes=os.path.getsize(real_path))
        t.state = {"rows": rows, "labels": labels, "start": idx + 1}
        tables.append(t)
    if not tables:
        raise InputError("no-element-columns", path, sheet="、".join(skipped))
    for name in skipped:
        tables[0].problems.append(record(SHEET_SKIPPED, sheet=name, value=name, params={"sheet": name}))
    return tables


def merged_ranges(wb, name: str, path: str) -> list[tuple[int, int, int, int]]:
    """Merged blocks of a sheet as 0-based ``(row0, col0, row1, col1)``, inclusive.

    python-calamine reports them for XLSX; older versions do not, and then the sheet XML's
    ``<mergeCells>`` is read from the zip with the standard library.
    """
    try:
        found = wb.get_sheet_by_name(name).merged_cell_ranges
    except AttributeError:
        found = None
    except Exception:  # noqa: BLE001 - calamine's own error types; merges are a courtesy, never fatal
        return []
    if found is not None:
        return [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in found]
    return _xlsx_merges(path, name)


_REF = re.compile(r"([A-Z]+)(\d+)")


def _cell_index(ref: str) -> tuple[int, int]:
    letters, digits = _REF.fullmatch(ref).groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits) - 1, col - 1


def _xlsx_merges(path: str, name: str) -> list[tuple[int, int, int, int]]:
    import xml.etree.ElementTree as ET
    import zipfile

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    try:
        with zipfile.ZipFile(path) as zf:
            book = ET.fromstring(zf.read("xl/workbook.xml"))
            rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
            rid = next(s.get(f"{{{ns['r']}}}id") for s in book.iter(f"{{{ns['m']}}}sheet") if s.get("name") == name)
            target = next(r.get("Target") for r in rels if r.get("Id") == rid)
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            out, tail = [], b""
            with zf.open(member) as fh:  # <mergeCells> follows the sheet data: stream, never load
                while chunk := fh.read(1 << 20):
                    text = tail + chunk
                    for a, b in re.findall(rb'<mergeCell ref="([A-Z]+\d+):([A-Z]+\d+)"', text):
                        (r0, c0), (r1, c1) = _cell_index(a.decode()), _cell_index(b.decode())
                        out.append((r0, c0, r1, c1))
                    cut = text.rfind(b"<")
                    tail = text[cut:] if cut >= 0 and b">" not in text[cut:] else b""
            return sorted(set(out))
    except (KeyError, StopIteration, zipfile.BadZipFile, ET.ParseError, OSError):
        return []


def _column_letters(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def fill_merged(rows: list, ranges, header: int, field_at: dict[int, str]) -> list[dict]:
    """Copy each vertical merged block's value down its first column, below the header row.

    Only blocks in an element column are filled (a merged title or note is no data); one
    reading note (a :func:`record`) per block names the range and the number of rows it covers.
    """
    problems = []
    for r0, c0, r1, c1 in ranges:
        r1 = min(r1, len(rows) - 1)
        if r0 <= header or r1 <= r0 or c0 not in field_at:
            continue
        top = rows[r0]
        value = top[c0] if c0 < len(top) else None
        if value is None or value == "":
            continue
        for r in range(r0 + 1, r1 + 1):
            row = rows[r]
            if not isinstance(row, list):
                row = rows[r] = list(row)
            if len(row) <= c0:
                row.extend([None] * (c0 + 1 - len(row)))
            row[c0] = value
        ref = f"{_column_letters(c0)}{r0 + 1}:{_column_letters(c1)}{r1 + 1}"
        problems.append(record(MERGED_CELLS_FILLED, row=r0 + 1, field=field_at[c0],
                                value=cell_text(value), params={"range": ref, "rows": r1 - r0 + 1}))
    return problems


def _excel_chunks(table: Table) -> Iterator[Any]:
    import numpy as np
    import pandas as pd

    cfg = table.state
    rows, labels, start = cfg["rows"], cfg["labels"], cfg["start"]
    pos = [labels.index(lbl) for lbl in table.columns.values()]
    names = list(table.columns.keys())
    width = len(labels)
    for lo in range(start, len(rows), CHUNK_ROWS):
        part = rows[lo: lo + CHUNK_ROWS]
        data = []
        for r in part:
            r = list(r) + [None] * (width - len(r))
            data.append([cell_text(r[p]) for p in pos])
        frame = pd.DataFrame(data, columns=names, dtype="str")
        frame["_row"] = np.arange(lo + 1, lo + 1 + len(part), dtype=np.int64)
        yield frame

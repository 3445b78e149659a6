"""Excel reader (XLSX/XLSM/XLS/ODS through calamine): every sheet with element columns, values as text.

Merged cells: Excel keeps a merged block's value only in its top-left cell, so a 实施主体 merged over
five rows would read as four empty cells.  Vertical merges below the header are filled with the
block's value on every row, and each block becomes one ``merged-cells-filled`` reading note.

A sheet is parsed once by calamine and held as its compact range; rows become Python objects only
while they pass: one survey at opening (header rows, last non-empty row, merged blocks' values),
then a few thousand at a time in ``chunks()``, turned into Arrow text columns.  A sheet without
merged blocks skips the survey: ``chunks()`` drops the empty rows after the last non-empty one.
"""
from __future__ import annotations

import os
import re
from typing import Any, Iterator

from validators.read.base import CHUNK_ROWS, HEADER_SCAN_ROWS, InputError, Table
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
            ws = wb.get_sheet_by_name(name)
            height, head, tops = _survey(ws, merges := merged_ranges(ws, name, real_path))
        except Exception as exc:
            raise InputError("corrupt-excel", path, detail=f"{name}: {exc}"[:200]) from exc
        if height == 0:
            skipped.append(name)
            continue
        try:
            idx, mapping, unknown, dups = pick_header(head, path, name, profile)
        except InputError:
            if sheet is not None:
                raise
            skipped.append(name)
            continue
        labels = [("" if v is None else str(v)) for v in head[idx]]
        problems = labels_problems(unknown, dups)
        field_at = {labels.index(lbl): canon for canon, lbl in mapping.items()}
        fills, notes = merged_fills(merges, height, idx, field_at, tops)
        t = Table(path, name, mapping, unknown, idx + 1, _excel_chunks,
                  problems=problems + notes, size_bytes=os.path.getsize(real_path))
        t.state = {"sheet": ws, "height": height, "fills": fills, "labels": labels, "start": idx + 1}
        tables.append(t)
    if not tables:
        raise InputError("no-element-columns", path, sheet="、".join(skipped))
    for name in skipped:
        tables[0].problems.append(record(SHEET_SKIPPED, sheet=name, value=name, params={"sheet": name}))
    return tables


def sheet_rows(ws) -> Iterator[list]:
    """The rows of a calamine sheet from A1, as ``to_python(skip_empty_area=False)`` gives them,
    one list at a time (calamine pads the rows above the used area but not the columns left of it)."""
    left = ws.start[1] if ws.start else 0
    if not left:
        yield from ws.iter_rows()
        return
    pad = [""] * left
    for row in ws.iter_rows():
        yield pad + row


def _empty(row: list) -> bool:
    return row.count("") + row.count(None) == len(row)


def _survey(ws, merges) -> tuple[int | None, list, dict]:
    """One pass over a sheet without keeping it: (rows up to the last non-empty one, the first
    rows where the header is looked for, the top-left value of each merged block).

    A sheet without merged blocks whose header rows are all there needs no pass: its height is
    None, and ``chunks()`` stops at the last non-empty row as the rows pass."""
    from itertools import islice

    if not merges:
        head = list(islice(sheet_rows(ws), HEADER_SCAN_ROWS))
        if len(head) == HEADER_SCAN_ROWS and not _empty(head[-1]):
            return None, head, {}
    want = {(r0, c0) for r0, c0, _r1, _c1 in merges}
    want_rows = {r for r, _c in want}
    head: list = []
    tops: dict = {}
    height = 0
    for i, row in enumerate(sheet_rows(ws)):
        if i < HEADER_SCAN_ROWS:
            head.append(row)
        if not _empty(row):
            height = i + 1
        if i in want_rows:
            tops.update({(i, c): row[c] if c < len(row) else None for r, c in want if r == i})
    return height, head[:height], tops


def merged_ranges(ws, name: str, path: str) -> list[tuple[int, int, int, int]]:
    """Merged blocks of a sheet (a calamine sheet) as 0-based ``(row0, col0, row1, col1)``, inclusive.

    python-calamine reports them for XLSX; older versions do not, and then the sheet XML's
    ``<mergeCells>`` is read from the zip with the standard library.
    """
    try:
        found = ws.merged_cell_ranges
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


def merged_fills(ranges, height: int, header: int, field_at: dict[int, str],
                 tops: dict) -> tuple[list[tuple[int, int, int, Any]], list[dict]]:
    """Which cells each vertical merged block fills, and one reading note per block.

    A block's value (``tops[(row0, col0)]``) is copied down its first column, below the header
    row, over the sheet's ``height`` rows: ``(first row, last row, column, value)``, 0-based.  Only
    blocks in an element column are filled (a merged title or note is no data); the note (a
    :func:`record`) names the range and the number of rows it covers.
    """
    from xlsxwriter.utility import xl_range

    fills, problems = [], []
    for r0, c0, r1, c1 in ranges:
        r1 = min(r1, height - 1)
        if r0 <= header or r1 <= r0 or c0 not in field_at:
            continue
        value = tops.get((r0, c0))
        if value is None or value == "":
            continue
        fills.append((r0 + 1, r1, c0, value))
        ref = xl_range(r0, c0, r1, c1)
        problems.append(record(MERGED_CELLS_FILLED, row=r0 + 1, field=field_at[c0],
                                value=cell_text(value), params={"range": ref, "rows": r1 - r0 + 1}))
    return fills, problems


def _excel_chunks(table: Table) -> Iterator[Any]:
    """Frames of CHUNK_ROWS rows below the header: from the calamine sheet (``state["sheet"]``,
    merged blocks filled as the rows pass) or from a list of rows (``state["rows"]``, HTML)."""
    from itertools import islice

    from validators.read.frames import SLICE_ROWS, TextFrames, texts

    cfg = table.state
    labels, start = cfg["labels"], cfg["start"]
    pos = [labels.index(lbl) for lbl in table.columns.values()]
    names = list(table.columns.keys())
    width = len(labels)
    if "sheet" in cfg:
        height, fills = cfg["height"], cfg["fills"]
        source = islice(sheet_rows(cfg["sheet"]), start, height)   # height None: every row
    else:
        height, fills = len(cfg["rows"]), []
        source = iter(cfg["rows"][start:])
    if height is None:
        source = _up_to_last_filled(source)
    at = start
    while True:
        frames = TextFrames(names)
        while len(frames) < CHUNK_ROWS:
            part = list(islice(source, min(SLICE_ROWS, CHUNK_ROWS - len(frames))))
            if not part:
                break
            for f0, f1, col, value in fills:
                for r in range(max(f0, at), min(f1, at + len(part) - 1) + 1):
                    row = part[r - at]
                    if len(row) <= col:
                        row = part[r - at] = list(row) + [None] * (col + 1 - len(row))
                    row[col] = value
            if any(len(r) < width for r in part):
                part = [list(r) + [None] * (width - len(r)) for r in part]
            frames.add({n: texts([r[p] for r in part], cell_text) for n, p in zip(names, pos, strict=True)},
                       range(at + 1, at + 1 + len(part)))
            at += len(part)
        if not len(frames):
            return
        yield frames.frame()
        if len(frames) < CHUNK_ROWS:
            return


def _up_to_last_filled(rows: Iterator[list]) -> Iterator[list]:
    """``rows`` without the empty ones after the last non-empty row (a run of empty rows is held
    until a non-empty row follows it)."""
    held: list = []
    for row in rows:
        if not any(row) and _empty(row):   # a truthy cell is never empty: one test for most rows
            held.append(row)
            continue
        if held:
            yield from held
            held = []
        yield row

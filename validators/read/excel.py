"""Excel reader (XLSX/XLSM streamed by ``xlsxsheet``; XLS/ODS and what the scanner does not read
through calamine): every sheet with element columns, values as text.

An XLSX sheet is scanned block by block (:mod:`validators.read.xlsxsheet`): the first rows give
the header, a pass to the end of the sheet XML finds ``<mergeCells>``, and ``chunks()`` turns the
scanned cells into frames of CHUNK_ROWS rows, dropping the empty rows after the last non-empty one.
A sheet with merged blocks to fill below the header, a date-styled number or XML the scanner does
not recognise is read by calamine from the first row not yet yielded, so both paths give the same
frames.

Merged cells: Excel keeps a merged block's value only in its top-left cell, so a 实施主体 merged over
five rows would read as four empty cells.  Vertical merges below the header are filled with the
block's value on every row, and each block becomes one ``merged-cells-filled`` reading note.

Through calamine a sheet is parsed once and held as its compact range; rows become Python objects
only while they pass: one survey at opening (header rows, last non-empty row, merged blocks'
values), then a few thousand at a time in ``chunks()``, turned into Arrow text columns.
"""
from __future__ import annotations

import os
from typing import Any, Iterator

from validators.read.base import CHUNK_ROWS, HEADER_SCAN_ROWS, InputError, Table, read_ahead
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
    real_path = real_path or path
    if real_path.lower().endswith((".xlsx", ".xlsm")) or path.lower().endswith((".xlsx", ".xlsm")):
        tables = _open_streaming(path, sheet, profile, real_path)
        if tables is not None:
            return tables
    return _open_calamine(path, sheet, profile, real_path)


class _Lazy:
    """The calamine workbook, opened when a sheet first needs it (after the guard has read that sheet)."""

    def __init__(self, path: str, real_path: str):
        self.path, self.real_path, self.wb = path, real_path, None

    def sheet(self, name: str, member: str | None):
        from validators.read.archive import check_archive
        from validators.read.limits import current

        check_archive(self.real_path, current(), self.path, sheets=None if member is None else (member,))
        try:
            if self.wb is None:
                from python_calamine import CalamineWorkbook

                self.wb = CalamineWorkbook.from_path(self.real_path)
            return self.wb.get_sheet_by_name(name)
        except Exception as exc:  # calamine raises its own error types for corrupt files
            raise InputError("corrupt-excel", self.path, detail=f"{name}: {exc}"[:200]) from exc


def _open_streaming(path: str, sheet: str | None, profile: str, real_path: str) -> list[Table] | None:
    """The tables of an XLSX whose sheets the streaming scanner reads (``xlsxsheet``); a sheet it
    does not read exactly (merged blocks below the header, dates, odd XML) is read by calamine.
    None when the workbook's structure itself is not what the scanner expects."""
    import zipfile
    import xml.etree.ElementTree as ET

    from validators.read.archive import check_archive
    from validators.read.limits import current
    from validators.read.xlsxsheet import Book, Irregular

    opts = current()
    check_archive(real_path, opts, path, sheets=())   # part sizes and ratios; the cells as they stream
    try:
        book = Book(real_path)
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError, ValueError):
        return None
    names = list(book.sheets)
    if not names or any(n is None for n in names):
        return None
    if sheet is not None:
        if sheet not in names:
            raise InputError("sheet-not-found", path, sheet=sheet, sheets="、".join(names))
        names = [sheet]
    lazy = _Lazy(path, real_path)
    tables: list[Table] = []
    skipped: list[str] = []
    for name in names:
        member = book.sheets[name]
        table = None
        if member is not None:
            try:
                table = _stream_table(book, member, path, name, profile, real_path, opts, lazy)
            except Irregular:
                table = None
        if table is None:
            table = _calamine_table(lazy.sheet(name, member), path, name, sheet, profile, real_path)
        if table is _SKIP and sheet is not None:
            raise InputError("no-element-columns", path, sheet=name)
        if table is _SKIP:
            skipped.append(name)
        else:
            tables.append(table)
    return _finish(tables, skipped, path)


_SKIP = object()


def _finish(tables: list[Table], skipped: list[str], path: str) -> list[Table]:
    if not tables:
        raise InputError("no-element-columns", path, sheet="、".join(skipped))
    for name in skipped:
        tables[0].problems.append(record(SHEET_SKIPPED, sheet=name, value=name, params={"sheet": name}))
    return tables


def _stream_table(book, member: str, path: str, name: str, profile: str, real_path: str, opts, lazy):
    """A streamed sheet's Table (``_SKIP`` when it has no element columns); raises ``Irregular``
    when calamine must read it."""
    from validators.read.xlsxsheet import SheetScanner, merge_refs

    scanner = SheetScanner(book, member, path, opts)
    scanner.want_raw = True
    head_cells = []
    for part in scanner.blocks():
        got = scanner.scan(part)
        head_cells.append(got)
        if scanner.max_row > HEADER_SCAN_ROWS:
            break
    width = max((int(g.cols.max()) + 1 for g in head_cells if len(g.cols)), default=0)
    head = [[""] * width for _ in range(HEADER_SCAN_ROWS)]
    filled = False
    for g in head_cells:
        texts = g.text.to_pylist()
        for i, (r, c) in enumerate(zip(g.rows.tolist(), g.cols.tolist(), strict=True)):
            if r <= HEADER_SCAN_ROWS:
                head[r - 1][c] = g.raw.get(i, texts[i])
                filled = True
    while head and not any(v != "" for v in head[-1]):
        head.pop()
    if not filled:
        return _SKIP    # no text in the first rows: pick_header would find no header either
    try:
        idx, mapping, unknown, dups = pick_header(head, path, name, profile)
    except InputError:
        return _SKIP
    labels = [("" if v is None else str(v)) for v in head[idx]]
    field_at = {labels.index(lbl): canon for canon, lbl in mapping.items()}
    problems = labels_problems(unknown, dups)
    t = Table(path, name, mapping, unknown, idx + 1, _stream_chunks,
              problems=problems, size_bytes=os.path.getsize(real_path))
    # <mergeCells> follows the sheet data: found by a pass of its own in a thread, while the first
    # chunk is scanned; the chunks wait for it before the first one is yielded
    merges = _background(merge_refs, book, member, path, opts.max_uncompressed_bytes)
    t.state = {"book": book, "member": member, "labels": labels, "start": idx + 1, "lazy": lazy, "name": name,
               "merges": merges, "field_at": field_at, "notes_at": len(problems)}
    return t


def _background(fn, *args):
    """Run ``fn(*args)`` in a thread (with this run's read limits); the returned callable waits for
    it and gives its result or raises its exception."""
    import contextvars
    import threading

    box: dict = {}

    def run():
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - raised in the caller, by result()
            box["error"] = exc

    worker = threading.Thread(target=contextvars.copy_context().run, args=(run,), name="sxcheck-xlsx-merges",
                              daemon=True)
    worker.start()

    def result():
        worker.join()
        if "error" in box:
            raise box["error"]
        return box["value"]

    return result


def _calamine_table(ws, path: str, name: str, sheet: str | None, profile: str, real_path: str):
    """One sheet read by calamine: its Table, or ``_SKIP``."""
    try:
        height, head, tops = _survey(ws, merges := merged_ranges(ws))
    except Exception as exc:
        raise InputError("corrupt-excel", path, detail=f"{name}: {exc}"[:200]) from exc
    if height == 0:
        return _SKIP
    try:
        idx, mapping, unknown, dups = pick_header(head, path, name, profile)
    except InputError:
        if sheet is not None:
            raise
        return _SKIP
    labels = [("" if v is None else str(v)) for v in head[idx]]
    problems = labels_problems(unknown, dups)
    field_at = {labels.index(lbl): canon for canon, lbl in mapping.items()}
    fills, notes = merged_fills(merges, height, idx, field_at, tops)
    t = Table(path, name, mapping, unknown, idx + 1, _excel_chunks,
              problems=problems + notes, size_bytes=os.path.getsize(real_path))
    t.state = {"sheet": ws, "height": height, "fills": fills, "labels": labels, "start": idx + 1}
    return t


def _open_calamine(path: str, sheet: str | None, profile: str, real_path: str) -> list[Table]:
    from validators.read.archive import check_archive
    from validators.read.limits import current

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
        except Exception as exc:
            raise InputError("corrupt-excel", path, detail=f"{name}: {exc}"[:200]) from exc
        t = _calamine_table(ws, path, name, sheet, profile, real_path)
        if t is _SKIP:
            skipped.append(name)
        else:
            tables.append(t)
    return _finish(tables, skipped, path)


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


def merged_ranges(ws) -> list[tuple[int, int, int, int]]:
    """Merged blocks of a sheet (a calamine sheet) as 0-based ``(row0, col0, row1, col1)``, inclusive.

    python-calamine reports them for XLSX (and, in recent versions, XLS); where it reports none
    (an ODS sheet) there are none to fill.
    """
    try:
        found = ws.merged_cell_ranges
    except Exception:  # noqa: BLE001 - calamine's own error types; merges are a courtesy, never fatal
        return []
    return [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in found or ()]


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

    cfg = table.state
    start = cfg["start"]
    if "sheet" in cfg:
        height, fills = cfg["height"], cfg["fills"]
        source = islice(sheet_rows(cfg["sheet"]), start, height)   # height None: every row
    else:
        height, fills = len(cfg["rows"]), []
        source = iter(cfg["rows"][start:])
    if height is None:
        source = _up_to_last_filled(source)
    yield from _row_frames(table, source, start, fills)


def _row_frames(table: Table, source: Iterator[list], at: int, fills: list) -> Iterator[Any]:
    """Frames of CHUNK_ROWS rows from ``source``, whose first row has the 0-based index ``at``."""
    from itertools import islice

    from validators.read.frames import SLICE_ROWS, TextFrames, texts

    labels = table.state["labels"]
    pos = [labels.index(lbl) for lbl in table.columns.values()]
    names = list(table.columns.keys())
    width = len(labels)
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


def _stream_chunks(table: Table) -> Iterator[Any]:
    """Frames of CHUNK_ROWS rows below the header from the streaming scanner: a chunk is built
    once a non-empty row beyond it has been scanned (or the sheet ends: the last chunk stops at the
    last non-empty row).  XML the scanner does not read hands the rest of the sheet, from the
    first row not yet yielded, to calamine."""
    from itertools import islice

    import numpy as np
    import pyarrow as pa

    from validators.read.frames import TextFrames
    from validators.read.limits import current
    from validators.read.xlsxsheet import Irregular, SheetScanner

    cfg = table.state
    labels = cfg["labels"]
    names = list(table.columns.keys())
    pos = [labels.index(lbl) for lbl in table.columns.values()]
    slot_of = np.full(max(pos) + 1, -1, dtype=np.int64)
    slot_of[pos] = np.arange(len(pos))
    at = cfg["start"] + 1                       # next sheet row to yield
    scanner = SheetScanner(cfg["book"], cfg["member"], table.source, current())
    pending: list = []                          # (rows, element slots, text) of scanned blocks
    merges_checked = False
    last = 0                                    # last non-empty row seen (any column)

    def frame(stop: int):
        """The frame of rows [at, stop): one take per scanned block (its rows are a few megabytes
        of text: a take over the whole chunk column by column jumps through all of it)."""
        nonlocal pending
        k = len(names)
        tiles, widths, keep = [], [], []
        cursor = at
        for r, c, t in pending:
            index = None
            if r.size and int(r.max()) >= stop:
                rest = np.flatnonzero(r >= stop)
                keep.append((r[rest], c[rest], t.take(pa.array(rest))))
                index = np.flatnonzero(r < stop)
                r, c = r[index], c[index]
            if not r.size:
                continue
            hi = int(r.max()) + 1
            grid = np.full((k, hi - cursor), -1, dtype=np.int64)
            grid[c, r - cursor] = index if index is not None else np.arange(r.size)
            flat = grid.ravel()
            tiles.append(t.take(pa.array(flat, mask=flat < 0)))
            widths.append(hi - cursor)
            cursor = hi
        if cursor < stop:
            tiles.append(pa.nulls(k * (stop - cursor), pa.large_string()))
            widths.append(stop - cursor)
        # each column a chunked array of its slices of the tiles: no copy into one buffer
        frames = TextFrames(names)
        first = at
        for tl, w in zip(tiles, widths, strict=True):
            frames.add({nm: tl.slice(j * w, w) for j, nm in enumerate(names)}, range(first, first + w))
            first += w
        pending = keep
        return frames.frame()

    try:
        # the next block is inflated in a thread while two are scanned on two more (ISA-L and
        # numpy release the GIL)
        for got in scanner.scan_all(read_ahead(scanner.blocks())):
            if len(got.rows):
                last = max(last, int(got.rows.max()))
            c = got.cols
            slot = np.full(len(c), -1, dtype=np.int64)
            inside = c < len(slot_of)
            slot[inside] = slot_of[c[inside]]
            keep = (got.rows >= at) & (slot >= 0)
            if keep.any():
                if keep.all():
                    pending.append((got.rows, slot, got.text))
                else:
                    idx = np.flatnonzero(keep)
                    pending.append((got.rows[idx], slot[idx], got.text.take(pa.array(idx))))
            while last >= at + CHUNK_ROWS:
                if not merges_checked:
                    merges_checked = _merges_to_fill(table)
                held = [frame(at + CHUNK_ROWS) if pending else _empty_frame(names, at, at + CHUNK_ROWS)]
                at += CHUNK_ROWS
                yield held.pop()    # not kept here while the checks work on it
        if not merges_checked:
            merges_checked = _merges_to_fill(table)
    except Irregular:
        ws = cfg["lazy"].sheet(cfg["name"], cfg["member"])
        source = _up_to_last_filled(islice(sheet_rows(ws), at - 1, None))
        yield from _row_frames(table, source, at - 1, [])
        return
    except _Merged as merged:
        yield from _merged_frames(table, merged.ws)
        return
    if last >= at:
        yield frame(last + 1) if pending else _empty_frame(names, at, last + 1)


class _Merged(Exception):
    """The sheet has merged blocks to fill below the header: calamine reads it (``ws``)."""

    def __init__(self, ws):
        super().__init__("merged")
        self.ws = ws


def _merges_to_fill(table: Table) -> bool:
    """Wait for the merged blocks of a streamed sheet; raise :class:`_Merged` when one is to be
    filled (below the header, in an element column), so that calamine reads the sheet."""
    from validators.read.xlsxsheet import Irregular

    cfg = table.state
    try:
        merges = cfg["merges"]()
    except Irregular:          # <mergeCells> not where they were looked for: calamine finds them
        merges = None
    start, field_at = cfg["start"], cfg["field_at"]
    if merges is None or any(r0 >= start and r1 > r0 and c0 in field_at for r0, c0, r1, _c1 in merges):
        raise _Merged(cfg["lazy"].sheet(cfg["name"], cfg["member"]))
    return True


def _merged_frames(table: Table, ws) -> Iterator[Any]:
    """The sheet read by calamine from its first data row, merged blocks filled, their notes
    added to the table's problems where the calamine path puts them (after the header's)."""
    from itertools import islice

    cfg = table.state
    start = cfg["start"]
    try:
        height, _head, tops = _survey(ws, merges := merged_ranges(ws))
    except Exception as exc:
        raise InputError("corrupt-excel", table.source, detail=f"{cfg['name']}: {exc}"[:200]) from exc
    fills, notes = merged_fills(merges, height, start - 1, cfg["field_at"], tops)
    table.problems[cfg["notes_at"]:cfg["notes_at"]] = notes
    source = islice(sheet_rows(ws), start, height)
    if height is None:
        source = _up_to_last_filled(source)
    yield from _row_frames(table, source, start, fills)


def _empty_frame(names: list[str], start: int, stop: int):
    import pyarrow as pa

    from validators.read.frames import TextFrames

    frames = TextFrames(names)
    frames.add({n: pa.nulls(stop - start, pa.large_string()) for n in names}, range(start, stop))
    return frames.frame()


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

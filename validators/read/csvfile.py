"""CSV reader: encoding detection (UTF-8, BOM, GBK/GB18030), streaming pyarrow parse, exact fallback for ragged rows."""
from __future__ import annotations

import codecs
import csv
import io
import os
import sys
from typing import Any, Iterator

from validators.read.base import (
    BLOCK_SIZE,
    CHUNK_ROWS,
    HEAD_BYTES,
    HEADER_SCAN_ROWS,
    InputError,
    Table,
)
from validators.read.header import labels_problems, pick_header, unique_labels
from validators.read.limits import current
from validators.read.rules import ROW_MALFORMED
from validators.report.findings import record


def detect_encoding(path: str, head: bytes | None = None) -> str:
    """BOM → utf-8-sig; valid UTF-8 in the first MiB → utf-8; otherwise gb18030 (⊇ GBK).

    A head that is clearly UTF-8 (Chinese text decoded as UTF-8) up to one bad byte stays UTF-8:
    the bad byte is then reported where it is, not blamed on GB18030.
    """
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError as exc:
        if _mostly_utf8(head[:exc.start]):
            return "utf-8"
        return "gb18030"


def _mostly_utf8(prefix: bytes) -> bool:
    """At least a few multi-byte UTF-8 characters: GBK text almost never decodes that far."""
    text = prefix.decode("utf-8", errors="ignore")
    return sum(1 for ch in text if ord(ch) > 0x7F) >= 4


def locate_bad_bytes(path: str, enc: str) -> tuple[int | str, int | str]:
    """Byte offset and (text) line of the first byte ``enc`` cannot decode; ("?", "?") if none."""
    dec = codecs.getincrementaldecoder(enc)(errors="strict")
    offset = 0
    lines = 1
    try:
        with open(path, "rb") as fh:
            while True:
                block = fh.read(1 << 20)
                try:
                    held = len(dec.getstate()[0])  # bytes of a character cut by the last block
                except (AttributeError, TypeError):
                    held = 0
                try:
                    dec.decode(block, final=not block)
                except UnicodeDecodeError as exc:
                    start = exc.start - held
                    lines += block[:max(start, 0)].count(b"\n")
                    return offset + start, lines
                if not block:
                    return "?", "?"
                lines += block.count(b"\n")
                offset += len(block)
    except OSError:
        return "?", "?"


def normalise_encoding(enc: str) -> str:
    e = enc.lower().replace("_", "-")
    if e in ("gbk", "gb2312", "cp936", "gb-2312"):
        return "gb18030"  # a superset: never fails where GBK would succeed
    try:
        return codecs.lookup(e).name
    except LookupError:
        raise


DELIMITERS = (",", "\t", ";", "|")


def _sample(text: str, delim: str) -> list[list[str]]:
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            rows.append(row)
            if len(rows) >= HEADER_SCAN_ROWS:
                break
    except csv.Error:
        pass
    return rows


def _sniff_delimiter(text: str) -> str:
    """The delimiter whose parse of the first rows gives the best header and the steadiest width.

    Looking past line 1 matters: a title row ("灵山县, 2024年") can hold commas in a TSV.
    """
    best, best_key = ",", (-1, -1)
    for delim in DELIMITERS:
        rows = _sample(text, delim)
        if not rows:
            continue
        try:
            _i, mapping, _u, _d = pick_header(rows, "", None)
            named = len(mapping)
        except InputError:
            named = 0
        widths = [len(r) for r in rows if len(r) > 1]
        steady = max((widths.count(w) for w in set(widths)), default=0)
        key = (named, steady)
        if key > best_key:
            best, best_key = delim, key
    return best


def _cell_limit() -> int:
    limit = current().max_cell_kb * 1024
    csv.field_size_limit(limit)  # the module default (128 KiB) refuses real long 受理条件 cells
    return limit


def open_csv(path: str, encoding: str | None, profile: str = "guide", real_path: str | None = None) -> Table:
    real_path = real_path or path
    _cell_limit()
    try:
        with open(real_path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError("unreadable", path, detail=exc.strerror or str(exc)) from exc
    if not head.strip():
        raise InputError("empty-file", path)
    if encoding:
        try:
            enc = normalise_encoding(encoding)
        except LookupError:
            raise InputError("unknown-encoding", path, encoding=encoding) from None
    else:
        enc = detect_encoding(real_path, head)
    try:
        text = codecs.getincrementaldecoder(enc)(errors="strict").decode(head, final=False)
    except UnicodeDecodeError:
        offset, line = locate_bad_bytes(real_path, enc)
        raise InputError("bad-encoding", path, encoding=enc, offset=offset, line=line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    delim = _sniff_delimiter(text)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        sample_rows = []
        line_after = []   # physical lines consumed after each record (quoted newlines included)
        for row in reader:
            sample_rows.append(row)
            line_after.append(reader.line_num)
            if len(sample_rows) >= HEADER_SCAN_ROWS:
                break
    except csv.Error as exc:
        raise InputError("unreadable", path, detail=str(exc)) from exc
    idx, mapping, unknown, dups = pick_header(sample_rows, path, None, profile)
    labels = unique_labels([str(v) for v in sample_rows[idx]])
    table = Table(path, None, mapping, unknown, idx + 1, _csv_chunks,
                  problems=labels_problems(unknown, dups), size_bytes=os.path.getsize(real_path))
    # pyarrow skips physical lines, the row numbers people see count records
    table.state = {"encoding": enc, "delimiter": delim, "labels": labels, "skip": idx + 1,
                   "skip_lines": line_after[idx], "path": real_path}
    return table


class _Ragged(Exception):
    """pyarrow cannot go on (a ragged row, a cell larger than its block): args[0] records done."""


class _Straddle(_Ragged):
    """A row longer than pyarrow's block: args[0] records done."""


# a row longer than BLOCK_SIZE is read again by pyarrow with blocks this large (32 of them may
# be queued: 128 MB), past that by the exact reader
_LARGEST_BLOCK = 4 << 20


def _csv_chunks(table: Table) -> Iterator[Any]:
    """Stream with pyarrow; a row longer than its block: again from that row with larger blocks;
    on a ragged row or a cell larger than the largest block go on with the exact Python reader."""
    block, done = BLOCK_SIZE, 0
    while True:
        try:
            yield from _csv_chunks_arrow(table, block, done)
            return
        except _Straddle as exc:
            done = exc.args[0]
            if block >= _LARGEST_BLOCK:
                break
            block = min(4 * block, _LARGEST_BLOCK)
        except _Ragged as exc:
            done = exc.args[0]
            break
    yield from _csv_chunks_python(table, start_record=done)


def _canonical_frame(frame, table: Table, first_row: int):
    """Rename to canonical names and add ``_row`` (the first column of a label wins)."""
    import numpy as np

    out = frame.rename(columns={label: canon for canon, label in table.columns.items()})
    out["_row"] = np.arange(first_row, first_row + len(out), dtype=np.int64)
    return out


def _csv_chunks_arrow(table: Table, block: int = BLOCK_SIZE, skip: int = 0) -> Iterator[Any]:
    """The chunks from record ``skip`` on (those before were handed over already), read in
    blocks of ``block`` bytes."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    cfg = table.state
    labels = cfg["labels"]
    ragged: list[Any] = []        # rows pyarrow could not number: the exact reader goes on
    offside: list[tuple[int, str]] = []   # (record number, text) of rows of another width

    def on_invalid(row):
        if row.number is None or row.number < 0:
            ragged.append(row)
            return "error"
        # pyarrow numbers the file's lines before the header one each, the records after it
        offside.append((row.number + cfg["skip"] - cfg["skip_lines"], row.text))
        return "skip"

    enc = cfg["encoding"]
    read_opts = pcsv.ReadOptions(
        encoding="utf8" if enc in ("utf-8", "utf-8-sig", "utf8") else enc,
        skip_rows=cfg["skip_lines"], column_names=labels, block_size=block, skip_rows_after_names=skip,
        use_threads=False)  # threads read ahead without bound: memory would grow with the file
    parse_opts = pcsv.ParseOptions(delimiter=cfg["delimiter"], newlines_in_values=True,
                                   ignore_empty_lines=False, invalid_row_handler=on_invalid)
    conv_opts = pcsv.ConvertOptions(
        # large_string is what pandas' str columns hold: to_pandas then shares the buffers
        column_types={c: pa.large_string() for c in labels}, include_columns=list(table.columns.values()),
        strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""])
    header_rows = cfg["skip"]
    done = skip
    pending: list[Any] = []
    pending_rows = 0
    # pyarrow decodes a ragged row's text before calling on_invalid; undecodable bytes raise in
    # its callback wrapper and would be printed as "Exception ignored": record them instead
    undecodable: list[Any] = []
    previous_hook = sys.unraisablehook
    sys.unraisablehook = undecodable.append
    try:
        with open(cfg["path"], "rb") as fh:
            if enc == "utf-8-sig":
                fh.read(3)
            reader = pcsv.open_csv(fh, read_options=read_opts, parse_options=parse_opts,
                                   convert_options=conv_opts)
            for batch in reader:
                table.bytes_done = fh.tell()
                pending.append(batch)
                pending_rows += batch.num_rows
                if pending_rows >= (table.chunk_rows or CHUNK_ROWS):
                    among = _offside_among(offside, header_rows + done + 1, pending_rows)
                    rows_in, pending_rows = pending_rows + among, 0
                    # no local keeps the chunk while this generator waits: once the checks drop
                    # it (blank rows filtered out, a copy taken) its memory goes at once
                    yield _chunk_frame(pending, table, header_rows + done + 1, rows_in, offside, among)
                    done += rows_in
            if pending or offside:
                among = len(offside)
                rows_in, pending_rows = pending_rows + among, 0
                yield _chunk_frame(pending, table, header_rows + done + 1, rows_in, offside, among)
                done += rows_in
        if undecodable:  # a row pyarrow could not hand over: refuse rather than lose it
            _bad_encoding(table, enc)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        msg = str(exc)
        if ragged:
            # rows already yielded stay; the exact reader takes over from the first one not yet
            raise _Ragged(done) from exc
        if "straddl" in msg:
            raise _Straddle(done) from exc
        if undecodable or "UTF8" in msg or "decode" in msg.lower() or isinstance(exc, UnicodeDecodeError):
            _bad_encoding(table, enc)
        raise InputError("unreadable", table.source, detail=msg.splitlines()[0][:200]) from exc
    finally:
        sys.unraisablehook = previous_hook


def _bad_encoding(table: Table, enc: str):
    offset, line = locate_bad_bytes(table.state["path"], enc)
    raise InputError("bad-encoding", table.source, encoding=enc, offset=offset, line=line)


def _offside_among(offside: list[tuple[int, str]], first: int, rows: int) -> int:
    """How many of the rows of another width (record numbers ascending, none before ``first``)
    fall among the ``rows`` records pyarrow parsed from record ``first`` on, skipping them."""
    last, taken = first + rows - 1, 0
    for number, _text in offside:
        if number > last + taken:
            break
        taken += 1
    return taken


def _chunk_frame(batches, table: Table, first: int, records: int, offside: list[tuple[int, str]],
                 among: int = 0):
    """The chunk of records ``first`` … ``first + records - 1``: those pyarrow parsed
    (``batches``) and the first ``among`` rows of another width, taken out of ``offside`` and
    read by the exact reader's rules (:func:`_exact_row`), each in its place."""
    import numpy as np
    import pyarrow as pa

    if not among:
        return _canonical_frame(_arrow_to_frame(batches), table, first)
    cfg = table.state
    labels = cfg["labels"]
    wanted = [labels.index(label) for label in table.columns.values()]
    taken = offside[:among]
    del offside[:among]
    numbers = np.array([number for number, _ in taken], dtype=np.int64)
    cells_of = [_exact_row(table, number, next(csv.reader(io.StringIO(text, newline=""),
                                                          delimiter=cfg["delimiter"]), []), wanted)
                for number, text in taken]
    parsed = pa.Table.from_batches(batches) if batches else None
    del batches[:]
    names = parsed.column_names if parsed is not None else list(table.columns.values())
    extra = pa.table({name: pa.array([c[i] for c in cells_of], type=pa.large_string())
                      for i, name in enumerate(names)})
    # the parsed rows are the other record numbers, in order
    regular = np.setdiff1d(np.arange(first, first + records, dtype=np.int64), numbers, assume_unique=True)
    order = np.argsort(np.concatenate([regular, numbers]), kind="stable")
    whole = pa.concat_tables([parsed, extra]) if parsed is not None else extra
    return _canonical_frame(_arrow_to_frame(whole.take(pa.array(order)).to_batches()), table, first)


def _arrow_to_frame(batches):
    import pyarrow as pa

    # one buffer per column: every later kernel (and numpy view) walks one array, not ~20 blocks.
    # The copy is made here, in the read-ahead thread, off the checks' path, a column at a time,
    # so each column's blocks are freed as soon as it is copied (memory grows by one column).
    tbl = pa.Table.from_batches(batches)
    del batches[:]
    names, columns = tbl.column_names, tbl.columns
    del tbl
    for i, col in enumerate(columns):
        columns[i] = col.combine_chunks()
    tbl = pa.Table.from_arrays(columns, names=names)
    del columns
    blank = _blank_lines(tbl.columns, tbl.num_rows)
    if blank is not None:
        tbl = _null_rows(tbl, blank)
    return tbl.to_pandas()


def _null_rows(tbl, blank):
    """``tbl`` with the cells of the ``blank`` rows null, in arrow before pandas sees them: only
    the columns with a cell of spaces there get a new validity bitmap (a line of commas is null
    already), the text is not copied."""
    import numpy as np
    import pyarrow as pa

    from validators.read.frames import null_where

    at = pa.array(np.flatnonzero(blank))
    for i, col in enumerate(tbl.columns):
        if col.take(at).null_count < len(at):
            tbl = tbl.set_column(i, tbl.field(i), null_where(col, blank))
    return tbl


def _blank_lines(columns, n: int):
    """numpy bool per row, or None when there is none: a line of spaces (or of blank cells) is a
    blank row, not a row missing every element.  Decided column by column on the rows still
    blank so far, so a chunk whose first column is filled costs one column's test."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = None  # the rows blank in every column tested so far (None: all)
    for col in columns:
        part = col if rows is None else col.take(pa.array(rows))
        empty = pc.fill_null(pc.or_kleene(pc.is_null(part), pc.utf8_is_space(part)), True)
        empty = empty.to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(empty) if rows is None else rows[empty]
        if not len(rows):
            return None
    if rows is None:
        return None
    blank = np.zeros(n, dtype=bool)
    blank[rows] = True
    return blank


def _exact_row(table: Table, rownum: int, cells: list[str], wanted: list[int]) -> list[str | None]:
    """The exact reader's rules for one record's ``cells``: a row of another width than the
    header is a ``row-malformed`` problem unless blank, padded or cut to the width; a row of
    spaces only is blank; "" is missing.  The ``wanted`` cells, in order."""
    width = len(table.state["labels"])
    if cells and len(cells) != width and any(c.strip() for c in cells):
        table.problems.append(record(
            ROW_MALFORMED, row=rownum, value=table.state["delimiter"].join(cells)[:200],
            params={"expected": width, "actual": len(cells)}))
    if not any(c.strip() for c in cells):
        cells = []   # spaces only: a blank row
    cells = (cells + [""] * width)[:width]
    return [cells[j] if cells[j] != "" else None for j in wanted]


def _csv_chunks_python(table: Table, start_record: int = 0) -> Iterator[Any]:
    """Exact reader for ragged files: pads short rows, reports long/short rows by number."""
    import pandas as pd

    cfg = table.state
    labels = cfg["labels"]
    wanted = [labels.index(lbl) for lbl in table.columns.values()]
    names = [labels[i] for i in wanted]
    enc = cfg["encoding"]
    buf: list[list[Any]] = []
    rownums: list[int] = []
    n_record = 0
    try:
        _cell_limit()
        with open(cfg["path"], encoding=enc, newline="", errors="strict") as fh:
            reader = csv.reader(fh, delimiter=cfg["delimiter"])
            for i, cells in enumerate(reader):
                if i < cfg["skip"]:
                    continue
                n_record += 1
                if n_record <= start_record:
                    continue
                rownum = cfg["skip"] + n_record
                buf.append(_exact_row(table, rownum, cells, wanted))
                rownums.append(rownum)
                if len(buf) >= CHUNK_ROWS:
                    yield _rows_frame(pd, buf, names, rownums, table)
                    buf, rownums = [], []
    except UnicodeDecodeError:
        _bad_encoding(table, enc)
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise InputError("cell-too-large", table.source, row=cfg["skip"] + n_record + 1,
                             limit_mb=f"{current().max_cell_kb / 1024:g}") from exc
        raise InputError("unreadable", table.source, detail=f"{exc}（第 {cfg['skip'] + n_record} 行附近）") from exc
    if buf:
        yield _rows_frame(pd, buf, names, rownums, table)


def _rows_frame(pd, buf, names, rownums, table: Table):
    import numpy as np

    frame = pd.DataFrame(buf, columns=names, dtype="str")
    rename = dict(zip(names, table.columns.keys(), strict=False))
    out = frame.rename(columns=rename)
    out["_row"] = np.asarray(rownums, dtype=np.int64)
    return out

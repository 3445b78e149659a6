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
from validators.read.rules import ROW_MALFORMED
from validators.report.findings import record


def detect_encoding(path: str, head: bytes | None = None) -> str:
    """BOM → utf-8-sig; valid UTF-8 in the first MiB → utf-8; otherwise gb18030 (⊇ GBK)."""
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
    except UnicodeDecodeError:
        return "gb18030"


def normalise_encoding(enc: str) -> str:
    e = enc.lower().replace("_", "-")
    if e in ("gbk", "gb2312", "cp936", "gb-2312"):
        return "gb18030"  # a superset: never fails where GBK would succeed
    try:
        return codecs.lookup(e).name
    except LookupError:
        raise


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", "\t", ";", "|")}
    return max(counts, key=counts.get) if max(counts.values()) > 0 else ","


def open_csv(path: str, encoding: str | None, profile: str = "guide") -> Table:
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError("unreadable", path, detail=str(exc)) from exc
    if not head.strip():
        raise InputError("empty-file", path)
    if encoding:
        try:
            enc = normalise_encoding(encoding)
        except LookupError:
            raise InputError("unknown-encoding", path, encoding=encoding) from None
    else:
        enc = detect_encoding(path, head)
    try:
        text = codecs.getincrementaldecoder(enc)(errors="strict").decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise InputError("bad-encoding", path, encoding=enc, offset=exc.start) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    delim = _sniff_delimiter(text)
    try:
        sample_rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))[:HEADER_SCAN_ROWS]
    except csv.Error as exc:
        raise InputError("unreadable", path, detail=str(exc)) from exc
    idx, mapping, unknown, dups = pick_header(sample_rows, path, None, profile)
    labels = unique_labels([str(v) for v in sample_rows[idx]])
    table = Table(path, None, mapping, unknown, idx + 1, _csv_chunks,
                  problems=labels_problems(unknown, dups), size_bytes=os.path.getsize(path))
    table.state = {"encoding": enc, "delimiter": delim, "labels": labels, "skip": idx + 1}
    return table


class _Ragged(Exception):
    pass


def _csv_chunks(table: Table) -> Iterator[Any]:
    """Stream with pyarrow; on a ragged row restart with the exact (slower) Python reader."""
    try:
        yield from _csv_chunks_arrow(table)
    except _Ragged as exc:
        done = exc.args[0]
        yield from _csv_chunks_python(table, start_record=done)


def _canonical_frame(frame, table: Table, first_row: int):
    """Rename to canonical names and add ``_row`` (the first column of a label wins)."""
    import numpy as np

    out = frame.rename(columns={label: canon for canon, label in table.columns.items()})
    out["_row"] = np.arange(first_row, first_row + len(out), dtype=np.int64)
    return out


def _csv_chunks_arrow(table: Table) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    cfg = table.state
    labels = cfg["labels"]
    ragged: list[Any] = []

    def on_invalid(row):
        ragged.append(row)
        return "error"

    enc = cfg["encoding"]
    read_opts = pcsv.ReadOptions(
        encoding="utf8" if enc in ("utf-8", "utf-8-sig", "utf8") else enc,
        skip_rows=cfg["skip"], column_names=labels, block_size=BLOCK_SIZE,
        use_threads=False)  # threads read ahead without bound: memory would grow with the file
    parse_opts = pcsv.ParseOptions(delimiter=cfg["delimiter"], newlines_in_values=True,
                                   ignore_empty_lines=False, invalid_row_handler=on_invalid)
    conv_opts = pcsv.ConvertOptions(
        column_types={c: pa.string() for c in labels}, include_columns=list(table.columns.values()),
        strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""])
    header_rows = cfg["skip"]
    done = 0
    pending: list[Any] = []
    pending_rows = 0
    # pyarrow decodes a ragged row's text before calling on_invalid; undecodable bytes raise in
    # its callback wrapper and would be printed as "Exception ignored": record them instead
    undecodable: list[Any] = []
    previous_hook = sys.unraisablehook
    sys.unraisablehook = undecodable.append
    try:
        with open(table.source, "rb") as fh:
            if enc == "utf-8-sig":
                fh.read(3)
            reader = pcsv.open_csv(fh, read_options=read_opts, parse_options=parse_opts,
                                   convert_options=conv_opts)
            for batch in reader:
                table.bytes_done = fh.tell()
                pending.append(batch)
                pending_rows += batch.num_rows
                if pending_rows >= CHUNK_ROWS:
                    frame = _arrow_to_frame(pending)
                    yield _canonical_frame(frame, table, header_rows + done + 1)
                    done += pending_rows
                    pending, pending_rows = [], 0
            if pending:
                frame = _arrow_to_frame(pending)
                yield _canonical_frame(frame, table, header_rows + done + 1)
                done += pending_rows
        if undecodable:  # a row pyarrow could not hand over: refuse rather than lose it
            raise InputError("bad-encoding", table.source, encoding=enc, offset="?")
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        if ragged:
            raise _Ragged(done) from exc
        msg = str(exc)
        if undecodable or "UTF8" in msg or "decode" in msg.lower() or isinstance(exc, UnicodeDecodeError):
            raise InputError("bad-encoding", table.source, encoding=enc, offset="?") from exc
        raise InputError("unreadable", table.source, detail=msg.splitlines()[0][:200]) from exc
    finally:
        sys.unraisablehook = previous_hook


def _arrow_to_frame(batches):
    import pyarrow as pa

    tbl = pa.Table.from_batches(batches)
    return tbl.to_pandas()


def _csv_chunks_python(table: Table, start_record: int = 0) -> Iterator[Any]:
    """Exact reader for ragged files: pads short rows, reports long/short rows by number."""
    import pandas as pd

    cfg = table.state
    labels = cfg["labels"]
    width = len(labels)
    wanted = [labels.index(lbl) for lbl in table.columns.values()]
    names = [labels[i] for i in wanted]
    enc = cfg["encoding"]
    buf: list[list[Any]] = []
    rownums: list[int] = []
    n_record = 0
    try:
        with open(table.source, encoding=enc, newline="", errors="strict") as fh:
            reader = csv.reader(fh, delimiter=cfg["delimiter"])
            for i, cells in enumerate(reader):
                if i < cfg["skip"]:
                    continue
                n_record += 1
                if n_record <= start_record:
                    continue
                rownum = cfg["skip"] + n_record
                if cells and len(cells) != width and any(c.strip() for c in cells):
                    table.problems.append(record(
                        ROW_MALFORMED, row=rownum, value=cfg["delimiter"].join(cells)[:200],
                        params={"expected": width, "actual": len(cells)}))
                cells = (cells + [""] * width)[:width]
                buf.append([cells[j] if cells[j] != "" else None for j in wanted])
                rownums.append(rownum)
                if len(buf) >= CHUNK_ROWS:
                    yield _rows_frame(pd, buf, names, rownums, table)
                    buf, rownums = [], []
    except UnicodeDecodeError as exc:
        raise InputError("bad-encoding", table.source, encoding=enc, offset=exc.start) from exc
    except csv.Error as exc:
        raise InputError("unreadable", table.source, detail=f"{exc}（第 {cfg['skip'] + record} 行附近）") from exc
    if buf:
        yield _rows_frame(pd, buf, names, rownums, table)


def _rows_frame(pd, buf, names, rownums, table: Table):
    import numpy as np

    frame = pd.DataFrame(buf, columns=names, dtype="str")
    rename = dict(zip(names, table.columns.keys(), strict=True))
    out = frame.rename(columns=rename)
    out["_row"] = np.asarray(rownums, dtype=np.int64)
    return out

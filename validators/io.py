"""Readers: CSV (UTF-8, UTF-8-BOM, GBK/GB18030), XLSX/XLS, JSON array and JSONL → canonical chunks.

Every reader yields :class:`Table` objects, one per sheet.  ``Table.chunks()`` streams pandas
DataFrames whose columns are canonical element names (all values text, empty cells missing) plus
``_row``, the row number a person sees (header row = 1 in a sheet or CSV; 1-based record number in
JSON/JSONL).  Large CSVs are parsed by pyarrow's streaming reader in blocks, so memory stays flat
whatever the file size; a ragged CSV (rows with the wrong number of cells) falls back to Python's
csv module so that every row keeps its true number and is reported, never dropped.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import os
import sys
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Callable, Iterator

from .aliases import map_columns

HEAD_BYTES = 1 << 20
HEADER_SCAN_ROWS = 12
CHUNK_ROWS = 50_000
BLOCK_SIZE = 4 << 20  # pyarrow buffers dozens of blocks ahead: small blocks keep memory flat

JSON_LIST_KEYS = ("data", "items", "records", "rows", "list", "result", "tasks", "guides")


class InputError(Exception):
    """Input that cannot be read at all: exit code 3, one clear line naming file and cause."""

    def __init__(self, key: str, source: str, **params: Any):
        super().__init__(key)
        self.key = key
        self.source = source
        self.params = params

    def render(self, lang: str = "zh") -> str:
        from .messages import input_message

        return input_message(self.key, lang, source=self.source, **self.params)


@dataclass
class Problem:
    """A row- or file-level reading problem that becomes a finding (never a dropped row)."""

    code: str
    row: int | None = None
    field: str | None = None
    value: str | None = None
    params: dict = dc_field(default_factory=dict)


@dataclass
class Table:
    source: str
    sheet: str | None
    columns: dict[str, str]            # canonical → original header label
    unknown: list[str]
    header_row: int                    # 1-based row of the header (0 for JSON)
    _chunker: Callable[["Table"], Iterator[Any]]
    problems: list[Problem] = dc_field(default_factory=list)
    size_bytes: int | None = None
    bytes_done: int | None = None      # progress of the streaming CSV reader
    state: dict = dc_field(default_factory=dict)   # what the format's chunker needs to re-read

    def chunks(self) -> Iterator[Any]:
        return self._chunker(self)


# ---------------------------------------------------------------- dispatch

def open_tables(path: str, *, sheet: str | None = None, encoding: str | None = None) -> list[Table]:
    """Open one input file and return its tables (one per sheet); raises InputError."""
    if not os.path.exists(path):
        raise InputError("file-not-found", path)
    if os.path.isdir(path):
        raise InputError("is-directory", path)
    ext = os.path.splitext(path)[1].lower()
    if ext in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _open_excel(path, sheet)
    if ext in (".json",):
        return [_open_json(path, encoding, lines=False)]
    if ext in (".jsonl", ".ndjson"):
        return [_open_json(path, encoding, lines=True)]
    if ext in (".csv", ".txt", ".tsv", ""):
        return [_open_csv(path, encoding)]
    raise InputError("unsupported-format", path, ext=ext)


# ---------------------------------------------------------------- header detection

def _pick_header(rows: list[list[Any]], source: str, sheet: str | None) -> tuple[int, dict, list, list]:
    """Find the header among the first rows: the one naming the most known elements.

    Real exports often put a title ("灵山县政务服务事项实施清单") or notes above the header.
    """
    best = (-1, 0, None)
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        labels = ["" if v is None else str(v) for v in row]
        mapping, _u, _d = map_columns(labels)
        if len(mapping) > best[1]:
            best = (i, len(mapping), labels)
    idx, count, labels = best
    if count < 2:
        raise InputError("no-element-columns", source, sheet=sheet or "")
    mapping, unknown, dups = map_columns(labels)
    return idx, mapping, unknown, dups


def _labels_problems(unknown: list[str], dups: list[tuple[str, str]]) -> list[Problem]:
    out = [Problem("column-unknown", value=u, params={"column": u}) for u in unknown]
    out += [Problem("column-unknown", field=c, value=lbl, params={"column": lbl, "duplicate_of": c})
            for lbl, c in dups]
    return out


def _unique_labels(labels: list[str]) -> list[str]:
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


# ---------------------------------------------------------------- CSV

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


def _normalise_encoding(enc: str) -> str:
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


def _open_csv(path: str, encoding: str | None) -> Table:
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError("unreadable", path, detail=str(exc))
    if not head.strip():
        raise InputError("empty-file", path)
    if encoding:
        try:
            enc = _normalise_encoding(encoding)
        except LookupError:
            raise InputError("unknown-encoding", path, encoding=encoding)
    else:
        enc = detect_encoding(path, head)
    try:
        text = codecs.getincrementaldecoder(enc)(errors="strict").decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise InputError("bad-encoding", path, encoding=enc, offset=exc.start)
    if text.startswith("\ufeff"):
        text = text[1:]
    delim = _sniff_delimiter(text)
    try:
        sample_rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))[:HEADER_SCAN_ROWS]
    except csv.Error as exc:
        raise InputError("unreadable", path, detail=str(exc))
    idx, mapping, unknown, dups = _pick_header(sample_rows, path, None)
    labels = _unique_labels([str(v) for v in sample_rows[idx]])
    table = Table(path, None, mapping, unknown, idx + 1, _csv_chunks,
                  problems=_labels_problems(unknown, dups), size_bytes=os.path.getsize(path))
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
            raise _Ragged(done)
        msg = str(exc)
        if undecodable or "UTF8" in msg or "decode" in msg.lower() or isinstance(exc, UnicodeDecodeError):
            raise InputError("bad-encoding", table.source, encoding=enc, offset="?")
        raise InputError("unreadable", table.source, detail=msg.splitlines()[0][:200])
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
    record = 0
    try:
        with open(table.source, encoding=enc, newline="", errors="strict") as fh:
            reader = csv.reader(fh, delimiter=cfg["delimiter"])
            for i, cells in enumerate(reader):
                if i < cfg["skip"]:
                    continue
                record += 1
                if record <= start_record:
                    continue
                rownum = cfg["skip"] + record
                if cells and len(cells) != width and any(c.strip() for c in cells):
                    table.problems.append(Problem(
                        "row-malformed", row=rownum, value=cfg["delimiter"].join(cells)[:200],
                        params={"expected": width, "actual": len(cells)}))
                cells = (cells + [""] * width)[:width]
                buf.append([cells[j] if cells[j] != "" else None for j in wanted])
                rownums.append(rownum)
                if len(buf) >= CHUNK_ROWS:
                    yield _rows_frame(pd, buf, names, rownums, table)
                    buf, rownums = [], []
    except UnicodeDecodeError as exc:
        raise InputError("bad-encoding", table.source, encoding=enc, offset=exc.start)
    except csv.Error as exc:
        raise InputError("unreadable", table.source, detail=f"{exc}（第 {cfg['skip'] + record} 行附近）")
    if buf:
        yield _rows_frame(pd, buf, names, rownums, table)


def _rows_frame(pd, buf, names, rownums, table: Table):
    import numpy as np

    frame = pd.DataFrame(buf, columns=names, dtype="str")
    rename = dict(zip(names, table.columns.keys()))
    out = frame.rename(columns=rename)
    out["_row"] = np.asarray(rownums, dtype=np.int64)
    return out


# ---------------------------------------------------------------- Excel

def _cell_text(v: Any) -> Any:
    import datetime as dt

    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def _open_excel(path: str, sheet: str | None) -> list[Table]:
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(path)
        names = list(wb.sheet_names)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise InputError("corrupt-excel", path, detail=str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__)
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
            raise InputError("corrupt-excel", path, detail=f"{name}: {exc}"[:200])
        while rows and all(v is None or v == "" for v in rows[-1]):
            rows.pop()  # formatted but empty rows below the data are not rows of the export
        if not rows:
            skipped.append(name)
            continue
        try:
            idx, mapping, unknown, dups = _pick_header(rows, path, name)
        except InputError:
            if sheet is not None:
                raise
            skipped.append(name)
            continue
        labels = [("" if v is None else str(v)) for v in rows[idx]]
        t = Table(path, name, mapping, unknown, idx + 1, _excel_chunks,
                  problems=_labels_problems(unknown, dups), size_bytes=os.path.getsize(path))
        t.state = {"rows": rows, "labels": labels, "start": idx + 1}
        tables.append(t)
    if not tables:
        raise InputError("no-element-columns", path, sheet="、".join(skipped))
    for name in skipped:
        tables[0].problems.append(Problem("sheet-skipped", value=name, params={"sheet": name}))
    return tables


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
            data.append([_cell_text(r[p]) for p in pos])
        frame = pd.DataFrame(data, columns=names, dtype="str")
        frame["_row"] = np.arange(lo + 1, lo + 1 + len(part), dtype=np.int64)
        yield frame


# ---------------------------------------------------------------- JSON / JSONL

_LAW_KEYS = (("lawName", "law_name", "法律法规名称", "name"), ("accordingNumber", "law_number", "依据文号"),
             ("termsNumber", "clause_number", "条款号"), ("termsContent", "clause_content", "条款内容"))


def _pick(d: dict, keys) -> str:
    for k in keys:
        v = d.get(k)
        if v not in (None, ""):
            return str(v)
    return ""


def _flatten_list(canonical: str | None, value: list) -> str | None:
    """Nested channel lists (Chongqing byLaws, lobbys, activitys, itemMaterials) → element text."""
    if not value:
        return None
    if not all(isinstance(v, dict) for v in value):
        return ",".join(str(v) for v in value if v is not None)
    parts = []
    for d in value:
        if canonical == "legal_basis":
            name = _pick(d, _LAW_KEYS[0])
            if name and not name.startswith("《"):
                name = f"《{name}》"
            parts.append("".join(x for x in (name, _pick(d, _LAW_KEYS[1]), _pick(d, _LAW_KEYS[2]),
                                              _pick(d, _LAW_KEYS[3])) if x))
        elif canonical == "handling_location":
            parts.append(_pick(d, ("address", "addr", "transactAddr", "办理地点")))
        elif canonical == "handling_process":
            parts.append(_pick(d, ("name", "activityName", "环节名称", "linkName")))
        elif canonical == "materials":
            parts.append(_pick(d, ("materialName", "material_name", "name", "材料名称")))
        elif canonical == "fee_standard":
            parts.append(_pick(d, ("feeStand", "fee_stand", "standard", "收费标准", "feeName", "name")))
        else:
            parts.append(json.dumps(d, ensure_ascii=False))
    sep = "→" if canonical == "handling_process" else "；"
    text = sep.join(p for p in parts if p)
    return text or None


def _lobby_hours(value: list) -> str | None:
    times = [_pick(d, ("time", "transactTime", "办理时间", "workTime")) for d in value if isinstance(d, dict)]
    times = [t for t in times if t]
    return "；".join(times) if times else None


def _open_json(path: str, encoding: str | None, lines: bool) -> Table:
    try:
        raw = open(path, "rb").read()
    except OSError as exc:
        raise InputError("unreadable", path, detail=str(exc))
    if not raw.strip():
        raise InputError("empty-file", path)
    try:
        enc = _normalise_encoding(encoding) if encoding else detect_encoding(path, raw[:HEAD_BYTES])
    except LookupError:
        raise InputError("unknown-encoding", path, encoding=encoding)
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError("bad-encoding", path, encoding=enc, offset=exc.start)
    if text.startswith("\ufeff"):
        text = text[1:]
    problems: list[Problem] = []
    records: list[tuple[int, Any]] = []
    if lines:
        n = 0
        for line in text.splitlines():
            if not line.strip():
                continue
            n += 1
            try:
                records.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                problems.append(Problem("row-malformed", row=n, value=line[:200],
                                        params={"detail": exc.msg}))
                records.append((n, {}))
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError("bad-json", path, line=exc.lineno, detail=exc.msg)
        if isinstance(data, dict):
            lists = [k for k in JSON_LIST_KEYS if isinstance(data.get(k), list)]
            if not lists:
                lists = [k for k, v in data.items() if isinstance(v, list)]
            if not lists:
                raise InputError("json-not-a-list", path)
            data = data[lists[0]]
        if not isinstance(data, list):
            raise InputError("json-not-a-list", path)
        records = list(enumerate(data, start=1))
    keys: list[str] = []
    seen = set()
    for _n, rec in records:
        if isinstance(rec, dict):
            for k in rec:
                if k not in seen:
                    seen.add(k)
                    keys.append(k)
    mapping, unknown, dups = map_columns(keys)
    if len(mapping) < 2:
        raise InputError("no-element-columns", path, sheet="")
    loc = mapping.get("handling_location")
    if loc and "handling_hours" not in mapping and any(
            isinstance(r, dict) and isinstance(r.get(loc), list) for _n, r in records[:100]):
        mapping["handling_hours"] = f"{loc}[].time"
    for n, rec in records:
        if not isinstance(rec, dict):
            problems.append(Problem("row-malformed", row=n, value=str(rec)[:200],
                                    params={"detail": "not an object"}))
    t = Table(path, None, mapping, unknown, 0, _json_chunks,
              problems=_labels_problems(unknown, dups) + problems, size_bytes=len(raw))
    t.state = {"records": records}
    return t


def _json_value(canonical: str, v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, list):
        return _flatten_list(canonical, v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    text = str(v)
    return text if text != "" else None


def _json_chunks(table: Table) -> Iterator[Any]:
    import numpy as np
    import pandas as pd

    records = table.state["records"]
    hours_from_lobby = table.columns.get("handling_hours", "").endswith("[].time")
    items = [(c, lbl) for c, lbl in table.columns.items() if not (hours_from_lobby and c == "handling_hours")]
    for lo in range(0, len(records), CHUNK_ROWS):
        part = records[lo: lo + CHUNK_ROWS]
        data = []
        for _n, rec in part:
            rec = rec if isinstance(rec, dict) else {}
            row = [_json_value(c, rec.get(lbl)) for c, lbl in items]
            if hours_from_lobby:
                lob = rec.get(table.columns["handling_location"])
                row.append(_lobby_hours(lob) if isinstance(lob, list) else None)
            data.append(row)
        names = [c for c, _ in items] + (["handling_hours"] if hours_from_lobby else [])
        frame = pd.DataFrame(data, columns=names, dtype="str")
        frame["_row"] = np.asarray([n for n, _ in part], dtype=np.int64)
        yield frame

"""``sxcheck fix``: write a corrected copy of an export, in its own format, with a change log.

The input is validated; each row-level finding whose suggestion is accepted (``safe`` ones by
default, ``likely`` ones for the rules named in ``accept``) becomes a cell change.  CSV keeps its
encoding (BOM included), delimiter and quoting style, and every record that has no change is
written back field for field; XLSX is edited in place in a copy, so other sheets, title rows
above the header, column order and cell formats stay; a new value is always written as text, so
a value that looks like a formula stays text.  The input itself is never written.
"""
from __future__ import annotations

import contextlib
import csv
import os
from dataclasses import dataclass, field
from typing import Iterable

from validators.fixes.suggest import CANDIDATES, SAFE, suggest


class FixError(ValueError):
    """A fix that cannot be made (unsupported format, output equals input)."""


@dataclass
class Change:
    source: str
    sheet: str | None
    row: int
    field: str
    column: str
    old: str | None
    new: str
    rule: str
    confidence: str


@dataclass
class FixPlan:
    """Accepted findings by cell, and the header label of each element per table."""

    cells: dict[tuple[str | None, int], dict[str, list[dict]]] = field(default_factory=dict)
    labels: dict[str | None, dict[str, str]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    skipped: int = 0

    def accepted(self, f: dict, row: dict[str, str]) -> tuple[str, str] | None:
        """(new value, confidence) when the finding's suggestion, given its row, is accepted."""
        s = suggest(f["code"], f["value"], f["params"], row)
        if s is None or s.confidence == CANDIDATES or s.value is None:
            return None
        if s.confidence == SAFE or f["code"] in self.accept:
            return s.value, s.confidence
        return None

    accept: frozenset[str] = frozenset()


def plan(report, accept: Iterable[str] = ()) -> FixPlan:
    """Cells that findings point at (row-level, with an element) — candidates for a change."""
    p = FixPlan(accept=frozenset(accept))
    for info in report.sources:
        p.labels[info.sheet] = dict(info.columns)
    for f in report.iter_findings("zh"):
        if f["row"] is None or not f["field"] or f["field"] not in p.labels.get(f["sheet"], {}):
            continue
        p.cells.setdefault((f["sheet"], f["row"]), {}).setdefault(f["field"], []).append(f)
    return p


def _decide(p: FixPlan, source: str, sheet: str | None, rownum: int, row: dict[str, str]) -> dict[str, str]:
    """New values of one row's cells (element → value); records the changes."""
    out: dict[str, str] = {}
    for fld, findings in p.cells.get((sheet, rownum), {}).items():
        for f in findings:
            got = p.accepted(f, row)
            if got is None:
                continue
            new, conf = got
            if fld in out:          # one change per cell: the first accepted finding wins
                p.skipped += 1
                continue
            old = row.get(fld)
            if new == old:
                continue
            out[fld] = new
            p.changes.append(Change(source, sheet, rownum, fld, p.labels[sheet][fld], old, new, f["code"], conf))
    return out


def _target(output: str | None, dry_run: bool):
    """The temporary path the corrected copy is written to (renamed onto ``output`` when complete,
    removed on any error or interrupt), or None for a dry run."""
    from validators.exporters.atomic import atomic_path

    return contextlib.nullcontext(None) if dry_run else atomic_path(output)


def fix_file(path: str, output: str | None, *, accept: Iterable[str] = (), sheet: str | None = None,
             encoding: str | None = None, dry_run: bool = False) -> FixPlan:
    """Validate ``path`` and write the corrected copy to ``output`` (not with ``dry_run``)."""
    from validators import validate

    ext = os.path.splitext(path)[1].lower()
    if ext not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
        raise FixError(f"{path}: sxcheck fix writes CSV and XLSX (got {ext or 'no extension'})")
    if output and os.path.exists(output) and os.path.samefile(path, output):
        raise FixError(f"{output}: the output is the input; write the corrected copy elsewhere")
    report = validate([path], sheet=sheet, encoding=encoding)
    p = plan(report, accept)
    if ext in (".xlsx", ".xlsm"):
        _fix_xlsx(path, output, p, dry_run)
    else:
        _fix_csv(path, output, p, report, dry_run)
    return p


def _fix_csv(path: str, output: str | None, p: FixPlan, report, dry_run: bool) -> None:
    from validators.read.csvfile import detect_encoding, normalise_encoding

    info = report.sources[0]
    enc = detect_encoding(path)
    enc = normalise_encoding(enc) if enc not in ("utf-8-sig", "utf-16") else enc
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    text_head = head.decode(enc, errors="replace").lstrip("\ufeff")
    delim = max((",", "\t", ";", "|"), key=lambda d: text_head.split("\n", 1)[0].count(d))
    newline = "\r\n" if b"\r\n" in head else "\n"
    quote_all = text_head.startswith('"')
    header_idx = info.header_row - 1
    fmt = {"delimiter": delim, "lineterminator": newline,
           "quoting": csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL}
    if enc != "utf-16":
        # one pass finds the changed lines and tells whether physical lines and records coincide
        spans, lines = _line_spans(path, {r for (_sh, r) in p.cells} | {info.header_row})
        if lines == info.header_row + info.rows:    # no quoted line break anywhere
            _fix_csv_lines(path, output, p, info, enc, fmt, dry_run, spans)
            return
    with _target(output, dry_run) as tmp, open(path, encoding=enc, newline="") as src, \
            contextlib.ExitStack() as stack:
        reader = csv.reader(src, delimiter=delim)
        out = stack.enter_context(open(tmp, "w", encoding=enc, newline="")) if tmp else None
        writer = csv.writer(out, **fmt) if out else None
        cols: dict[str, int] = {}
        for i, cells in enumerate(reader):
            rownum = i + 1
            if i == header_idx:
                cols = {canon: cells.index(lbl) for canon, lbl in info.columns.items() if lbl in cells}
            elif i > header_idx and (None, rownum) in p.cells:
                cells = _fixed_record(p, path, rownum, cells, cols) or cells
            if writer:
                writer.writerow(cells)


def _fixed_record(p: FixPlan, path: str, rownum: int, cells: list[str], cols: dict[str, int]) -> list[str] | None:
    """The CSV record with its accepted changes (padded when short), or None when nothing changes."""
    row = {c: (cells[j] if j < len(cells) else "") for c, j in cols.items()}
    changes = _decide(p, path, None, rownum, row)
    if not changes:
        return None
    out = cells + [""] * (max(cols[f] for f in changes) + 1 - len(cells))
    for fld, new in changes.items():
        out[cols[fld]] = new
    return out


def _fix_csv_lines(path: str, output: str | None, p: FixPlan, info, enc: str, fmt: dict, dry_run: bool,
                   spans: dict[int, tuple[int, int]]) -> None:
    """The fast path: every record is one line, so only the lines with a change (and the header)
    are found, parsed and written again (same delimiter and quoting); the bytes between them are
    copied by the kernel (``copy_file_range``) or in large blocks."""
    import io

    cols: dict[str, int] = {}
    with _target(output, dry_run) as tmp, open(path, "rb") as src, contextlib.ExitStack() as stack:
        out = stack.enter_context(open(tmp, "wb", buffering=0)) if tmp else None
        done = 0
        for rownum in sorted(spans):
            start, end = spans[rownum]
            src.seek(start)
            raw = src.read(end - start)
            body = raw.rstrip(b"\r\n")
            ending = raw[len(body):]
            text = body.decode(enc)
            bom = text.startswith("\ufeff")
            cells = next(csv.reader([text.lstrip("\ufeff")], delimiter=fmt["delimiter"]), [])
            if rownum == info.header_row:
                cols = {canon: cells.index(lbl) for canon, lbl in info.columns.items() if lbl in cells}
                continue
            cells = _fixed_record(p, path, rownum, cells, cols)
            if cells is None or out is None:
                continue
            buf = io.StringIO()
            csv.writer(buf, **{**fmt, "lineterminator": ""}).writerow(cells)
            _copy_range(src, out, done, start)
            out.write((("\ufeff" if bom else "") + buf.getvalue()).encode(enc) + ending)
            done = end
        if out is not None:
            _copy_range(src, out, done, os.fstat(src.fileno()).st_size)


def _line_spans(path: str, lines: set[int], block: int = 1 << 24) -> tuple[dict[int, tuple[int, int]], int]:
    """(byte span — start, end with the line ending — of each wanted physical line (1-based),
    number of physical lines), by counting newlines block by block with numpy."""
    import numpy as np

    want = sorted(lines)
    spans: dict[int, tuple[int, int]] = {}
    k = 0
    first_line, line_start, offset = 1, 0, 0    # the line that starts at byte line_start
    with open(path, "rb") as fh:
        while data := fh.read(block):
            ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10) + offset
            while k < len(want) and want[k] < first_line + len(ends):
                i = want[k] - first_line
                spans[want[k]] = (line_start if i == 0 else int(ends[i - 1]) + 1, int(ends[i]) + 1)
                k += 1
            if len(ends):
                first_line += len(ends)
                line_start = int(ends[-1]) + 1
            offset += len(data)
    last_open = line_start < offset                  # the last line has no newline
    if last_open and k < len(want) and want[k] == first_line:
        spans[want[k]] = (line_start, offset)
    return spans, first_line - 1 + last_open


def _copy_range(src, out, start: int, end: int) -> None:
    """Copy bytes [start, end) of ``src`` to the end of ``out`` (an unbuffered file)."""
    while start < end:
        try:
            n = os.copy_file_range(src.fileno(), out.fileno(), end - start, start)
        except (AttributeError, OSError):   # no copy_file_range here, or not across these files
            n = 0
        if n <= 0:
            src.seek(start)
            while start < end:
                data = src.read(min(end - start, 1 << 24))
                if not data:
                    return
                out.write(data)
                start += len(data)
            return
        start += n


def _fix_xlsx(path: str, output: str | None, p: FixPlan, dry_run: bool) -> None:
    import openpyxl

    from validators.read.excel import cell_text

    wb = openpyxl.load_workbook(path, keep_vba=path.lower().endswith(".xlsm"))
    header_rows: dict[str | None, int] = {}
    for sh, r in p.cells:
        ws = wb[sh]
        labels = p.labels[sh]
        if sh not in header_rows:
            header_rows[sh] = _header_row(ws, labels)
        hdr = header_rows[sh]
        col_of = {c.value if c.value is None else str(c.value): c.column for c in ws[hdr]}
        cols = {canon: col_of[lbl] for canon, lbl in labels.items() if lbl in col_of}
        row = {c: cell_text(ws.cell(row=r, column=j).value) for c, j in cols.items()}
        for fld, new in _decide(p, path, sh, r, row).items():
            cell = ws.cell(row=r, column=cols[fld])
            cell.value = new
            cell.data_type = "s"   # text, even when it starts with "=": nothing from data is executed
    if not dry_run:
        with _target(output, dry_run) as tmp:
            wb.save(tmp)


def _header_row(ws, labels: dict[str, str]) -> int:
    """The sheet row holding the element labels (title rows may stand above it)."""
    wanted = set(labels.values())
    best, best_n = 1, -1
    for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=12, values_only=True), start=1):
        n = sum(1 for v in cells if v is not None and str(v) in wanted)
        if n > best_n:
            best, best_n = r, n
    return best


def write_log(changes: list[Change], path: str | None, stream=None) -> None:
    """The change log: row, element, old value, new value, rule and confidence (CSV, UTF-8 BOM)."""
    header = ["文件", "工作表", "行", "要素", "列", "原值", "新值", "规则", "把握"]
    rows = [[c.source, c.sheet or "", c.row, c.field, c.column, c.old or "", c.new, c.rule, c.confidence]
            for c in changes]
    if path:
        from validators.exporters.atomic import atomic_open

        with atomic_open(path, "w", encoding="utf-8-sig", newline="") as fh:   # no half-written log
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows([[_csv_safe(v) for v in r] for r in rows])
    if stream is not None:
        w = csv.writer(stream)
        w.writerow(header)
        w.writerows(rows)


def _csv_safe(value) -> str:
    """A log cell a spreadsheet will not evaluate (OWASP CSV injection: = + - @ tab CR)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

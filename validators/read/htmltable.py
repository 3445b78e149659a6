"""HTML tables saved as ".xls": what many web systems' "导出Excel" buttons produce.

The file is an HTML page (often GBK, often with ``<meta charset>``) whose ``<table>`` is the
export; Excel opens it with a warning, calamine refuses it ("Invalid OLE").  The standard
library's HTML parser reads it here as a table: ``<th>``/``<td>`` become cells (``<br>`` a line
break, entities decoded), ``colspan`` and ``rowspan`` repeat nothing but keep the columns
aligned.  Each ``<table>`` holding element columns becomes one Table, rows numbered as Excel
shows them when it opens the file.
"""
from __future__ import annotations

import codecs
import os
import re
from html.parser import HTMLParser

from validators.read.base import InputError, Table
from validators.read.header import labels_problems, pick_header

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._stack: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1
        self._pending: dict[int, int] = {}   # column → rows still covered by a rowspan above
        self._skip = 0                       # inside <script>/<style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._stack.append([])
        elif tag == "tr" and self._stack:
            self._end_row()
            self._row = []
        elif tag in ("td", "th") and self._stack:
            if self._row is None:
                self._row = []
            self._end_cell()
            a = dict(attrs)
            while len(self._row) in self._pending:  # a cell of a rowspan above sits here
                self._take_pending()
            self._cell = []
            self._span = _int(a.get("colspan"))
            rows = _int(a.get("rowspan"))
            if rows > 1:
                for c in range(len(self._row), len(self._row) + self._span):
                    self._pending[c] = rows - 1
        elif tag == "br" and self._cell is not None:
            self._cell.append("\x00")  # a line break; source newlines are only whitespace

    def _take_pending(self):
        col = len(self._row)
        self._row.append("")
        self._pending[col] -= 1
        if self._pending[col] <= 0:
            del self._pending[col]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table" and self._stack:
            self._end_row()
            self.tables.append(self._stack.pop())

    def handle_data(self, data):
        if self._cell is not None and not self._skip:
            self._cell.append(data)

    def _end_cell(self):
        if self._cell is not None and self._row is not None:
            text = re.sub(r"[ \t\r\n\xa0]+", " ", "".join(self._cell))
            self._row.append("\n".join(part.strip() for part in text.split("\x00")).strip())
            self._row.extend([""] * (self._span - 1))
        self._cell = None
        self._span = 1

    def _end_row(self):
        self._end_cell()
        if self._row is not None and self._stack:
            while self._pending and any(c >= len(self._row) for c in self._pending):
                if len(self._row) in self._pending:
                    self._take_pending()
                else:
                    self._row.append("")
            self._stack[-1].append(self._row)
        self._row = None


def _int(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 1000))
    except (TypeError, ValueError):
        return 1


def _decode(raw: bytes, encoding: str | None, path: str) -> str:
    if encoding:
        candidates = [encoding]
    elif raw.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        m = _META.search(raw[:4096])
        candidates = ([m.group(1).decode("ascii")] if m else []) + ["utf-8", "gb18030"]
    for enc in candidates:
        enc = "gb18030" if enc.lower() in ("gbk", "gb2312", "cp936") else enc
        try:
            return raw.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError("bad-encoding", path, encoding=candidates[-1], offset="?", line="?")


def open_html(path: str, encoding: str | None, sheet: str | None, real_path: str | None = None) -> list[Table]:
    from validators.read.excel import _excel_chunks

    with open(real_path or path, "rb") as fh:
        raw = fh.read()
    parser = _Tables()
    parser.feed(_decode(raw, encoding, path))
    parser.close()
    found = [t for t in parser.tables if t]
    names = [f"表{i}" for i in range(1, len(found) + 1)] if len(found) > 1 else [None]
    if sheet is not None:
        if sheet not in names:
            raise InputError("sheet-not-found", path, sheet=sheet, sheets="、".join(n or "" for n in names))
    tables: list[Table] = []
    for name, rows in zip(names, found, strict=False):
        if sheet is not None and name != sheet:
            continue
        while rows and not any(c.strip() for c in rows[-1]):
            rows.pop()
        try:
            idx, mapping, unknown, dups = pick_header(rows, path, name)
        except InputError:
            continue
        labels = list(rows[idx])
        t = Table(path, name, mapping, unknown, idx + 1, _excel_chunks,
                  problems=labels_problems(unknown, dups), size_bytes=os.path.getsize(real_path or path))
        t.state = {"rows": [[c if c != "" else None for c in r] for r in rows], "labels": labels,
                   "start": idx + 1}
        tables.append(t)
    if not tables:
        raise InputError("html-no-table", path)
    return tables

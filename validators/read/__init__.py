"""Readers: every input format becomes tables of canonical element columns.

``open_tables(path)`` returns one :class:`Table` per sheet; ``Table.chunks()`` streams pandas
DataFrames whose columns are canonical element names (values as text, empty cells missing) plus
``_row``, the row number a person sees.  One module per format (``csvfile``, ``excel``,
``jsonfile``, ``htmltable``), header detection (``header``), column aliases (``aliases``), what a
path is (``paths``: streams, directories, odd paths), the XLSX archive guard (``archive``) and the
limits and options of a read (``limits``).
"""
from __future__ import annotations

import os
import stat

from validators.read.base import InputError, Table
from validators.read.limits import ReadOptions, current, read_options

__all__ = ["open_tables", "InputError", "Table", "ReadOptions", "read_options", "expand_inputs"]

_SUPPORTED_SHOWN = (".csv", ".tsv", ".xlsx", ".xls", ".ods", ".json", ".jsonl")
_BY_EXT = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".json": "json",
           ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "csv", ".txt": None, "": None,
           ".html": "html", ".htm": "html"}


def expand_inputs(path: str) -> list[str]:
    """The files ``path`` stands for: itself, or a directory's supported files (read options)."""
    from validators.read.paths import expand, inspect

    st = inspect(path)
    if st is not None and stat.S_ISDIR(st.st_mode):
        opts = current()
        return expand(path, st, opts.recursive, opts.exclude)
    return [path]


def open_tables(path: str, *, sheet: str | None = None, encoding: str | None = None,
                json_path: str | None = None, profile: str = "guide") -> list[Table]:
    """Open one input (file, directory, ``-`` for standard input, pipe) and return its tables.

    ``profile`` picks the column aliases: ``guide`` (办事指南 / 实施清单) or ``case`` (办件).

    Raises InputError.  Limits and options not given here come from :func:`read_options`.
    """
    from validators.read.paths import inspect, is_stream, materialise, sniff

    opts = current()
    json_path = json_path or opts.json_path
    st = inspect(path)
    if st is not None and stat.S_ISDIR(st.st_mode):
        return _open_directory(path, sheet, encoding, json_path, profile)
    ext = os.path.splitext(path)[1].lower() if path != "-" else ""
    if ext not in _BY_EXT:
        raise InputError("unsupported-format", path, ext=ext)
    real = path
    if is_stream(path, st):
        real = materialise(path, st, opts.stream_wait)
    elif not os.access(path, os.R_OK):
        raise InputError("permission-denied", path)
    kind = _BY_EXT[ext]
    if kind in (None, "xlsx", "xls", "ods", "csv") or real != path:
        seen = sniff(real)
        if seen is None:
            raise InputError("empty-file", path)
        if kind is None:
            kind = seen
        elif kind in ("xlsx", "xls", "ods") and seen not in ("xlsx", "xls"):
            if seen != "csv":
                kind = seen   # an "Excel" export that is really HTML, SpreadsheetML or JSON
            else:             # …or tab-separated text; if not even that, calamine says what it is
                from validators.read.csvfile import open_csv

                try:
                    return [open_csv(path, encoding, profile, real_path=real)]
                except InputError:
                    pass
        elif kind == "csv" and seen in ("xlsx", "xls"):
            kind = seen   # a workbook saved under .csv
    if kind in ("xlsx", "xls", "ods"):
        from validators.read.excel import open_excel

        return open_excel(path, sheet, profile, real_path=real)
    if kind == "html":
        from validators.read.htmltable import open_html

        return open_html(path, encoding, sheet, real_path=real)
    if kind == "spreadsheetml":
        raise InputError("spreadsheetml", path)
    if kind in ("json", "jsonl"):
        from validators.read.jsonfile import open_json

        return [open_json(path, encoding, lines=kind == "jsonl", profile=profile, json_path=json_path,
                      real_path=real)]
    from validators.read.csvfile import open_csv

    return [open_csv(path, encoding, profile, real_path=real)]


def _open_directory(path: str, sheet: str | None, encoding: str | None, json_path: str | None,
                    profile: str = "guide") -> list[Table]:
    """Tables of every supported file of a directory.

    A file there without element columns (a notes sheet, a truth table, our own JSON report) is
    skipped with a ``file-skipped`` finding, as a sheet without element columns is; any other
    reading failure stops the run, naming the file.
    """
    from validators.read.rules import FILE_SKIPPED
    from validators.report.findings import record

    tables: list[Table] = []
    skipped: list[InputError] = []
    for name in expand_inputs(path):
        try:
            tables.extend(open_tables(name, sheet=sheet, encoding=encoding, json_path=json_path, profile=profile))
        except InputError as exc:
            if exc.key not in ("no-element-columns", "json-not-a-list", "sheet-not-found"):
                raise
            skipped.append(exc)
    if not tables:
        raise skipped[0] if len(skipped) == 1 else InputError(
            "dir-no-inputs", path, recursive="" if current().recursive else "--recursive",
            exts=" ".join(_SUPPORTED_SHOWN))
    for exc in skipped:
        tables[0].problems.append(record(FILE_SKIPPED, source=exc.source, value=exc.source,
                                         params={"file": exc.source, "reason": exc.render("zh"),
                                                 "reason_en": exc.render("en")}))
    return tables

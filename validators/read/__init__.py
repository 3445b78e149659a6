"""Readers: every input format becomes tables of canonical element columns.

``open_tables(path)`` returns one :class:`Table` per sheet; ``Table.chunks()`` streams pandas
DataFrames whose columns are canonical element names (values as text, empty cells missing) plus
``_row``, the row number a person sees.  One module per format (``csvfile``, ``excel``,
``jsonfile``), header detection (``header``) and column aliases (``aliases``).
"""
from __future__ import annotations

import os

from validators.read.base import InputError, Table

__all__ = ["open_tables", "InputError", "Table"]


def open_tables(path: str, *, sheet: str | None = None, encoding: str | None = None,
                profile: str = "guide") -> list[Table]:
    """Open one input file and return its tables (one per sheet); raises InputError.

    ``profile`` picks the column aliases: ``guide`` (办事指南 / 实施清单) or ``case`` (办件).
    """
    if not os.path.exists(path):
        raise InputError("file-not-found", path)
    if os.path.isdir(path):
        raise InputError("is-directory", path)
    ext = os.path.splitext(path)[1].lower()
    if ext in (".xlsx", ".xlsm", ".xls", ".ods"):
        from validators.read.excel import open_excel

        return open_excel(path, sheet, profile)
    if ext in (".json",):
        from validators.read.jsonfile import open_json

        return [open_json(path, encoding, lines=False, profile=profile)]
    if ext in (".jsonl", ".ndjson"):
        from validators.read.jsonfile import open_json

        return [open_json(path, encoding, lines=True, profile=profile)]
    if ext in (".csv", ".txt", ".tsv", ""):
        from validators.read.csvfile import open_csv

        return [open_csv(path, encoding, profile)]
    raise InputError("unsupported-format", path, ext=ext)

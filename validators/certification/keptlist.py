"""A region's published list of the certification materials it keeps (证明事项保留清单).

国办发〔2018〕47号 asks every region and department to publish the certification matters it
keeps, each with its basis and issuer; nothing outside the list may be demanded.  Published lists
are tables with a 证明名称 column under a title row (or plain text, one name per line); only the
names are needed here, as material keys.
"""
from __future__ import annotations

import csv
import io
import os

from validators.certification.materials import material_key
from validators.read import InputError

COLUMNS = ("证明名称", "证明事项名称", "证明材料名称", "材料名称", "名称", "证明事项", "name")
HEADER_SCAN = 12


def load_kept_list(path: str) -> set[str]:
    """Material keys of the kept list in ``path`` (.txt one per line; CSV/XLSX with a name column)."""
    if not os.path.exists(path):
        raise InputError("file-not-found", path)
    if os.path.isdir(path):
        raise InputError("is-directory", path)
    ext = os.path.splitext(path)[1].lower()
    if ext in (".xlsx", ".xlsm", ".xls", ".ods"):
        rows = _excel_rows(path)
    else:
        rows = _text_rows(path, ext)
    keys = _names(rows, plain=ext == ".txt")
    keys.discard("")
    if not keys:
        raise InputError("certificate-kept-list-empty", path)
    return keys


def _text_rows(path: str, ext: str) -> list[list[list[str]]]:
    from validators.read.csvfile import detect_encoding

    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        text = raw.decode(detect_encoding(path, raw[: 1 << 20]))
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError("unreadable", path, detail=str(exc)) from exc
    text = text.lstrip("\ufeff")
    if ext == ".txt":
        return [[[line] for line in text.splitlines()]]
    return [list(csv.reader(io.StringIO(text)))]


def _excel_rows(path: str) -> list[list[list[str]]]:
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(path)
        return [[[("" if c is None else str(c)) for c in r] for r in wb.get_sheet_by_name(n).to_python()]
                for n in wb.sheet_names]
    except Exception as exc:  # any parser failure is unreadable input, one line
        raise InputError("unreadable", path, detail=f"{type(exc).__name__}: {exc}") from exc


def _names(sheets, plain: bool) -> set[str]:
    keys: set[str] = set()
    for rows in sheets:
        if plain:
            keys |= {material_key(r[0]) for r in rows if r and r[0].strip()}
            continue
        for i, r in enumerate(rows[:HEADER_SCAN]):
            cells = [c.strip() for c in r]
            col = next((cells.index(c) for c in COLUMNS if c in cells), None)
            if col is not None:
                keys |= {material_key(x[col]) for x in rows[i + 1:] if len(x) > col and x[col].strip()}
                break
    return keys

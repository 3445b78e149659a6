"""Data tables written for people to open (the conform match table): CSV or XLSX, safely.

* Nothing from the data becomes a formula: text cells starting with ``= + - @``, tab or CR get
  the ``'`` prefix OWASP recommends for CSV injection, in CSV and XLSX alike, and XLSX cells are
  written with the string type; characters XLSX cannot hold are shown as ``\\xNN``
  (:func:`validators.exporters.safety.cell_text`).
* Linear: text columns are neutralised with one vectorised regex test per column (only matching
  cells are rewritten); CSV goes through pyarrow, XLSX through XlsxWriter's constant-memory
  (streaming) mode, so time and memory grow linearly with the rows.
* Atomic: the file appears only when complete (:mod:`validators.exporters.atomic`).
"""
from __future__ import annotations

import contextlib
import errno

from numpy import bool_ as np_bool

from validators.exporters.atomic import atomic_open, atomic_path
from validators.exporters.safety import XLSX_CELL_MAX, cell_text

EXCEL_MAX_ROWS = 1_048_575
# a formula prefix at the start, or a character XLSX cannot hold anywhere
_UNSAFE = "^[=+\\-@\t\r]|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]"
_UNSAFE_ARROW = "^[=+\\-@\t\r]|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def safe_frame(frame, limit: int | None = None):
    """A copy of ``frame`` whose text cells are safe to open in a spreadsheet program (and at most
    ``limit`` characters long)."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s):
            pattern = _UNSAFE
        elif pd.api.types.is_string_dtype(s):
            pattern = _UNSAFE_ARROW  # Arrow strings cannot hold lone surrogates (nor can RE2 name them)
        else:
            continue
        bad = s.str.contains(pattern, regex=True, na=False).to_numpy(dtype=bool, copy=True)
        if limit:
            bad |= (s.str.len() > limit).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            obj = s.astype(object).where(s.notna(), None)
            idx = obj.index[bad]
            obj.loc[idx] = [cell_text(v, limit) for v in obj.loc[idx]]
            out[col] = obj
    return out


def write_frame(frame, path: str, *, sheet_name: str = "matches") -> None:
    """CSV (UTF-8 with BOM, so Excel opens it cleanly) or XLSX, chosen by the extension."""
    if path.lower().endswith((".xlsx", ".xlsm")):
        if len(frame) > EXCEL_MAX_ROWS:
            raise ValueError(f"{len(frame)} rows do not fit an Excel sheet; write CSV")
        _write_xlsx(safe_frame(frame, XLSX_CELL_MAX), path, sheet_name)
    else:
        _write_csv(safe_frame(frame), path)


def _write_csv(frame, path: str) -> None:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    # pyarrow writes a million rows several times faster than DataFrame.to_csv
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # a column mixing text and numbers
        frame = frame.copy()
        for col in frame.columns:
            if frame[col].dtype == object:
                frame[col] = frame[col].map(lambda v: v if v is None or isinstance(v, str)
                                            else (None if v != v else str(v)))
        table = pa.Table.from_pandas(frame, preserve_index=False)
    with atomic_open(path, "wb") as fh:
        fh.write(b"\xef\xbb\xbf")
        pcsv.write_csv(table, fh)


def _write_xlsx(frame, path: str, sheet_name: str) -> None:
    """XlsxWriter in constant-memory mode: each row goes to disk as it is written (linear time,
    flat memory); strings are never turned into formulas, numbers or links."""
    import math

    import xlsxwriter

    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(tmp, {"constant_memory": True, "strings_to_formulas": False,
                                       "strings_to_numbers": False, "strings_to_urls": False,
                                       "nan_inf_to_errors": True})
        try:
            ws = wb.add_worksheet(sheet_name)
            bold = wb.add_format({"bold": True})
            ws.write_row(0, 0, [str(cell_text(str(name))) for name in frame.columns], bold)
            ws.freeze_panes(1, 0)
            columns = [frame[c].to_numpy(dtype=object) for c in frame.columns]
            write_string, write_number, write_boolean = ws.write_string, ws.write_number, ws.write_boolean
            for r in range(len(frame)):
                row = r + 1
                for c, col in enumerate(columns):
                    v = col[r]
                    if v is None:
                        continue
                    if isinstance(v, str):
                        write_string(row, c, v)
                    elif isinstance(v, (bool, np_bool)):
                        write_boolean(row, c, bool(v))
                    elif isinstance(v, (int, float)) or hasattr(v, "item"):
                        v = v.item() if hasattr(v, "item") else v
                        if isinstance(v, float) and math.isnan(v):
                            continue
                        if isinstance(v, bool):
                            write_boolean(row, c, v)
                        elif isinstance(v, (int, float)):
                            write_number(row, c, v)
                        else:
                            write_string(row, c, str(cell_text(str(v))))
                    else:
                        write_string(row, c, str(cell_text(str(v))))
        except BaseException:
            with contextlib.suppress(Exception):
                wb.close()   # release its temporary files; atomic_path discards the output
            raise
        _close(wb)


def _close(wb) -> None:
    """Close an XlsxWriter workbook; a failed write (full disk) is the OSError it wraps."""
    from xlsxwriter.exceptions import FileCreateError

    try:
        wb.close()
    except FileCreateError as exc:
        inner = exc.args[0] if exc.args else None
        if isinstance(inner, OSError):
            raise inner from None
        raise OSError(errno.EIO, str(exc)) from None

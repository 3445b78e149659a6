"""Data tables written for people to open (the conform match table): CSV or XLSX, safely.

* Nothing from the data becomes a formula: text cells starting with ``= + - @``, tab or CR get
  the ``'`` prefix OWASP recommends for CSV injection, in CSV and XLSX alike, and XLSX cells are
  written with the string type; characters XLSX cannot hold are shown as ``\\xNN``
  (:func:`validators.exporters.safety.cell_text`).
* Linear: text columns are neutralised with one vectorised regex test per column (only matching
  cells are rewritten); CSV goes through pyarrow, XLSX through openpyxl's write-only (streaming)
  mode, so a million-row table costs seconds, not the quadratic minutes of a normal workbook.
* Atomic: the file appears only when complete (:mod:`validators.exporters.atomic`).
"""
from __future__ import annotations

from validators.exporters.atomic import atomic_open, atomic_path
from validators.exporters.safety import cell_text

EXCEL_MAX_ROWS = 1_048_575
# a formula prefix at the start, or a character XLSX cannot hold anywhere
_UNSAFE = "^[=+\\-@\t\r]|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]"
_UNSAFE_ARROW = "^[=+\\-@\t\r]|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def safe_frame(frame):
    """A copy of ``frame`` whose text cells are safe to open in a spreadsheet program."""
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
        bad = s.str.contains(pattern, regex=True, na=False).to_numpy(dtype=bool)
        if bad.any():
            obj = s.astype(object).where(s.notna(), None)
            idx = obj.index[bad]
            obj.loc[idx] = [cell_text(v) for v in obj.loc[idx]]
            out[col] = obj
    return out


def write_frame(frame, path: str, *, sheet_name: str = "matches") -> None:
    """CSV (UTF-8 with BOM, so Excel opens it cleanly) or XLSX, chosen by the extension."""
    if path.lower().endswith((".xlsx", ".xlsm")):
        if len(frame) > EXCEL_MAX_ROWS:
            raise ValueError(f"{len(frame)} rows do not fit an Excel sheet; write CSV")
        _write_xlsx(safe_frame(frame), path, sheet_name)
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
    import math

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_name)
    bold = Font(bold=True)
    header = []
    for name in frame.columns:
        cell = WriteOnlyCell(ws, value=str(cell_text(str(name))))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    ws.freeze_panes = "A2"

    def cell_of(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        if isinstance(v, str):
            c = WriteOnlyCell(ws, value=v)
            c.data_type = "s"  # text stays text, whatever it starts with
            return c
        if hasattr(v, "item"):  # numpy scalars
            v = v.item()
        return v

    for row in frame.itertuples(index=False, name=None):
        ws.append([cell_of(v) for v in row])
    with atomic_path(path) as tmp:
        wb.save(tmp)

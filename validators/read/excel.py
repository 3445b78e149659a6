"""Excel reader (XLSX/XLSM/XLS/ODS through calamine): every sheet with element columns, values as text."""
from __future__ import annotations

import os
from typing import Any, Iterator

from validators.read.base import CHUNK_ROWS, InputError, Table
from validators.read.header import labels_problems, pick_header
from validators.read.rules import SHEET_SKIPPED
from validators.report.findings import record


def cell_text(v: Any) -> Any:
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


def open_excel(path: str, sheet: str | None) -> list[Table]:
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(path)
        names = list(wb.sheet_names)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise InputError("corrupt-excel", path, detail=str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__) from exc
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
            raise InputError("corrupt-excel", path, detail=f"{name}: {exc}"[:200]) from exc
        while rows and all(v is None or v == "" for v in rows[-1]):
            rows.pop()  # formatted but empty rows below the data are not rows of the export
        if not rows:
            skipped.append(name)
            continue
        try:
            idx, mapping, unknown, dups = pick_header(rows, path, name)
        except InputError:
            if sheet is not None:
                raise
            skipped.append(name)
            continue
        labels = [("" if v is None else str(v)) for v in rows[idx]]
        t = Table(path, name, mapping, unknown, idx + 1, _excel_chunks,
                  problems=labels_problems(unknown, dups), size_bytes=os.path.getsize(path))
        t.state = {"rows": rows, "labels": labels, "start": idx + 1}
        tables.append(t)
    if not tables:
        raise InputError("no-element-columns", path, sheet="、".join(skipped))
    for name in skipped:
        tables[0].problems.append(record(SHEET_SKIPPED, sheet=name, value=name, params={"sheet": name}))
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
            data.append([cell_text(r[p]) for p in pos])
        frame = pd.DataFrame(data, columns=names, dtype="str")
        frame["_row"] = np.arange(lo + 1, lo + 1 + len(part), dtype=np.int64)
        yield frame

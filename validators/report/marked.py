"""The rows behind the findings, captured during the scan for the annotated workbook.

:class:`MarkedRows` is a scan observer (``Report.observers``): for each chunk it keeps the
original cell values of the rows that have a finding — never the clean rows — so the XLSX
exporter writes its 标注 sheets without opening the inputs again.  Memory is bounded: at most
``max_rows`` rows are kept (the first ones in file order; the sheet says when more were left
out), while a compact (row → unit) index of *every* row with a finding is kept as integers, so
``--split-by`` can still place each finding in its unit's workbook.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MAX_ROWS = 50_000


@dataclass
class TableRows:
    source: str
    sheet: str | None
    columns: dict[str, str]                       # canonical → header label in the file
    frames: list = field(default_factory=list)     # kept rows: canonical columns + _row
    kept: int = 0
    dropped: int = 0
    unit_rows: list = field(default_factory=list)  # row numbers with a finding (int64 arrays)
    unit_codes: list = field(default_factory=list)  # their unit index (int32 arrays)
    _kept_units: object = field(default=None, repr=False)

    def frame(self):
        """The kept rows as one frame (cached; None when none were kept)."""
        import pandas as pd

        if self.frames and len(self.frames) > 1:
            self.frames = [pd.concat(self.frames, ignore_index=True)]
        return self.frames[0] if self.frames else None

    def unit_index(self) -> dict[int, int]:
        """Row number → unit index, for every row with a finding."""
        if not self.unit_rows:
            return {}
        return dict(zip(np.concatenate(self.unit_rows).tolist(), np.concatenate(self.unit_codes).tolist(), strict=True))

    def kept_units(self) -> np.ndarray:
        """The unit index of each kept row (aligned with :meth:`frame`; computed once)."""
        if self._kept_units is None:
            kept = self.frame()
            idx = self.unit_index() if kept is not None else {}
            rows = kept["_row"].tolist() if kept is not None else []
            self._kept_units = np.array([idx.get(int(r), -1) for r in rows], dtype=np.int64)
        return self._kept_units


class MarkedRows:
    """Scan observer keeping the offending rows (bounded) and each such row's unit."""

    def __init__(self, max_rows: int = MAX_ROWS, unit_field: str = "implementing_body"):
        self.max_rows = max_rows
        self.unit_field = unit_field
        self.tables: dict[tuple[str, str | None], TableRows] = {}
        self.units: list[str] = []
        self._unit_index: dict[str, int] = {}

    @property
    def kept(self) -> int:
        return sum(t.kept for t in self.tables.values())

    def unit_label(self) -> str:
        from validators.core.schema import label

        return label(self.unit_field)

    def missing_unit(self, lang: str = "zh") -> str:
        from validators.core.schema import label

        return f"（未填{label(self.unit_field)}）" if lang != "en" else f"(no {self.unit_field})"

    def observe(self, report, table, rows, found) -> None:
        import pandas as pd

        key = (table.source, table.sheet)
        tr = self.tables.get(key)
        if tr is None:
            tr = self.tables[key] = TableRows(table.source, table.sheet, dict(table.columns))
        if found is None or not len(found):
            return
        pos = np.unique(found["_pos"].to_numpy(dtype=np.int64))
        frame = rows.frame
        row_numbers = frame["_row"].to_numpy()[pos].astype(np.int64)
        if rows.has(self.unit_field):
            text = rows.text(self.unit_field).to_numpy(dtype=object, na_value=None)[pos]
        else:
            text = np.full(len(pos), None, dtype=object)
        codes, uniques = pd.factorize(pd.Series(text, dtype=object).fillna(self.missing_unit()))
        lookup = np.array([self._unit(u) for u in uniques], dtype=np.int32)
        tr.unit_rows.append(row_numbers)
        tr.unit_codes.append(lookup[codes] if len(codes) else np.zeros(0, np.int32))
        room = self.max_rows - self.kept
        take = pos[:max(room, 0)]
        tr.dropped += len(pos) - len(take)
        if len(take):
            tr.frames.append(frame.iloc[take].reset_index(drop=True))
            tr.kept += len(take)

    def unit_code(self, name: str) -> int:
        return self._unit_index.get(name, -1)

    def _unit(self, name: str) -> int:
        i = self._unit_index.get(name)
        if i is None:
            i = self._unit_index[name] = len(self.units)
            self.units.append(name)
        return i


def marked_rows(report) -> MarkedRows | None:
    """The MarkedRows observer that rode along ``report``'s scan, if any."""
    return next((o for o in report.observers if isinstance(o, MarkedRows)), None)

"""Reading one source (any reader format) into cleaned columns, and comparing two columns.

:func:`cleaned_chunks` streams a source's tables as frames holding only the wanted elements,
trimmed, with empty cells and placeholders (无, /, —) missing, plus ``_row`` (the row a person
sees) and ``_src`` (which table).  Rows that hold none of the wanted elements are blank rows.

:func:`same_values` compares a channel column with the reference rows it paired with: equal text
is identical at once (vectorised); only differing text is keyed (:mod:`validators.channels.normalise`),
once per distinct value.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from validators.channels.fields import FieldSpec


@dataclass
class SourceTables:
    """One input file: its tables, and what reading them found."""

    path: str
    tables: list
    columns: set[str]
    rows: list[int] = field(default_factory=list)        # data rows per table
    blank: list[int] = field(default_factory=list)       # blank rows per table

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    def where(self, src: int) -> tuple[str, str | None]:
        t = self.tables[src]
        return t.source, t.sheet


def open_source(path: str, *, sheet: str | None = None, encoding: str | None = None) -> SourceTables:
    from validators.read import open_tables

    tables = open_tables(path, sheet=sheet, encoding=encoding)
    cols: set[str] = set()
    for t in tables:
        cols |= set(t.columns)
    return SourceTables(path, tables, cols, [0] * len(tables), [0] * len(tables))


def cleaned_chunks(src: SourceTables, wanted: list[str], progress=None) -> Iterator:
    """Frames of the wanted columns (text, missing where absent), ``_row`` and ``_src``."""
    import pandas as pd

    from validators.core.rows import Rows

    for i, table in enumerate(src.tables):
        for chunk in table.chunks():
            rows = Rows(chunk)
            # every table of a source gets the source's columns, so frames of two sheets concatenate
            data = {c: rows.text(c) for c in wanted if c in src.columns}
            present = np.zeros(len(chunk), dtype=bool)
            for c in data:
                if rows.has(c):
                    present |= rows.present(c)
            frame = pd.DataFrame(data, index=chunk.index)
            frame["_row"] = chunk["_row"].to_numpy()
            frame["_src"] = np.int32(i)
            src.rows[i] += int(present.sum())
            src.blank[i] += int((~present).sum())
            if progress:
                progress(table.source, src.rows[i] + src.blank[i], table.bytes_done, table.size_bytes)
            if not present.all():
                frame = frame[present]
            yield frame.reset_index(drop=True)


def combined(frame, spec: FieldSpec):
    """The column a field's key is computed from: the value, joined with its unit column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from validators.channels.keys import text_array

    if spec.name not in frame:
        return None
    values = text_array(frame[spec.name])
    if spec.unit:
        unit = text_array(frame[spec.unit]) if spec.unit in frame else pa.nulls(len(frame), pa.large_string())
        values = pc.binary_join_element_wise(values, pc.fill_null(unit, ""), pa.scalar("\x1f", pa.large_string()))
    return values


def _key(spec: FieldSpec, raw: str) -> str:
    if spec.unit:
        value, _, unit = raw.partition("\x1f")
        return spec.key(value, unit or None)
    return spec.key(raw)


def same_values(spec: FieldSpec, channel, reference, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(compared, identical) per channel row against the reference rows ``pos``.

    Equal text is identical without further work (one vectorised comparison); only the pairs
    whose text differs are keyed, once per distinct value, so a million distinct item names that
    agree cost nothing and a few respelled 办理时间 cost a few key computations.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(pos)
    ref = reference.take(pa.array(pos)) if reference is not None else pa.nulls(n, pa.large_string())
    chan = channel if channel is not None else pa.nulls(n, pa.large_string())
    c_ok = pc.is_valid(chan).to_numpy(zero_copy_only=False)
    r_ok = pc.is_valid(ref).to_numpy(zero_copy_only=False)
    compared = c_ok | r_ok
    same = pc.fill_null(pc.equal(chan, ref), False).to_numpy(zero_copy_only=False)
    need = np.flatnonzero(c_ok & r_ok & ~same)
    if len(need):
        idx = pa.array(need)
        keys = []
        for side in (chan.take(idx), ref.take(idx)):
            codes, uniques = pd.factorize(side.to_pandas())
            keys.append(np.asarray([_key(spec, u) for u in uniques], dtype=object)[codes])
        same[need] = keys[0] == keys[1]
    return compared, compared & same


def display(frame, spec: FieldSpec, positions) -> list:
    """Raw values as a person reads them (a time limit with its unit word) at ``positions``."""
    import pyarrow as pa

    from validators.channels.keys import text_array
    from validators.channels.normalise import limit_display

    if spec.name not in frame:
        return [None] * len(positions)
    idx = pa.array(np.asarray(positions, dtype=np.int64))
    vals = text_array(frame[spec.name]).take(idx).to_pylist()
    if spec.unit:
        units = (text_array(frame[spec.unit]).take(idx).to_pylist()
                 if spec.unit in frame else [None] * len(positions))
        return [limit_display(v, u) for v, u in zip(vals, units, strict=False)]
    return vals

"""Column-wise construction of the canonical text frames the Excel, HTML and JSON readers yield.

A reader hands over its rows a few thousand at a time (``SLICE_ROWS``: Python objects for a whole
50,000-row chunk would cost many times the text they hold), each element's raw values as one
list; :func:`texts` turns a list into element text in Arrow (one C-level pass) when every value is
a string or None, the usual export, and calls the reader's per-value converter only otherwise.
:class:`TextFrames` gathers the slices of a chunk and gives the same frame as
``pd.DataFrame(rows, columns=names, dtype="str")`` plus ``_row``.
"""
from __future__ import annotations

from typing import Any, Callable

SLICE_ROWS = 4096


def texts(values: list, convert: Callable[[Any], Any]) -> Any:
    """Element text of ``values``: ``convert(v)`` for each, where ``convert`` keeps a str, makes ""
    None; an Arrow string array when possible, else the list (text Arrow cannot hold)."""
    import pyarrow as pa

    try:
        arr = pa.array(values, type=pa.string())
    except (pa.ArrowException, UnicodeError):
        values = [convert(v) for v in values]
        try:
            return pa.array(values, type=pa.string())
        except (pa.ArrowException, UnicodeError):
            return values   # lone surrogates: pandas holds them, Arrow does not
    return without_empty(arr)


def without_empty(col):
    """An arrow text array or chunked array with its "" null (what every reader reads as missing).
    A chunk holding no "" is kept as it is; one holding some gets a new validity bitmap over the
    same offsets and text, so a blank record (an empty value in every column of most chunks)
    costs a bit a row, not a copy of the text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(col, pa.ChunkedArray):
        return pa.chunked_array([without_empty(c) for c in col.chunks], type=col.type)
    empty = pc.fill_null(pc.equal(col, ""), False)
    if not pc.any(empty).as_py():
        return col
    return null_where(col, empty.to_numpy(zero_copy_only=False))


def null_where(col, mask):
    """An arrow text array or chunked array with the cells where ``mask`` (numpy bool, one per
    row) is true made null: a new validity bitmap over the same offsets and text, no copy."""
    import numpy as np
    import pyarrow as pa

    if isinstance(col, pa.ChunkedArray):
        parts, at = [], 0
        for c in col.chunks:
            parts.append(null_where(c, mask[at: at + len(c)]))
            at += len(c)
        return pa.chunked_array(parts, type=col.type)
    valid = np.zeros(col.offset + len(col), dtype=bool)
    valid[col.offset:] = col.is_valid().to_numpy(zero_copy_only=False) & ~mask
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(col.type, len(col), [bitmap, *col.buffers()[1:]], offset=col.offset)


class TextFrames:
    """The slices of one chunk, column by column, and the chunk's frame."""

    def __init__(self, names: list[str]):
        self.names = names
        self.pieces: dict[str, list] = {n: [] for n in names}
        self.rows: list = []

    def add(self, columns: dict[str, Any], rows) -> None:
        """One slice: name → what :func:`texts` gave; ``rows`` its ``_row`` numbers."""
        for n in self.names:
            self.pieces[n].append(columns[n])
        self.rows.extend(rows)

    def __len__(self) -> int:
        return len(self.rows)

    def frame(self) -> Any:
        """The chunk's frame, made once: the slices are handed over to it, so a reader waiting at
        its ``yield`` holds none of them (``len`` still counts the rows)."""
        import numpy as np
        import pandas as pd
        import pyarrow as pa

        pieces, self.pieces = self.pieces, {n: [] for n in self.names}
        if all(isinstance(p, pa.Array) for ps in pieces.values() for p in ps):
            # large_string (the XLSX scanner's text) is what pandas' str columns hold: kept as it is
            kind = pa.large_string() if all(p.type == pa.large_string() for ps in pieces.values()
                                            for p in ps) else pa.string()
            frame = pa.table({n: pa.chunked_array(ps, type=kind) for n, ps in pieces.items()}).to_pandas()
        else:
            frame = pd.DataFrame({n: [v for p in ps for v in (p.to_pylist() if isinstance(p, pa.Array) else p)]
                                  for n, ps in pieces.items()}, dtype="str")
        del pieces
        frame["_row"] = np.asarray(self.rows, dtype=np.int64)
        return frame

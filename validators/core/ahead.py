"""The next chunk's column views, computed while the reader would otherwise wait.

The read-ahead thread (:func:`validators.read.base.read_ahead`) parses chunk N+1 while the checks
run on chunk N, and is usually done first: parsing costs less than checking.  :class:`Ahead`
fills that wait: on chunk N+1 it computes the views the checks asked for on the chunk before —
each column's trimmed text and presence, distinct values, code forms, pattern matches — mostly
arrow kernels that run with the GIL released, on the second core.  Each view is published to the
chunk's :class:`~validators.core.rows.Rows` once whole; what is not ready when the checks reach
the chunk they compute themselves, as before.  The views are the same either way, only computed
earlier.

The thread also drops the chunk's blank rows first (:func:`prepare`), so the views are those of
the rows the checks will see, and the chunk as read (blank rows and all) is not held beside its
copy while the checks run.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from validators.core.rows import Rows


@dataclass
class Prepared:
    """A chunk made ready for the checks: ``rows`` of its rows that are not blank, and the
    ``_row`` numbers of the blank rows dropped (None when there are none)."""

    rows: Rows
    blank: Any = None

    @property
    def read(self) -> int:
        """Rows of the chunk as read."""
        return self.rows.n + (0 if self.blank is None else len(self.blank))


def blank_rows(chunk):
    """numpy bool per row: rows with no value in any column but ``_row`` — a cell of spaces is
    no value, in every format as in a CSV line of spaces (column by column, on the rows still
    blank, stopping at the first column that leaves none)."""
    import numpy as np

    blank = np.ones(len(chunk), dtype=bool)
    for col in chunk.columns:
        if col == "_row":
            continue
        at = np.flatnonzero(blank)
        part = chunk[col] if len(at) == len(chunk) else chunk[col].iloc[at]
        empty = part.isna().to_numpy()
        if not empty.all():
            empty = empty | _spaces(part)
        blank[at] = empty
        if not blank.any():
            break
    return blank


def _spaces(part):
    """Whether each value is text of white space only."""
    import numpy as np

    try:
        return part.str.isspace().fillna(False).to_numpy(dtype=bool)
    except AttributeError:     # not a text column
        return np.zeros(len(part), dtype=bool)


def prepare(chunk) -> Prepared:
    """``chunk`` without its blank rows, as :class:`Rows` (views still to compute; the pipeline
    sets the coding scheme once it has chosen it)."""
    blank = blank_rows(chunk)
    if not blank.any():
        return Prepared(Rows(chunk))
    dropped = chunk["_row"].to_numpy()[blank]
    return Prepared(Rows(chunk.loc[~blank].reset_index(drop=True)), dropped)


class Ahead:
    """``idle`` for :meth:`validators.read.base.Table.chunks`: gives each chunk its
    :class:`Prepared` and the steps that fill its :class:`Rows` ahead.  :meth:`learn` records the
    views the checks used and the coding scheme they were read under."""

    def __init__(self):
        self.learned: tuple[list[tuple[str, tuple]], Any] | None = None   # (plan, profile)

    def __call__(self, chunk) -> tuple[Prepared, Iterator[Callable[[], None]]]:
        ready = prepare(chunk)
        return ready, self._steps(ready.rows.frame, ready.rows)

    def _steps(self, chunk, shared: Rows) -> Iterator[Callable[[], None]]:
        learned = self.learned
        if learned is None:   # the first chunk is still being checked: every column's presence
            learned = [("present", (col,)) for col in chunk.columns if col != "_row"], None
        plan, profile = learned
        own = Rows(chunk, profile)   # work in progress stays here until it is whole
        for method, args in plan:
            own.compute(method, args)
            yield lambda: own.publish(shared)

    def learn(self, rows: Rows) -> None:
        """Take the views the checks computed on a whole chunk as the plan for the next ones."""
        if self.learned is None:   # code views depend on the scheme: both are set at once
            self.learned = rows.views(), rows.profile


def prepared(item: Any) -> Prepared:
    """An item of :meth:`Table.chunks` with an :class:`Ahead`: as the reader thread prepared it,
    or prepared here from the chunk it could not prepare."""
    return item if isinstance(item, Prepared) else prepare(item)

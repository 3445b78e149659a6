"""The next chunk's column views, computed while the reader would otherwise wait.

The read-ahead thread (:func:`validators.read.base.read_ahead`) parses chunk N+1 while the checks
run on chunk N, and is usually done first: parsing costs less than checking.  :class:`Ahead`
fills that wait: on chunk N+1 it computes the views the checks asked for on the chunk before —
each column's trimmed text and presence, distinct values, code forms, pattern matches — mostly
arrow kernels that run with the GIL released, on the second core.  Each view is published to the
chunk's :class:`~validators.core.rows.Rows` once whole; what is not ready when the checks reach
the chunk they compute themselves, as before.  The views are the same either way, only computed
earlier.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from validators.core.rows import Rows


class Ahead:
    """``idle`` for :meth:`validators.read.base.Table.chunks`: gives each chunk a :class:`Rows`
    and the steps that fill it ahead.  :meth:`learn` records the views the checks used and the
    coding scheme they were read under."""

    def __init__(self):
        self.learned: tuple[list[tuple[str, tuple]], Any] | None = None   # (plan, profile)

    def __call__(self, chunk) -> tuple[Rows, Iterator[Callable[[], None]]]:
        shared = Rows(chunk)
        return shared, self._steps(chunk, shared)

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


def prepared_rows(item: Any, chunk, profile) -> Rows:
    """The :class:`Rows` of a ``(chunk, prepared)`` pair of :meth:`Table.chunks` when it still
    describes ``chunk`` (the pipeline drops blank rows first), else a new one."""
    rows = item if isinstance(item, Rows) and item.frame is chunk else Rows(chunk)
    rows.profile = profile
    return rows

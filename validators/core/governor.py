"""Keep a long run's peak memory at the level its first chunks set.

What a run keeps grows by a few bytes a row only (the 实施编码 filters), but each chunk's peak is
two threads' working sets meeting (the checks of one chunk, the parse of the next), and with the
read-ahead thread those peaks rise over the first million or so rows to a plateau of the
allocator's, ~15 MB above where a million-row run ends; a longer run also meets the top of their
scatter more often.  So after :data:`SETTLE` chunks, each chunk that raises the process's peak
makes the chunks after it a tenth smaller (never under :data:`LEAST` rows): a smaller chunk has
a smaller working set, and the peak stays where the first chunks put it.  Readers that stream
by rows read :attr:`validators.read.base.Table.chunk_rows` at each chunk (the CSV reader does).

The peak is the process's own (``ru_maxrss``); where there is none (Windows) nothing changes.
"""
from __future__ import annotations

SETTLE = 8          # chunks read at full size: their peak is the level to hold
STEP = 0.9          # a chunk that passed the peak makes the next ones this much smaller
LEAST = 10_000      # rows a chunk keeps at least (below that the per-chunk costs show)


def _peak() -> int | None:
    try:
        import resource
    except ImportError:   # Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # only compared: KB or bytes alike


class ChunkGovernor:
    """Call :meth:`after_chunk` once the checks of each chunk of ``table`` are done."""

    def __init__(self, settle: int | None = None, step: float = STEP, least: int | None = None):
        self.settle = SETTLE if settle is None else settle
        self.least = LEAST if least is None else least
        self.step = step
        self.chunks = 0
        self.peak = _peak()
        self.shrunk = 0     # chunks after which the size went down

    def after_chunk(self, table, rows: int) -> None:
        """``rows``: the rows of the chunk just checked, as read."""
        peak = _peak()
        if peak is None:
            return
        self.chunks += 1
        if self.chunks > self.settle and self.peak is not None and peak > self.peak:
            # a tenth off the size asked for (a chunk is whole parsed blocks, so a little more)
            smaller = max(self.least, int(self.step * (table.chunk_rows or rows)))
            if smaller < (table.chunk_rows or rows + 1):
                table.chunk_rows = smaller
                self.shrunk += 1
        self.peak = peak

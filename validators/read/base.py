"""Reader records: Table, InputError and the limits every reader shares.

Every reader yields :class:`Table` objects, one per sheet.  ``Table.chunks()`` streams pandas
DataFrames whose columns are canonical element names (all values text, empty cells missing) plus
``_row``, the row number a person sees (header row = 1 in a sheet or CSV; 1-based record number in
JSON/JSONL).  Large CSVs are parsed by pyarrow's streaming reader in blocks, so memory stays flat
whatever the file size; a ragged CSV (rows with the wrong number of cells) falls back to Python's
csv module so that every row keeps its true number and is reported, never dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Callable, Iterator

HEAD_BYTES = 1 << 20
HEADER_SCAN_ROWS = 12
CHUNK_ROWS = 50_000
# pyarrow's streaming CSV reader reads up to 32 blocks ahead in a background thread and refills
# the queue 16 blocks at a time: 1 MiB blocks hold 16-32 MB of raw text there, 4 MiB blocks
# 64-128 MB, a swing that landed on every chunk's peak.  Parsing is as fast at 1 MiB; smaller
# blocks are slower.  A row longer than a block is read again in larger ones (csvfile._Straddle).
BLOCK_SIZE = 1 << 20
JSON_BLOCK_SIZE = 4 << 20  # pyarrow's JSON reader, at least 4× the longest record

Idle = Callable[[Any], tuple[Any, Iterator[Callable[[], None]]]]
"""Work for the read-ahead thread's wait: chunk → (prepared, steps) (see :func:`read_ahead`)."""

JSON_LIST_KEYS = ("data", "items", "records", "rows", "list", "result", "tasks", "guides")


class InputError(Exception):
    """Input that cannot be read at all: exit code 3, one clear line naming file and cause."""

    def __init__(self, key: str, source: str, **params: Any):
        super().__init__(key)
        self.key = key
        self.source = source
        self.params = params

    def render(self, lang: str = "zh") -> str:
        from validators.report.messages import input_message

        return input_message(self.key, lang, source=self.source, **self.params)


@dataclass
class Table:
    source: str
    sheet: str | None
    columns: dict[str, str]            # canonical → original header label
    unknown: list[str]
    header_row: int                    # 1-based row of the header (0 for JSON)
    _chunker: Callable[["Table"], Iterator[Any]]
    problems: list[dict] = dc_field(default_factory=list)   # finding records (validators.report.findings.record)
    size_bytes: int | None = None
    bytes_done: int | None = None      # progress of the streaming CSV reader
    chunk_rows: int | None = None      # rows a CSV chunk, None: CHUNK_ROWS (validators.core.governor lowers it)
    state: dict = dc_field(default_factory=dict)   # what the format's chunker needs to re-read

    def rows_to_come(self, rows_read: int) -> int | None:
        """A guess of the rows still to read, from the share of the file's bytes read so far
        (None where the reader does not count them).  The reader's position runs ahead of the
        rows handed over, so the guess is low at first; it gets a tenth more."""
        if not self.size_bytes or not self.bytes_done or rows_read <= 0:
            return None
        left = max(0, self.size_bytes - self.bytes_done)
        return int(1.1 * rows_read * left / self.bytes_done)

    def chunks(self, idle: Idle | None = None) -> Iterator[Any]:
        """The table's chunks, the next one parsed in a thread while this one is checked; with
        ``idle`` (see :func:`read_ahead`), what it made of each chunk."""
        return read_ahead(self._chunker(self), idle=idle)


_DONE = object()


class _Handoff:
    """A chunk's hand-over: the consumer sets ``taken`` under ``lock``, and the reader commits
    work done ahead for the chunk under the same lock, so nothing lands after the consumer took it."""

    __slots__ = ("lock", "taken")

    def __init__(self):
        import threading

        self.lock = threading.Lock()
        self.taken = False


def read_ahead(chunks: Iterator[Any], depth: int = 1, idle: Idle | None = None) -> Iterator[Any]:
    """Yield ``chunks`` while a thread produces the next ``depth`` of them.

    pyarrow parses with the GIL released, so reading the next chunk overlaps with the checks of
    this one on a second core.  The reader starts a chunk only when the consumer has taken the
    one before, so memory grows by at most ``depth`` chunks.  An exception of the reader (an
    :class:`InputError`, a ragged row …) is raised here, in the consumer, at the point where its
    chunk would have come; closing this generator early stops the reader.

    ``idle(chunk)`` puts the reader's waiting time to use: it returns ``(prepared, steps)``, and
    the consumer receives ``prepared`` in the chunk's place (the chunk itself where ``idle``
    failed), so ``prepared`` decides what of the chunk stays held.  While the consumer is still
    busy with the chunk before, the reader runs ``steps`` one at a time; each step does its work
    and yields a ``commit`` callable that publishes it into ``prepared``.  Once the consumer takes
    it no step is committed any more, so ``prepared`` holds whole steps only and is the
    consumer's alone.
    """
    import contextvars
    import queue
    import threading

    box: queue.Queue = queue.Queue()
    slots = threading.Semaphore(depth)
    stop = threading.Event()

    def wait_slot() -> bool:
        while not stop.is_set():
            if slots.acquire(timeout=0.1):
                return True
        return False

    def work_ahead(steps, hand: _Handoff) -> None:
        try:
            for commit in steps:
                with hand.lock:
                    if hand.taken or stop.is_set():
                        return
                    commit()
        except Exception:  # noqa: BLE001 - work ahead is an optimisation: the consumer redoes it and meets the error there
            return
        finally:
            close = getattr(steps, "close", None)
            if close is not None:
                close()

    def produce():
        try:
            while wait_slot():
                chunk = next(chunks, _DONE)
                if chunk is _DONE or idle is None:
                    box.put((chunk, None, None))
                    if chunk is _DONE:
                        return
                    continue
                try:
                    prepared, steps = idle(chunk)
                except Exception:  # noqa: BLE001 - as in work_ahead: the chunk goes unprepared
                    prepared, steps = chunk, iter(())
                chunk = None       # only what idle kept of it stays held
                hand = _Handoff()
                box.put((prepared, None, hand))
                work_ahead(steps, hand)
                prepared = steps = None   # the consumer's now: it may drop them early
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            box.put((None, exc, None))
        finally:
            if stop.is_set() and hasattr(chunks, "close"):
                chunks.close()

    # the reader sees this run's read limits (context variables), as it would without the thread
    worker = threading.Thread(target=contextvars.copy_context().run, args=(produce,),
                              name="sxcheck-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            chunk, exc, hand = box.get()
            if hand is not None:
                with hand.lock:
                    hand.taken = True
            slots.release()
            if exc is not None:
                raise exc
            if chunk is _DONE:
                return
            held = [chunk]
            del chunk
            yield held.pop()   # not kept in this frame while the consumer works on it
    finally:
        stop.set()
        worker.join()

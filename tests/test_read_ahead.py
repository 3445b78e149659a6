"""The read-ahead thread: same chunks in the same order, reader errors raised in the consumer,
the run's read limits seen by the reader, and an early stop ends the reader."""
from __future__ import annotations

import gc
import threading
import time
import weakref

import pytest

from validators.read.base import InputError, read_ahead
from validators.read.limits import current, read_options


def test_chunks_arrive_in_order_and_complete():
    assert list(read_ahead(iter(range(500)))) == list(range(500))
    assert list(read_ahead(iter([]))) == []


def test_a_reader_error_is_raised_where_its_chunk_would_come():
    def chunks():
        yield "first"
        yield "second"
        raise InputError("unreadable", "x.csv", detail="broken")

    got = []
    with pytest.raises(InputError) as info:
        for c in read_ahead(chunks()):
            got.append(c)
    assert got == ["first", "second"] and info.value.source == "x.csv"


def test_the_reader_sees_the_read_limits_of_the_run():
    def chunks():
        yield current().max_cell_kb

    with read_options(max_cell_kb=7):
        assert list(read_ahead(chunks())) == [7]


def test_stopping_early_closes_the_reader():
    closed = threading.Event()

    def chunks():
        try:
            for i in range(10_000):
                yield i
        finally:
            closed.set()

    it = read_ahead(chunks())
    assert next(it) == 0
    it.close()
    assert closed.wait(5)
    deadline = time.monotonic() + 5
    while any(t.name == "sxcheck-read-ahead" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(t.name == "sxcheck-read-ahead" for t in threading.enumerate())


def test_a_validate_run_leaves_no_reader_thread(tmp_path):
    from validators.pipeline import validate

    path = tmp_path / "g.csv"
    path.write_text("事项名称,事项类型\n" + "".join(f"事项{i},01\n" for i in range(120_000)), encoding="utf-8")
    report = validate(str(path))
    assert report.rows_read == 120_000
    assert not any(t.name == "sxcheck-read-ahead" for t in threading.enumerate())


def test_idle_work_is_published_in_whole_steps_while_the_consumer_is_busy():
    def idle(chunk):
        done: list[int] = []

        def steps():
            for k in range(5):
                yield lambda k=k: done.append(k)

        return (chunk, done), steps()

    it = read_ahead(iter(["a", "b", "c"]), idle=idle)
    assert next(it)[0] == "a"
    time.sleep(0.5)            # the consumer is busy with "a": the reader prepares "b" meanwhile
    chunk, done = next(it)
    assert chunk == "b" and done == [0, 1, 2, 3, 4]
    assert [c for c, _ in it] == ["c"]


def test_nothing_is_published_after_the_consumer_took_the_chunk():
    started = threading.Event()

    def idle(chunk):
        done: list[int] = []

        def steps():
            for k in range(1000):
                started.set()
                time.sleep(0.002)   # a step's work, done before its commit
                yield lambda k=k: done.append(k)

        return (chunk, done), steps()

    it = read_ahead(iter(["a", "b"]), idle=idle)
    chunk, done = next(it)
    assert chunk == "a"
    started.wait(5)
    seen = list(done)
    time.sleep(0.2)            # the reader is still stepping: its work goes nowhere now
    assert done == seen and done == list(range(len(done)))
    assert [c for c, _ in it] == ["b"]


def test_an_error_in_idle_work_leaves_the_chunk_to_the_consumer():
    def idle(chunk):
        done: list[int] = []

        def steps():
            yield lambda: done.append(1)
            raise ValueError("a view the consumer will compute (and fail on) itself")

        return (chunk, done), steps()

    it = read_ahead(iter(["a", "b"]), idle=idle)
    assert next(it)[0] == "a"
    time.sleep(0.3)
    assert next(it) == ("b", [1])
    assert list(it) == []


def test_a_failing_idle_leaves_the_chunk_unprepared():
    def idle(chunk):
        raise RuntimeError("cannot prepare")

    assert list(read_ahead(iter(["a", "b"]), idle=idle)) == ["a", "b"]     # the chunks themselves


class _Chunk:
    """A chunk a weak reference can watch."""


def _gone(ref, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while ref() is not None and time.monotonic() < end:
        gc.collect()
        time.sleep(0.01)
    return ref() is None


def _watched(n: int, refs: list):
    """``n`` chunks, a weak reference to each appended to ``refs`` as it is made."""
    for _ in range(n):
        c = _Chunk()
        refs.append(weakref.ref(c))
        yield c
        del c


def test_a_chunk_the_consumer_lets_go_of_is_not_kept_by_the_reader():
    # the pipeline keeps a copy of a chunk without its blank rows: the chunk as read must then go,
    # while the reader parses the next one, not one chunk later
    refs: list = []

    def idle(chunk):
        prepared = [chunk]

        def steps():
            yield lambda: None

        return prepared, steps()

    it = read_ahead(_watched(3, refs), idle=idle)
    first = next(it)
    assert first == [refs[0]()]
    del first
    assert _gone(refs[0])           # neither the consumer's side nor the reader thread holds it
    assert next(it) == [refs[1]()]
    assert len(list(it)) == 1 and refs[0]() is None


def test_what_idle_keeps_of_a_chunk_is_all_that_is_held():
    # the pipeline's idle keeps the chunk's rows that are not blank: the chunk as read goes at once
    refs: list = []
    it = read_ahead(_watched(2, refs), idle=lambda chunk: ("rows of " + str(len(refs)), iter(())))
    assert next(it) == "rows of 1"
    assert _gone(refs[0])


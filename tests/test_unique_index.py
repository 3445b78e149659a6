"""The 实施编码 uniqueness index: exact (hash collisions never make a duplicate), streamed over chunks."""
import gc
import tempfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from validators.checks import expectations
from validators.checks.expectations import NativeSuite, UniqueIndex, hash64
from validators.core import valueindex
from validators.core.rows import Rows

EDGE = ["11450721MB155808114000104002000", "11450721MB15580811400014100500001", "", " ", "无", "A",
        "１１４５０７２１", "事项编码-甲", "x" * 7, "y" * 8, "z" * 9, "长" * 40, "w" * 200, "w" * 201]


def test_hash_depends_on_the_value_alone():
    alone = [int(hash64(pa.array([v], type=pa.large_string()))[0]) for v in EDGE]
    together = hash64(pa.array(EDGE[::-1], type=pa.large_string()))[::-1].tolist()
    assert alone == together
    assert len(set(alone)) == len(EDGE)


def _suite_over(chunks):
    """Duplicate findings (row, first_row) and the uniqueness counter after streaming ``chunks``."""
    suite = NativeSuite()
    spec = next(s for s in suite.specs if s.kind == "unique")
    found, start = [], 2
    for values in chunks:
        frame = pd.DataFrame({"task_code": pd.Series(values, dtype="str"),
                              "_row": np.arange(start, start + len(values))})
        start += len(values)
        for hit in suite.update(Rows(frame), "f.csv", None):
            if hit is not None:
                found += [(int(frame["_row"][p]), prm["first_row"]) for p, prm in zip(hit["_pos"], hit["params"], strict=True)]
    return found, suite.counters[spec].unexpected_count


def _reference(chunks):
    """The same by a dict over the normalised values (placeholders and blanks are not values)."""
    first, found, dup_values, row = {}, [], set(), 2
    for values in chunks:
        for v in values:
            key = None if v is None else v.strip()
            if key and key not in ("无", "/", "-", "—", "暂无"):
                if key in first:
                    found.append((row, first[key]))
                    dup_values.add(key)
                else:
                    first[key] = row
            row += 1
    return found, len(found) + len(dup_values)


CHUNKS = [["a1", "b2", "a1", None, "c3 ", "无"], ["c3", "d4", "b2", "a1", " "], ["e5", "d4", "e5", "f6"]]


@pytest.mark.parametrize("collide", [False, True], ids=["real-hash", "every-hash-equal"])
def test_duplicates_across_chunks_match_a_dict(monkeypatch, collide):
    if collide:
        monkeypatch.setattr(expectations, "hash64", lambda arr: np.zeros(len(arr), dtype=np.uint64))
    assert _suite_over(CHUNKS) == _reference(CHUNKS)


def test_colliding_codes_are_not_duplicates(monkeypatch):
    """Two different codes with one hash (forced: the hash of a code is its length) stay distinct."""
    monkeypatch.setattr(expectations, "hash64",
                        lambda arr: np.asarray(pa.compute.utf8_length(arr).to_numpy(), dtype=np.uint64))
    codes = [f"11450721MB15580811400010400{i:04d}" for i in range(3000)]
    chunks = [codes[:1000], codes[1000:2000] + [codes[5]], codes[2000:] + [codes[1500], codes[2999]]]
    found, count = _suite_over(chunks)
    assert found == [(2002, 7), (3003, 1502), (3004, 3002)]
    assert count == 6


def test_index_grows_and_finds_every_value_exactly():
    rng = np.random.default_rng(7)
    index, seen = UniqueIndex(), []
    for block in range(12):
        values = [f"{block}-{i}-{rng.integers(1 << 30)}" for i in range(997)]
        arr = pa.array(values, type=pa.large_string())
        h = hash64(arr) & np.uint64(0x3FF)         # 1024 hash values: collisions everywhere
        assert (index.find(arr, h) == -1).all()
        ids = index.add(arr, h, np.arange(len(values)) + 10 * block, table=block % 3)
        seen.append((arr, h, ids))
    for block, (arr, h, ids) in enumerate(seen):
        assert (index.find(arr, h) == ids).all()
        tables, rows = index.first(ids)
        assert (tables == block % 3).all() and (rows == np.arange(len(arr)) + 10 * block).all()
    assert index.n == 12 * 997


@pytest.fixture
def small_disk(monkeypatch, tmp_path):
    """Spill after 50 values, pages of 4 hashes, runs in ``tmp_path``: the disk path at test size."""
    monkeypatch.setattr(valueindex, "MEMTABLE", 50)
    monkeypatch.setattr(valueindex, "PAGE", 4)
    monkeypatch.setattr(valueindex, "_READ_PAGES", 3)
    monkeypatch.setattr(valueindex, "_WINDOW", 16)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("collide", [False, True], ids=["real-hash", "every-hash-equal"])
def test_duplicates_across_spilled_chunks_match_a_dict(monkeypatch, small_disk, collide):
    if collide:
        monkeypatch.setattr(expectations, "hash64", lambda arr: np.zeros(len(arr), dtype=np.uint64))
    rng = np.random.default_rng(11)
    pool = [f"1145072{i:05d}" for i in range(400)] + ["无", " ", None]
    chunks = [[pool[j] for j in rng.integers(0, len(pool), int(rng.integers(1, 90)))] for _ in range(25)]
    assert _suite_over(chunks) == _reference(chunks)


def test_hashes_on_disk_and_rows_out_of_order(small_disk):
    """Runs on disk merged as a binary counter, values spilled, first rows in any order, codes of
    many lengths (Chinese, empty) and hashes colliding everywhere come back exactly; ``values``
    lists every value in the order added."""
    rng = np.random.default_rng(3)
    index, seen, order = UniqueIndex(expected=64), [], []
    for block in range(40):
        values = [f"{'事项' * int(rng.integers(0, 4))}{block}-{i}" for i in range(int(rng.integers(1, 80)))]
        if block == 4:
            values.append("")
        arr = pa.array(values, type=pa.large_string())
        h = hash64(arr) & np.uint64(0xFF)
        rows = rng.permutation(len(values)) * 7 - 3
        assert (index.find(arr, h) == -1).all()
        ids = index.add(arr, h, rows, table=block)
        seen.append((arr, h, ids, rows))
        order += values
    assert index.n == len(order) and index._bloom.capacity >= index.n
    assert 1 <= len(index._runs) <= int(np.log2(index.n / 50)) + 1
    on_disk = sum(r.n for r in index._runs)
    assert on_disk + index._mem_n == index.n
    for run in index._runs:
        hashes = np.concatenate(list(run.windows()))
        assert len(hashes) == run.n and (np.diff(hashes.astype(np.int64)) >= 0).all()
    assert all(b.at >= 0 for b in index._blocks[:-3])
    for block, (arr, h, ids, rows) in enumerate(seen):
        assert (index.find(arr, h) == ids).all()
        tables, first = index.first(ids)
        assert (tables == block).all() and (first == rows).all()
    assert [v for part in index.values() for v in part.to_pylist()] == order
    absent = pa.array(["absent", "事项0-0x"], type=pa.large_string())
    assert (index.find(absent, hash64(absent) & np.uint64(0xFF)) == -1).all()


def test_every_entry_is_on_disk_once(small_disk):
    """The runs together hold each entry exactly once, under its own hash."""
    index = UniqueIndex(expected=16)
    arr = pa.array([f"code-{i}" for i in range(1000)], type=pa.large_string())
    h = hash64(arr)
    for a in range(0, 1000, 37):
        index.add(arr[a: a + 37], h[a: a + 37], np.arange(a, min(1000, a + 37)), table=0)
    pairs = {}
    for run in index._runs:
        for hs, es in zip(run.windows(0), run.windows(1), strict=True):
            for x, e in zip(hs.tolist(), es.tolist(), strict=True):
                assert e not in pairs
                pairs[e] = x
    for hs, es in index._mem:
        pairs.update(zip(es.tolist(), hs.tolist(), strict=True))
    assert pairs == {i: int(x) for i, x in enumerate(h)}


def test_memory_stays_flat_past_the_filter(small_disk):
    """Past the filter (2–4 bytes a value) what the index holds in memory does not grow."""
    index = UniqueIndex(expected=16, memtable=2000, page=256)
    rng = np.random.default_rng(5)
    held = {}
    for step in range(60):
        arr = pa.array([f"{step}-{i}-{rng.integers(1 << 40)}" for i in range(1000)], type=pa.large_string())
        index.add(arr, hash64(arr), np.arange(1000), table=0)
        index.find(arr[:10], hash64(arr[:10]))
        held[index.n] = index.nbytes - index._bloom.nbytes
    assert index._bloom.nbytes <= 4 * index.n
    assert held[60000] - held[10000] < 16_000      # the runs' sparse hashes: 8 bytes in 256


def test_temporary_directory_goes_with_the_index(small_disk):
    index = UniqueIndex(expected=16)
    arr = pa.array([f"c{i}" for i in range(120)], type=pa.large_string())
    index.add(arr, hash64(arr), np.arange(120), table=0)
    made = list(small_disk.glob("sxcheck-index-*"))
    assert len(made) == 1 and any(made[0].iterdir())
    del index
    gc.collect()
    assert not made[0].exists()


def test_without_a_usable_temporary_directory_the_index_stays_in_memory(small_disk, monkeypatch):
    def refuse(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    index = UniqueIndex(expected=16)
    arr = pa.array([f"c{i}" for i in range(300)], type=pa.large_string())
    h = hash64(arr)
    for a in range(0, 300, 60):
        index.add(arr[a: a + 60], h[a: a + 60], np.arange(a, a + 60), table=0)
    assert index._memory_only and not index._runs
    assert (index.find(arr, h) == np.arange(300)).all()
    assert not list(small_disk.iterdir())


def test_the_c_bloom_filter_sets_and_tests_the_bits_numpy_does(monkeypatch):
    """``_bloom.c`` and the numpy filter leave the same words and answer the same, for filters of
    one block and of millions of values, hashes with every bit pattern, and empty batches."""
    import numpy as np

    import validators.core.valueindex as vi

    c = pytest.importorskip("validators.core._bloom")
    rng = np.random.default_rng(3)
    for capacity in (3, 1 << 10, 1 << 22):
        batches = [rng.integers(0, 2 ** 64 - 1, int(rng.integers(0, 5000)), dtype=np.uint64) for _ in range(12)]
        batches.append(np.array([0, 2 ** 64 - 1, 2 ** 32, 2 ** 32 - 1], dtype=np.uint64))
        filters = []
        for accel in (None, c):
            monkeypatch.setattr(vi, "_bloom", accel)
            bloom = vi._Bloom(capacity)
            for h in batches:
                bloom.add(h)
            filters.append(bloom)
        assert (filters[0].words == filters[1].words).all()
        probe = np.concatenate([rng.integers(0, 2 ** 64 - 1, 20_000, dtype=np.uint64), batches[0]])
        answers = []
        for accel, bloom in zip((None, c), filters, strict=True):
            monkeypatch.setattr(vi, "_bloom", accel)
            answers.append(bloom.holds(probe))
        assert answers[0].dtype == answers[1].dtype == bool
        assert (answers[0] == answers[1]).all() and answers[1][-len(batches[0]):].all()


def test_filters_are_added_not_rebuilt_and_stay_selective():
    """Past its first filter the index adds filters (each half the values before it) instead of
    rebuilding one twice the size: memory is 2 bytes a value (no old-and-new moment), every value
    added is held, and a value never added is held (a false positive) well under 1 % of the time."""
    import validators.core.valueindex as vi

    rng = np.random.default_rng(17)
    filters = vi._Filters(1 << 15)
    added = []
    for _ in range(50):
        h = rng.integers(0, 2 ** 64 - 1, int(rng.integers(1, 20_000)), dtype=np.uint64)
        kept = [f.words for f in filters.filters]
        filters.add(h)
        assert all(a is f.words for a, f in zip(kept, filters.filters, strict=False))   # never replaced
        added.append(h)
    n = sum(map(len, added))
    assert sum(filters.counts) == n and filters.counts[:-1] == [f.capacity for f in filters.filters[:-1]]
    assert filters.nbytes <= 2 * (1.5 * n + (1 << 15)) and 3 <= len(filters.filters) <= 8
    assert filters.holds(np.concatenate(added)).all()
    probe = rng.integers(0, 2 ** 64 - 1, 200_000, dtype=np.uint64)
    assert filters.holds(probe).mean() < 0.01


def test_a_plan_keeps_the_filters_few_and_selective():
    """With the values still to come announced (``expect``), the next filter is sized for them:
    an index planned for its whole size keeps one filter, one planned too low a second one, where
    without a plan a million values make four (and each lookup tests each filter)."""
    rng = np.random.default_rng(23)
    chunks = [rng.integers(0, 2 ** 64 - 1, 50_000, dtype=np.uint64) for _ in range(60)]

    def filters_after(plan):
        index = UniqueIndex(expected=1 << 18)
        for i, h in enumerate(chunks):
            if plan is not None:
                index.expect(plan - 50_000 * i)
            index._bloom.add(h)
            index.n += len(h)
        return index._bloom

    assert len(filters_after(None).filters) >= 4
    exact = filters_after(3_000_000)
    assert len(exact.filters) == 1 and exact.capacity >= 3_000_000
    low = filters_after(2_000_000)
    assert len(low.filters) == 2 and low.nbytes <= 2 * 1.6 * 3_000_000
    probe = rng.integers(0, 2 ** 64 - 1, 200_000, dtype=np.uint64)
    assert exact.holds(np.concatenate(chunks)).all() and exact.holds(probe).mean() < 0.005


def test_a_csv_table_guesses_the_rows_to_come(tmp_path, monkeypatch):
    # the pipeline announces them to the 实施编码 index: the guess may be low (the reader's
    # position runs ahead of the rows handed over: a low guess costs a second filter) but not
    # much above the truth (filter memory), and it is the truth once the file is read
    from validators.read import csvfile, open_tables

    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 5000)
    path = tmp_path / "guides.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("事项名称,实施编码,办理流程\n")
        f.writelines(f"事项{i},C{i:08d},{'受理、审查、决定' * 20}\n" for i in range(60_000))
    table = open_tables(str(path))[0]
    assert table.rows_to_come(0) is None
    rows, guesses = 0, []
    for chunk in table.chunks():
        rows += len(chunk)
        guesses.append((rows, rows + table.rows_to_come(rows)))
    assert rows == 60_000 and len(guesses) >= 10
    assert all(read <= guess <= 1.15 * 60_000 for read, guess in guesses), guesses
    assert guesses[-1] == (60_000, 60_000)


@pytest.mark.parametrize("n", [20_000, 200_000])
def test_merging_runs_holds_a_few_windows_whatever_their_length(monkeypatch, tmp_path, n):
    """A merge reads and writes a window at a time: what it holds does not grow with the runs
    (it once kept every window written, through the page of hashes it samples from each)."""
    monkeypatch.setattr(valueindex, "_WINDOW", 1024)
    rng = np.random.default_rng(n)
    runs = []
    for i in range(2):
        h = np.sort(rng.integers(0, 2 ** 63, n).astype(np.uint64))
        runs.append(valueindex._Run.of_sorted([(h, np.arange(n))], str(tmp_path / f"r{i}"), 256))
    del h
    merged, peak = _traced_peak(lambda: valueindex._Run.merge(runs, str(tmp_path / "m"), 256))
    assert peak < 400_000      # a few windows of 1,024 records; every window kept: 16 bytes a record
    hashes = np.concatenate(list(merged.windows()))
    assert len(hashes) == 2 * n and (np.diff(hashes.astype(np.int64)) >= 0).all()
    assert (merged.sparse == hashes[::256]).all()
    for run in (*runs, merged):
        run.close()


def test_a_spill_writes_the_memtable_a_window_at_a_time(monkeypatch, tmp_path):
    """The memtable's sorted pieces go to disk merged a window at a time: no sorted copy of the
    whole memtable (it came on top of a chunk's peak); the run holds every record, in hash order,
    with each hash's entries."""
    monkeypatch.setattr(valueindex, "_WINDOW", 1024)
    rng = np.random.default_rng(3)
    pieces, start = [], 0
    for k in (50_000, 7, 50_000, 1, 30_000):
        h = rng.integers(0, 2 ** 64 - 1, k, dtype=np.uint64)
        h[: k // 10] = h[k // 10: 2 * (k // 10)]            # equal hashes inside a piece
        if pieces and k >= 3:
            h[-3:] = pieces[0][0][:3]                         # and across pieces
        e = np.arange(start, start + k, dtype=np.int64)
        order = np.argsort(h, kind="stable")
        pieces.append((h[order], e[order]))
        start += k
    run, peak = _traced_peak(lambda: valueindex._Run.of_sorted(pieces, str(tmp_path / "spill"), 256))
    assert peak < 400_000      # a sorted copy of all: 16 bytes a record, 2.1 MB here
    hashes = np.concatenate(list(run.windows(0)))
    entries = np.concatenate(list(run.windows(1)))
    assert (np.diff(hashes.astype(np.float64)) >= 0).all() and (run.sparse == hashes[::256]).all()
    want = sorted(zip(np.concatenate([h for h, _ in pieces]).tolist(),
                      np.concatenate([e for _, e in pieces]).tolist(), strict=True))
    assert sorted(zip(hashes.tolist(), entries.tolist(), strict=True)) == want
    run.close()


def test_the_add_that_spills_holds_a_few_windows_not_the_memtable(monkeypatch, tmp_path):
    """Through the index: the add that fills the memtable writes it out without a sorted copy
    of it (16 bytes a record: 2 MB here, on top of whatever chunk is being checked)."""
    monkeypatch.setattr(valueindex, "_WINDOW", 1024)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    index = UniqueIndex(expected=1 << 18, memtable=130_001, page=256)
    for start, k in ((0, 50_000), (50_000, 50_000), (100_000, 30_000)):
        arr = pa.array([f"11450721MB{i:021d}" for i in range(start, start + k)], type=pa.large_string())
        index.add(arr, hash64(arr), np.arange(k), table=0)
    last = pa.array(["最后一个编码"], type=pa.large_string())
    h = hash64(last)
    _, peak = _traced_peak(lambda: index.add(last, h, np.arange(1), table=0))
    assert index._runs and not index._mem          # it did spill
    assert peak < 600_000
    assert index.find(last, h)[0] == 130_000


def _traced_peak(fn):
    """(fn(), the peak of Python-traced memory while it ran)."""
    import tracemalloc

    tracemalloc.start()
    try:
        out = fn()
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

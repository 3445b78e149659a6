"""The 实施编码 uniqueness index: exact (hash collisions never make a duplicate), streamed over chunks."""
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import validators.checks.expectations as expectations
from validators.checks.expectations import NativeSuite, UniqueIndex, hash64
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
                found += [(int(frame["_row"][p]), prm["first_row"]) for p, prm in zip(hit["_pos"], hit["params"])]
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


def test_hashes_across_pages_and_rows_out_of_order(monkeypatch):
    """Hashes kept in many small pages (forced), first rows in any order and codes of many lengths
    (Chinese, empty) come back exactly; ``values`` lists every value in the order added."""
    monkeypatch.setattr(expectations, "_PAGE_BITS", 5)
    monkeypatch.setattr(expectations, "_PAGE", 32)
    rng = np.random.default_rng(3)
    index, seen, order = UniqueIndex(), [], []
    for block in range(9):
        values = [f"{'事项' * int(rng.integers(0, 4))}{block}-{i}" for i in range(int(rng.integers(1, 80)))]
        if block == 4:
            values.append("")
        arr = pa.array(values, type=pa.large_string())
        h = hash64(arr) & np.uint64(0xFF)
        rows = rng.permutation(len(values)) * 7 - 3
        ids = index.add(arr, h, rows, table=block)
        seen.append((arr, h, ids, rows))
        order += values
    assert len(index._pages) > 1
    for block, (arr, h, ids, rows) in enumerate(seen):
        assert (index.find(arr, h) == ids).all()
        tables, first = index.first(ids)
        assert (tables == block).all() and (first == rows).all()
    assert [v for part in index.values() for v in part.to_pylist()] == order
    absent = pa.array(["absent", "事项0-0x"], type=pa.large_string())
    assert (index.find(absent, hash64(absent) & np.uint64(0xFF)) == -1).all()

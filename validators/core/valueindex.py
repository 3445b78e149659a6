"""An exact index of distinct text values whose memory stays flat however many values it holds.

It serves the catalog-wide uniqueness of 实施编码 (:mod:`validators.checks.expectations`) and the
names of 实施主体 (:class:`validators.report.report.UnitCounts`).  Each value added gets an entry
id (0, 1, … in the order added) and keeps the (table, row) where it was first seen.

Memory per value: the 2 bytes split-block Bloom filters of its 64-bit hash take.  The rest
is bounded whatever the count: the newest entries (at most ``memtable`` hashes, sorted, in RAM),
one hash in ``page`` of each run on disk, and the few blocks of values opened last.  On disk, in
a temporary directory removed with the index, are runs of (hash, entry) sorted by hash, merged
two by two when the newer is as large as the older (a binary counter: about log2(n / memtable)
runs, each record rewritten as many times), and the values with their first rows, zstd-packed
per addition.  Until ``memtable`` values have been added nothing touches the disk.

A value whose hash no filter holds is new: that is nearly every value of a clean export,
and costs no disk read.  The others are looked up by hash in the memtable and in each run (only
the pages of ``page`` hashes they fall in are read), and each entry with an equal hash is
confirmed by comparing the stored value, so two values sharing a hash stay apart.

When no temporary directory can be made or written, the index stays in memory (still exact).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from dataclasses import dataclass

import numpy as np

from validators.core import lasting

try:   # the same filter in one C pass per hash (_bloom.c), where the package was built with a compiler
    from validators.core import _bloom
except ImportError:
    _bloom = None

MEMTABLE = 1 << 18      # newest entries kept in RAM before they are written as a run (4 MB)
PAGE = 1 << 10          # hashes per page of a run: the least one lookup reads (8 KB)
_READ_PAGES = 256       # pages read at once at most when many are needed (2 MB)
_WINDOW = 1 << 14       # records per run held while merging or re-reading runs (256 KB)
_BLOOM_BITS = 16        # filter bits per value
_SALT = np.array([0x47B6137B, 0x44974D91, 0x8824AD5B, 0xA2B7289D,
                  0x705495C7, 0x2DF1424B, 0x9EFC4947, 0x5C6BFB31], dtype=np.uint32)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHORT = 64  # bytes: longer values (never a real code) are hashed one by one
_ALL = np.uint64(np.iinfo(np.uint64).max)


def _buffers(arr) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, bytes) of an arrow text array without nulls: value i is bytes[offsets[i]:offsets[i+1]]."""
    import pyarrow as pa

    if not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.large_string())
    _, offs, data = arr.buffers()
    offs = np.frombuffer(offs, dtype=np.int64)[arr.offset: arr.offset + len(arr) + 1]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offs, data


def _fmix(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser (numpy wraps on overflow, as the algorithm wants)."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def hash64(values) -> np.ndarray:
    """64-bit hash of each value of an arrow text array without nulls (uint64).

    The values of one byte length are read eight bytes at a time straight from the arrow buffer
    (a strided numpy view per word, the last word overlapping the one before), so a chunk costs a
    few numpy passes.  The hash depends on the value alone (within one process), so equal values
    hash alike in every chunk.  Not collision-free: :class:`UniqueIndex` compares the values.
    """
    import pyarrow as pa

    n = len(values)
    out = np.empty(n, dtype=np.uint64)
    if n == 0:
        return out
    offs, data = _buffers(values)
    lens = np.diff(offs)
    order = None
    if (lens != lens[0]).any():     # group by length: sorted, each group is one contiguous block
        order = np.argsort(lens, kind="stable")
        offs, data = _buffers(values.take(pa.array(order)))
        lens = lens[order]
    bounds = np.flatnonzero(np.diff(lens)) + 1
    starts, stops = np.r_[0, bounds], np.r_[bounds, n]
    h_sorted = np.empty(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
            length, k, base = int(lens[a]), b - a, int(offs[a])
            h = np.full(k, np.uint64(length) * _MIX, dtype=np.uint64)
            if length > _SHORT:
                rows = order[a:b] if order is not None else np.arange(a, b)
                h ^= np.array([hash(t) for t in values.take(pa.array(rows)).to_pylist()],
                              dtype=np.int64).view(np.uint64)
            elif length >= 8:
                for off in sorted({*range(0, length - 7, 8), length - 8}):
                    word = np.ndarray((k,), dtype="<u8", buffer=data, offset=base + off, strides=(length,))
                    h = (h ^ word) * _MIX
                    h ^= h >> np.uint64(29)
            elif length:
                block = np.zeros((k, 8), dtype=np.uint8)
                block[:, :length] = data[base: base + k * length].reshape(k, length)
                h = (h ^ block.view("<u8")[:, 0]) * _MIX
            h_sorted[a:b] = _fmix(h)
    if order is None:
        return h_sorted
    out[order] = h_sorted
    return out


class _Bloom:
    """Split-block Bloom filter (as Parquet's): a value sets one bit in each of the 8 words of one
    256-bit block.  Sized for ``capacity`` values at 16 bits each (≈0.1–0.4 % false positives).
    ``_bloom.c`` adds and tests in C where it was built; numpy does the same otherwise."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        # a mapping of its own: it outlives the chunks around it without pinning malloc's heap,
        # and its pages cost memory only once values are in them
        self.words = lasting.zeros((max(1, capacity * _BLOOM_BITS // 256), 8), np.uint32)

    def _where(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        block = ((h >> np.uint64(32)) % np.uint64(len(self.words))).astype(np.intp)
        low = (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        with np.errstate(over="ignore"):
            bits = (low[:, None] * _SALT) >> np.uint32(27)
        return block, np.left_shift(np.uint32(1), bits)

    def add(self, h: np.ndarray) -> None:
        if len(h) == 0:
            return
        if _bloom is not None:
            _bloom.bloom_add(self.words, np.ascontiguousarray(h, dtype=np.uint64))
            return
        block, masks = self._where(h)
        order = np.argsort(block, kind="stable")
        block = block[order]
        starts = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])
        # one OR per block: a fancy-index |= would lose all but one of a repeated block's masks
        self.words[block[starts]] |= np.bitwise_or.reduceat(masks[order], starts, axis=0)

    def holds(self, h: np.ndarray) -> np.ndarray:
        if _bloom is not None:
            out = np.empty(len(h), dtype=np.bool_)
            _bloom.bloom_holds(self.words, np.ascontiguousarray(h, dtype=np.uint64), out)
            return out
        block, masks = self._where(h)
        return ((self.words[block] & masks) == masks).all(axis=1)


class _Filters:
    """Bloom filters added one after another as values come: a hash is held when any filter holds
    it.  A full filter is never rebuilt, so memory grows by the 2 bytes of each value added, with
    no moment holding an old filter and its larger copy together and no run read back from disk.
    Each new filter is sized for half the values of those before it (``expected`` at least), or
    for the values still planned where the caller gave a plan, so a few million values make a
    handful of filters, or one or two with a plan.  Every lookup tests each filter and false
    positives add up over them (≈0.1–0.4 % each, each a disk lookup), so without a plan a run's
    lookups grow slower with the values it holds."""

    def __init__(self, expected: int):
        self.expected = expected
        self.planned = 0                   # values the caller expects in all (UniqueIndex.expect)
        self.filters: list[_Bloom] = []
        self.last = 0                      # values in the last filter (those before it are full)

    @property
    def counts(self) -> list[int]:
        """Values added to each filter."""
        return [f.capacity for f in self.filters[:-1]] + [self.last] if self.filters else []

    @property
    def capacity(self) -> int:
        return sum(f.capacity for f in self.filters)

    @property
    def nbytes(self) -> int:
        return sum(f.words.nbytes for f in self.filters)

    def add(self, h: np.ndarray) -> None:
        while len(h):
            if not self.filters or self.last == self.filters[-1].capacity:
                self.filters.append(_Bloom(max(self.expected, self.capacity // 2, self.planned - self.capacity)))
                self.last = 0
            room = self.filters[-1].capacity - self.last
            self.filters[-1].add(h[:room])
            self.last += min(room, len(h))
            h = h[room:]

    def holds(self, h: np.ndarray) -> np.ndarray:
        if not self.filters:
            return np.zeros(len(h), dtype=bool)
        out = self.filters[-1].holds(h)
        for f in self.filters[:-1]:
            out |= f.holds(h)
        return out


def _expand(lo: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The positions lo[i], lo[i]+1, … lo[i]+count[i]-1 of every i, concatenated."""
    total = int(count.sum())
    steps = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    return np.repeat(lo, count) + steps


def _matches(hashes: np.ndarray, entries, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position in ``wanted``, entry) of every record of the sorted ``hashes`` equal to a wanted
    hash; ``entries`` is an array or a function reading the entries of records [a, b)."""
    lo = np.searchsorted(hashes, wanted, side="left")
    count = np.searchsorted(hashes, wanted, side="right") - lo
    if not count.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    at = _expand(lo, count)
    if callable(entries):
        first = int(at.min())
        return np.repeat(np.arange(len(wanted)), count), entries(first, int(at.max()) + 1)[at - first]
    return np.repeat(np.arange(len(wanted)), count), entries[at]


class _Run:
    """(hash, entry) records sorted by hash in one file: the hashes, then the entries (int64)."""

    def __init__(self, path: str, n: int, sparse: np.ndarray, page: int):
        self.path, self.n, self.sparse, self.page = path, n, sparse, page
        self.file = open(path, "rb")  # noqa: SIM115 - open while the run is; closed by close()

    def read(self, region: int, a: int, b: int) -> np.ndarray:
        """Records [a, b) of the hashes (region 0, uint64) or of the entries (region 1, int64)."""
        self.file.seek(8 * (region * self.n + a))
        return np.frombuffer(self.file.read(8 * (b - a)), dtype=np.uint64 if region == 0 else np.int64)

    def windows(self, region: int = 0):
        for a in range(0, self.n, _WINDOW):
            yield self.read(region, a, min(self.n, a + _WINDOW))

    def matches(self, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As :func:`_matches` of the sorted ``wanted``, reading only the pages they fall in."""
        first = np.maximum(np.searchsorted(self.sparse, wanted, side="left") - 1, 0)
        last = np.searchsorted(self.sparse, wanted, side="right") - 1     # -1: below every hash
        inside = last >= 0
        if not inside.any():
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        pages = len(self.sparse)
        mark = np.zeros(pages + 1, dtype=np.int64)
        np.add.at(mark, first[inside], 1)
        np.add.at(mark, last[inside] + 1, -1)
        need = np.cumsum(mark[:-1]) > 0
        edges = np.flatnonzero(np.diff(np.r_[0, need.astype(np.int8), 0]))
        asked, found = [], []
        for p0, p1 in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
            for q0 in range(p0, p1, _READ_PAGES):
                q1 = min(p1, q0 + _READ_PAGES)
                # wanted is sorted, so first and last rise with it: the hashes whose pages meet
                # [q0, q1) are one range of it
                lo = int(np.searchsorted(last, q0, side="left"))
                hi = int(np.searchsorted(first, q1, side="left"))
                if hi <= lo:
                    continue
                a, b = q0 * self.page, min(self.n, q1 * self.page)
                q, e = _matches(self.read(0, a, b), lambda x, y, a=a: self.read(1, a + x, a + y), wanted[lo:hi])
                asked.append(q + lo)
                found.append(e)
        if not asked:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(asked), np.concatenate(found)

    @classmethod
    def merge(cls, runs: list[_Run], path: str, page: int) -> _Run:
        """One run of the records of ``runs``, read and written a window at a time."""
        return cls._merged([(r.n, r.windows(0), r.windows(1)) for r in runs], path, page)

    @classmethod
    def of_sorted(cls, pieces: list[tuple[np.ndarray, np.ndarray]], path: str, page: int) -> _Run:
        """One run of in-memory (hashes, entries) pieces, each sorted by hash, merged a window at
        a time: no sorted copy of them all is made (the memtable's spill came on top of a
        chunk's peak with ~10 MB of concatenations, an argsort and gathers)."""
        def windows(a: np.ndarray):
            for i in range(0, len(a), _WINDOW):
                yield a[i: i + _WINDOW]

        return cls._merged([(len(h), windows(h), windows(e)) for h, e in pieces], path, page)

    @classmethod
    def _merged(cls, runs: list[tuple], path: str, page: int) -> _Run:
        """The run of ``runs`` given as (records, hash windows, entry windows), each sorted."""
        n = sum(k for k, _, _ in runs)
        sources = [(hs, es) for _, hs, es in runs]
        held = [[np.zeros(0, np.uint64), np.zeros(0, np.int64)] for _ in runs]
        left = [k for k, _, _ in runs]                  # records not read yet
        sparse, written = [], 0
        with open(path, "wb") as f:
            f.truncate(16 * n)
            while True:
                for i, (hs, es) in enumerate(sources):
                    if len(held[i][0]) == 0 and left[i]:
                        held[i] = [next(hs), next(es)]
                        left[i] -= len(held[i][0])
                if not any(len(h) for h, _ in held):
                    break
                # every record not read yet is ≥ the last one held of its run: all held up to the
                # least of those can go out in order
                bound = min((held[i][0][-1] for i in range(len(runs)) if left[i]), default=_ALL)
                hs, es = [], []
                for i in range(len(runs)):
                    k = int(np.searchsorted(held[i][0], bound, side="right"))
                    hs.append(held[i][0][:k])
                    es.append(held[i][1][:k])
                    held[i] = [held[i][0][k:], held[i][1][k:]]
                h, e = np.concatenate(hs), np.concatenate(es)
                order = np.argsort(h, kind="stable")    # sorted runs: a merge, linear
                h, e = h[order], e[order]
                sparse.append(h[(-written) % page::page].copy())   # a view would keep all of h
                f.seek(8 * written)
                f.write(h.data)
                f.seek(8 * (n + written))
                f.write(e.data)
                written += len(h)
        return cls(path, n, np.concatenate(sparse), page)

    def close(self) -> None:
        self.file.close()


@dataclass(frozen=True)
class _Block:
    """The values (UTF-8 bytes and lengths) and first rows (as steps) of one addition, zstd;
    ``at`` ≥ 0 when the three packed parts are in the values file instead (their lengths kept)."""

    table: int
    n: int
    size: int
    data: object
    offsets: object
    rows: object
    at: int = -1

    @classmethod
    def pack(cls, values, rows: np.ndarray, table: int) -> _Block:
        import pyarrow as pa

        def squeeze(a: np.ndarray) -> np.ndarray:
            # copied out: arrow's compressed buffer keeps the worst-case size it was allocated with
            return np.frombuffer(pa.compress(pa.py_buffer(np.ascontiguousarray(a)), codec="zstd"),
                                 dtype=np.uint8).copy()

        # lengths and row steps instead of offsets and rows: codes of one length and rows in
        # order make runs of one number, which zstd packs to almost nothing
        offs, data = _buffers(values)
        rows = rows.astype(np.int64)
        return cls(table, len(values), int(offs[-1] - offs[0]), squeeze(data[offs[0]: offs[-1]]),
                   squeeze(np.diff(offs)), squeeze(np.diff(rows, prepend=np.int64(0))))

    def store(self, f) -> _Block:
        """This block with its parts appended to the values file ``f``."""
        at = f.seek(0, os.SEEK_END)
        for part in (self.data, self.offsets, self.rows):
            f.write(part.data)
        return _Block(self.table, self.n, self.size, len(self.data), len(self.offsets), len(self.rows), at)

    def unpack(self, f=None) -> tuple:
        import pyarrow as pa

        data, offsets, rows = self.data, self.offsets, self.rows
        if self.at >= 0:
            f.seek(self.at)
            data, offsets, rows = (np.frombuffer(f.read(k), dtype=np.uint8) for k in (data, offsets, rows))

        def open_(buf, size):
            return np.frombuffer(pa.decompress(buf, decompressed_size=size, codec="zstd"), dtype=np.int64)

        starts = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(open_(offsets, 8 * self.n), out=starts[1:])
        values = pa.LargeStringArray.from_buffers(
            self.n, pa.py_buffer(starts), pa.decompress(data, decompressed_size=self.size, codec="zstd"))
        return values, np.cumsum(open_(rows, 8 * self.n))


def _remove(directory: str, files: list) -> None:
    for f in files:
        f.close()
    shutil.rmtree(directory, ignore_errors=True)


class UniqueIndex:
    """Exact set of text values with the first location (table, row) of each (see the module).

    ``expected`` sizes the first filter (more are added past it); ``memtable`` and ``page`` are the
    spill threshold and the run page (tests make them small to exercise the disk)."""

    def __init__(self, expected: int = 1 << 20, memtable: int | None = None, page: int | None = None):
        self.n = 0
        self._memtable, self._page = memtable or MEMTABLE, page or PAGE
        self._bloom = _Filters(expected)
        self._mem: list[tuple[np.ndarray, np.ndarray]] = []   # (sorted hashes, entries) per addition
        self._mem_n = 0
        self._runs: list[_Run] = []
        self._starts: list[int] = []          # first entry of each block
        self._blocks: list[_Block] = []
        self._opened: dict[int, tuple] = {}   # the blocks opened last: values, rows
        self._dir: str | None = None
        self._files: list = []                # open files, closed with the directory
        self._values = None                   # the values file
        self._memory_only = False
        self._made = 0

    @property
    def nbytes(self) -> int:
        """Bytes of memory held (the filter, the memtable, the runs' sparse hashes, the blocks
        not on disk and the blocks opened last)."""
        held = self._bloom.nbytes + sum(hs.nbytes + es.nbytes for hs, es in self._mem)
        held += sum(r.sparse.nbytes for r in self._runs)
        held += sum(b.data.nbytes + b.offsets.nbytes + b.rows.nbytes for b in self._blocks if b.at < 0)
        return held + sum(v.nbytes + r.nbytes for v, r in self._opened.values())

    def expect(self, more: int) -> None:
        """About ``more`` values are still to come: the next filter is sized for them, so the
        filters stay one or two (a lookup tests each, see :class:`_Filters`).  A guess only:
        past it filters are added as without one."""
        self._bloom.planned = self.n + max(0, int(more))

    def find(self, values, h: np.ndarray) -> np.ndarray:
        """Entry of each value (an arrow text array without nulls, ``h`` its hashes), or -1."""
        found = np.full(len(h), -1, dtype=np.int64)
        if self.n == 0 or len(h) == 0:
            return found
        maybe = np.flatnonzero(self._bloom.holds(h))
        if len(maybe) == 0:
            return found
        maybe = maybe[np.argsort(h[maybe], kind="stable")]    # sorted keys: searchsorted walks, not jumps
        wanted = h[maybe]
        parts = [_matches(hs, es, wanted) for hs, es in self._mem] + [r.matches(wanted) for r in self._runs]
        asked = np.concatenate([q for q, _ in parts])
        entries = np.concatenate([e for _, e in parts])
        if len(asked):
            equal = self._equal(entries, values, maybe[asked])
            found[maybe[asked[equal]]] = entries[equal]
        return found

    def add(self, values, h: np.ndarray, rows: np.ndarray, table: int) -> np.ndarray:
        """Add values not in the index (distinct among themselves); return their entry ids."""
        k = len(h)
        ids = np.arange(self.n, self.n + k, dtype=np.int64)
        if k == 0:
            return ids
        self._bloom.add(h)
        order = np.argsort(h, kind="stable")
        self._mem.append((h[order], ids[order]))
        self._mem_n += k
        self._starts.append(self.n)
        self._blocks.append(_Block.pack(values, rows, table))
        self.n += k
        if self._mem_n >= self._memtable and not self._memory_only:
            self._spill()
        elif len(self._mem) > 8:    # many small additions: one sorted piece keeps lookups cheap
            self._mem = [self._memtable_sorted()]
        return ids

    def _memtable_sorted(self) -> tuple[np.ndarray, np.ndarray]:
        hs = np.concatenate([hs for hs, _ in self._mem])
        es = np.concatenate([es for _, es in self._mem])
        order = np.argsort(hs, kind="stable")
        return hs[order], es[order]

    def _spill(self) -> None:
        """Write the memtable as a run (merging runs as a binary counter) and the values to disk;
        on any disk failure keep them in memory from now on."""
        try:
            if self._dir is None:
                self._dir = tempfile.mkdtemp(prefix="sxcheck-index-")
                weakref.finalize(self, _remove, self._dir, self._files)
            if self._values is None:
                self._values = open(os.path.join(self._dir, "values"), "w+b")  # noqa: SIM115 - closed with the directory
                self._files.append(self._values)
            self._runs.append(self._kept(_Run.of_sorted(self._mem, self._new_path(), self._page)))
            self._mem, self._mem_n = [], 0
            while len(self._runs) >= 2 and self._runs[-2].n <= self._runs[-1].n:
                pair = self._runs[-2:]
                self._runs[-2:] = [self._kept(_Run.merge(pair, self._new_path(), self._page))]
                for run in pair:
                    self._forget(run)
            self._blocks = [b if b.at >= 0 else b.store(self._values) for b in self._blocks]
        except OSError:
            self._memory_only = True

    def _new_path(self) -> str:
        self._made += 1
        return os.path.join(self._dir, f"run{self._made}")

    def _kept(self, run: _Run) -> _Run:
        self._files.append(run.file)
        return run

    def _forget(self, run: _Run) -> None:
        run.close()
        self._files.remove(run.file)
        os.remove(run.path)

    def _by_block(self, entries: np.ndarray):
        """(block, positions in ``entries``, offsets inside the block) per block holding entries."""
        block = np.searchsorted(np.asarray(self._starts), entries, side="right") - 1
        for b in np.unique(block).tolist():
            at = np.flatnonzero(block == b)
            yield b, at, entries[at] - self._starts[b]

    def _open(self, b: int) -> tuple:
        if b not in self._opened:
            if len(self._opened) >= 4:
                self._opened.pop(next(iter(self._opened)))
            self._opened[b] = self._blocks[b].unpack(self._values)
        return self._opened[b]

    def _equal(self, entries: np.ndarray, values, idx: np.ndarray) -> np.ndarray:
        """Whether the stored value of each entry equals ``values[idx]``."""
        import pyarrow as pa
        import pyarrow.compute as pc

        equal = np.zeros(len(entries), dtype=bool)
        for b, at, local in self._by_block(entries):
            stored = self._open(b)[0].take(pa.array(local))
            asked = values.take(pa.array(idx[at])).cast(pa.large_string())
            equal[at] = pc.equal(stored, asked).to_numpy(zero_copy_only=False)
        return equal

    def values(self):
        """The values, in the order added: one arrow array per block."""
        for block in self._blocks:
            yield block.unpack(self._values)[0]

    def first(self, entries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(table, row) of the first occurrence of each entry."""
        tables = np.empty(len(entries), dtype=np.int64)
        rows = np.empty(len(entries), dtype=np.int64)
        for b, at, local in self._by_block(entries):
            tables[at] = self._blocks[b].table
            rows[at] = self._open(b)[1][local]
        return tables, rows

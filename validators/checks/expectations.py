"""Catalog-level expectations: uniqueness of 实施编码, completeness per element, value sets.

The suite is defined once, in ``schemas/expectations.json`` (plus the code lists), and turned
into :class:`ExpectationSpec` records.  The default *native* engine evaluates them while chunks
stream past, keeping only small state (an exact hash index of the distinct 实施编码 — amortised
O(1) per row, see :class:`UniqueIndex` — and counters for the rest); the
``gx`` engine (:mod:`validators.gx_engine`) hands the same suite to great_expectations.  Both
produce :class:`ExpectationResult` records with GX's counting conventions, and a test proves the
two agree on the samples.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from schemas import load_json
from validators.checks.elements import ELEMENT_NOT_IN_CODELIST, ITEM_TYPE_UNKNOWN
from validators.core.rows import Rows
from validators.core.rulebook import C0109_2, HEURISTIC, declare
from validators.core.schema import elements
from validators.report.findings import hits, record

TASK_CODE_DUPLICATE = declare("task-code-duplicate", "error", "code",
    "GB/T 39554.1-2020：每个事项（实施清单条目）有唯一编码", task_issue="task-code")
COMPLETENESS_BELOW_THRESHOLD = declare("completeness-below-threshold", "warning", "catalog",
    f"{HEURISTIC}清单级期望：该要素的填写率低于配置的 mostly 阈值（schemas/expectations.json）")
UNIQUENESS_VIOLATED = declare("uniqueness-violated", "error", "catalog",
    "GB/T 39554.1-2020：每个事项有唯一编码；清单级期望（schemas/expectations.json）")
VALUE_SET_VIOLATED = declare("value-set-violated", "warning", "catalog",
    f"{C0109_2} 代码表；清单级期望：代码合规率低于 mostly 阈值（schemas/expectations.json）")

SEVERITY_RULE = {"unique": UNIQUENESS_VIOLATED, "completeness": COMPLETENESS_BELOW_THRESHOLD,
                 "value_set": VALUE_SET_VIOLATED}
GX_TYPE = {"unique": "expect_column_values_to_be_unique",
           "completeness": "expect_column_values_to_not_be_null",
           "value_set": "expect_column_values_to_be_in_set"}


@dataclass(frozen=True)
class ExpectationSpec:
    kind: str                    # unique | completeness | value_set
    column: str
    mostly: float | None = None
    value_set: tuple[str, ...] = ()
    severity: str = "warning"    # GX metadata: critical | warning | info

    @property
    def rule(self) -> str:
        return SEVERITY_RULE[self.kind]

    @property
    def gx_type(self) -> str:
        return GX_TYPE[self.kind]


@dataclass
class ExpectationResult:
    spec: ExpectationSpec
    success: bool
    element_count: int
    unexpected_count: int
    nonnull_count: int

    def to_dict(self) -> dict:
        s = self.spec
        denominator = self.element_count if s.kind == "completeness" else self.nonnull_count
        return {"expectation": s.gx_type, "column": s.column, "mostly": s.mostly,
                "severity": s.severity, "rule": s.rule, "success": self.success,
                "element_count": self.element_count, "nonnull_count": self.nonnull_count,
                "unexpected_count": self.unexpected_count,
                "unexpected_percent": round(100.0 * self.unexpected_count / denominator, 4)
                if denominator else 0.0}


@lru_cache(maxsize=1)
def build_suite() -> tuple[ExpectationSpec, ...]:
    cfg = load_json("expectations.json")
    els = elements()
    specs = [ExpectationSpec("unique", c, None, (), sev) for c, sev in cfg["unique"].items()]
    specs += [ExpectationSpec("completeness", c, m, (), "critical" if m >= 1.0 else "warning")
              for c, m in cfg["completeness"].items()]
    specs += [ExpectationSpec("value_set", c, m, tuple(sorted(els[c].codes)), "warning")
              for c, m in cfg["value_sets"].items()]
    return tuple(specs)


def suite_with(mostly: dict[tuple[str, str | None], float] | None) -> tuple[ExpectationSpec, ...]:
    """The suite with ``mostly`` overridden per (rule, element), or per (rule, None) for all its
    elements (sxcheck.toml ``[mostly]``)."""
    if not mostly:
        return build_suite()
    from dataclasses import replace

    out = []
    for s in build_suite():
        m = mostly.get((str(s.rule), s.column), mostly.get((str(s.rule), None)))
        out.append(s if m is None or s.mostly is None else replace(s, mostly=m))
    return tuple(out)


def suite_columns() -> list[str]:
    return sorted({s.column for s in build_suite()})


def normalised_columns(rows: Rows, columns: list[str]):
    """The frame the suite is evaluated on: normalised values, placeholders as missing."""
    import pandas as pd

    data = {}
    for c in columns:
        if rows.has(c):
            data[c] = rows.value(c).astype("object").where(rows.present(c), None)
        else:
            data[c] = pd.Series([None] * rows.n, index=rows.frame.index, dtype=object)
    return pd.DataFrame(data, index=rows.frame.index)


_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHORT = 64  # bytes: longer values (never a real code) are hashed one by one


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
    few numpy passes.  The hash depends on the value alone, so equal values hash alike in every
    chunk.  Not collision-free: :class:`UniqueIndex` compares the values themselves.
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


_REHASH_BLOCK = 1 << 18
_PAGE_BITS = 20
_PAGE = 1 << _PAGE_BITS   # hashes per page of UniqueIndex (8 MB)


class UniqueIndex:
    """Exact set of text values with the first location (table, row) of each.

    64-bit hashes (in pages of 2^20, so growing never copies them) and a numpy open-addressing
    table of entry ids (linear probing, load at most 3/4, doubled when full: amortised O(1) per
    value).  The values themselves and their first rows are kept per block of additions,
    zstd-compressed, and opened only when a hash is found again, so two different values sharing
    a hash are told apart by comparing the values.  Memory per distinct
    value: 8 bytes (hash) + 5–11 (slots) + ≈2–3 (the compressed code, length and row step).
    """

    def __init__(self):
        self.n = 0
        self._pages: list[np.ndarray] = [np.zeros(1024, dtype=np.uint64)]   # the hashes, _PAGE a page
        self._slots = np.full(2048, -1, dtype=np.int32)
        self._starts: list[int] = []          # first entry of each block
        self._blocks: list[_Block] = []
        self._opened: dict[int, tuple] = {}   # the blocks opened last: values, rows

    def find(self, values, h: np.ndarray) -> np.ndarray:
        """Entry of each value (an arrow text array without nulls, ``h`` its hashes), or -1.

        The probe first takes an equal hash for the value and compares every candidate's value
        afterwards, in one pass (each block opened once); a candidate whose value differs (two
        values, one hash) probes on past it, comparing at each step."""
        found = np.full(len(h), -1, dtype=np.int64)
        if self.n == 0 or len(h) == 0:
            return found
        mask = int(len(self._slots) - 1)
        slot = _home(h, np.uint64(mask))
        todo = np.arange(len(h))
        asked, entries = [], []
        while len(todo):
            e = self._slots[slot[todo]].astype(np.int64)
            todo, e = todo[e >= 0], e[e >= 0]          # an empty slot ends the probe: absent
            same = self._hashes(e) == h[todo]
            asked.append(todo[same])
            entries.append(e[same])
            todo = todo[~same]
            slot[todo] = (slot[todo] + 1) & mask
        asked, entries = np.concatenate(asked), np.concatenate(entries)
        if len(asked):
            equal = self._equal(entries, values, asked)
            found[asked[equal]] = entries[equal]
            todo = asked[~equal]
            slot[todo] = (slot[todo] + 1) & mask
            self._probe(values, h, todo, slot, mask, found)
        return found

    def _probe(self, values, h: np.ndarray, todo: np.ndarray, slot: np.ndarray, mask: int,
               found: np.ndarray) -> None:
        """Probe on for the values ``todo`` from ``slot``, comparing values at every equal hash."""
        while len(todo):
            e = self._slots[slot[todo]].astype(np.int64)
            todo, e = todo[e >= 0], e[e >= 0]
            same = np.flatnonzero(self._hashes(e) == h[todo])
            if len(same):
                cand = todo[same]
                equal = self._equal(e[same], values, cand)
                found[cand[equal]] = e[same][equal]
                keep = np.ones(len(todo), dtype=bool)
                keep[same[equal]] = False
                todo = todo[keep]
            slot[todo] = (slot[todo] + 1) & mask

    def add(self, values, h: np.ndarray, rows: np.ndarray, table: int) -> np.ndarray:
        """Add values not in the index (distinct among themselves); return their entry ids."""
        k = len(h)
        ids = np.arange(self.n, self.n + k, dtype=np.int64)
        if k == 0:
            return ids
        self._store(h)
        self._starts.append(self.n)
        self._blocks.append(_Block.pack(values, rows, table))
        self.n += k
        if 4 * self.n > 3 * len(self._slots):
            cap = len(self._slots)
            while 4 * self.n > 3 * cap:
                cap *= 2
            self._slots = np.full(cap, -1, dtype=np.int32)
            # placed a block at a time: the probe's temporaries stay small at millions of codes
            for a in range(0, self.n, _REHASH_BLOCK):
                b = min(self.n, a + _REHASH_BLOCK)
                self._place(np.arange(a, b, dtype=np.int64), self._hashes(np.arange(a, b, dtype=np.int64)))
        else:
            self._place(ids, h)
        return ids

    def _store(self, h: np.ndarray) -> None:
        """Append the hashes of entries n… : the last page grows by doubling up to _PAGE, then a
        new page starts (no copy of all hashes, and no doubled array, at millions of entries)."""
        at = self.n
        while len(h):
            page = self._pages[-1]
            used = at - (len(self._pages) - 1) * _PAGE
            if used == _PAGE:
                self._pages.append(np.zeros(1024, dtype=np.uint64))
                continue
            take = min(len(h), _PAGE - used)
            page = self._pages[-1] = _room(page, used + take)   # powers of two: never past _PAGE
            page[used: used + take] = h[:take]
            h, at = h[take:], at + take

    def _hashes(self, e: np.ndarray) -> np.ndarray:
        """The hash of each entry of ``e``."""
        if len(self._pages) == 1:
            return self._pages[0][e]
        out = np.empty(len(e), dtype=np.uint64)
        page = e >> _PAGE_BITS
        for p, hashes in enumerate(self._pages):
            at = np.flatnonzero(page == p)
            out[at] = hashes[e[at] & (_PAGE - 1)]
        return out

    def _place(self, ids: np.ndarray, h: np.ndarray) -> None:
        mask = len(self._slots) - 1
        slot = _home(h, np.uint64(mask))
        todo = np.arange(len(ids))
        while len(todo):
            s = slot[todo]
            free = self._slots[s] < 0
            self._slots[s[free]] = ids[todo[free]]         # several may claim one slot: one wins
            won = np.zeros(len(todo), dtype=bool)
            won[free] = self._slots[s[free]] == ids[todo[free]]
            todo = todo[~won]
            slot[todo] = (slot[todo] + 1) & mask

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
            self._opened[b] = self._blocks[b].unpack()
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
            yield block.unpack()[0]

    def first(self, entries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(table, row) of the first occurrence of each entry."""
        tables = np.empty(len(entries), dtype=np.int64)
        rows = np.empty(len(entries), dtype=np.int64)
        for b, at, local in self._by_block(entries):
            tables[at] = self._blocks[b].table
            rows[at] = self._open(b)[1][local]
        return tables, rows


@dataclass(frozen=True)
class _Block:
    """The values (UTF-8 bytes and lengths) and first rows (as steps) of one :meth:`UniqueIndex.add`, zstd."""

    table: int
    n: int
    size: int
    data: object
    offsets: object
    rows: object

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

    def unpack(self) -> tuple:
        import pyarrow as pa

        def open_(buf, size):
            return np.frombuffer(pa.decompress(buf, decompressed_size=size, codec="zstd"), dtype=np.int64)

        offsets = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(open_(self.offsets, 8 * self.n), out=offsets[1:])
        values = pa.LargeStringArray.from_buffers(
            self.n, pa.py_buffer(offsets), pa.decompress(self.data, decompressed_size=self.size, codec="zstd"))
        return values, np.cumsum(open_(self.rows, 8 * self.n))


def _distinct(values):
    """(code of each value, the distinct values in code order, the first position of each)."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(values)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary, _first_positions(codes, len(encoded.dictionary))


def _first_positions(codes: np.ndarray, k: int) -> np.ndarray:
    """Position of the first occurrence of each of ``k`` codes numbered in order of appearance
    (as ``pd.factorize`` and ``dictionary_encode`` number them)."""
    first = np.flatnonzero(np.r_[True, codes[1:] > np.maximum.accumulate(codes)[:-1]])
    if len(first) != k:  # not numbered in order of appearance: the general way
        first = np.full(k, len(codes), dtype=np.int64)
        np.minimum.at(first, codes, np.arange(len(codes)))
    return first


def _grown(a: np.ndarray, n: int) -> np.ndarray:
    return _room(a, n) if len(a) else np.zeros(max(n, 1024), dtype=a.dtype)


def _home(h: np.ndarray, mask: np.uint64) -> np.ndarray:
    """First slot of each hash: mixed again, so hashes that differ only in high bits spread too."""
    with np.errstate(over="ignore"):
        return (_fmix(h) & mask).astype(np.int64)


def _room(a: np.ndarray, n: int) -> np.ndarray:
    """``a`` with room for ``n`` items (doubling, so appends are amortised O(1))."""
    if n <= len(a):
        return a
    cap = len(a)
    while cap < n:
        cap *= 2
    grown = np.zeros(cap, dtype=a.dtype)
    grown[: len(a)] = a
    return grown


@dataclass
class _Counter:
    element_count: int = 0
    nonnull_count: int = 0
    unexpected_count: int = 0


@dataclass
class NativeSuite:
    """Streams chunks through the suite; also emits per-row ``task-code-duplicate`` findings."""

    specs: tuple[ExpectationSpec, ...] = field(default_factory=build_suite)
    counters: dict = field(default_factory=dict)
    index: dict = field(default_factory=dict)
    tables: list = field(default_factory=list)      # (source, sheet) of each table seen
    counted: dict = field(default_factory=dict)     # column → bool per index entry: duplicates counted

    def __post_init__(self):
        for s in self.specs:
            self.counters[s] = _Counter()
            if s.kind == "unique":
                self.index[s.column] = UniqueIndex()
                self.counted[s.column] = np.zeros(0, dtype=bool)

    def update(self, rows: Rows, source: str, sheet: str | None):
        out = []
        for s in self.specs:
            cnt = self.counters[s]
            present = rows.present(s.column)
            cnt.element_count += rows.n
            cnt.nonnull_count += int(np.count_nonzero(present))
            if s.kind == "completeness":
                cnt.unexpected_count += rows.n - int(np.count_nonzero(present))
            elif s.kind == "value_set" and rows.has(s.column):
                inside = rows.code(s.column).isin(s.value_set).to_numpy(dtype=bool)
                cnt.unexpected_count += int(np.count_nonzero(present & ~inside))
            elif s.kind == "unique" and rows.has(s.column):
                out.append(self._unique(s, rows, rows.code(s.column), present, cnt, source, sheet))
        return out

    def _unique(self, s, rows: Rows, col, notnull, cnt, source, sheet):
        import pandas as pd
        import pyarrow as pa

        pos = np.flatnonzero(notnull)
        if len(pos) == 0:
            return None
        values = pa.array(col.array)
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        values = values.take(pa.array(pos)).cast(pa.large_string())
        codes, distinct, first_pos = _distinct(values)
        h = hash64(distinct)
        index = self.index[s.column]
        before = index.find(distinct, h)                # entry of a value seen in an earlier chunk
        seen_before = before >= 0
        new = np.flatnonzero(~seen_before)
        rownums = rows.frame["_row"].to_numpy()[pos]
        entry = before
        entry[new] = index.add(distinct.take(pa.array(new)), h[new], rownums[first_pos[new]],
                               self._table(source, sheet))
        dup_idx = np.flatnonzero(seen_before[codes] | (first_pos[codes] != np.arange(len(codes))))
        if len(dup_idx) == 0:
            return None
        dup_entries = entry[codes[dup_idx]]
        counted = self.counted[s.column] = _grown(self.counted[s.column], index.n)
        fresh = np.unique(dup_entries[~counted[dup_entries]])
        counted[fresh] = True
        cnt.unexpected_count += len(fresh) + len(dup_idx)   # GX counts the first occurrence too
        tables, first_rows = index.first(dup_entries)
        mask = np.zeros(rows.n, dtype=bool)
        mask[pos[dup_idx]] = True
        params = np.full(rows.n, None, dtype=object)
        params[pos[dup_idx]] = [{"first_source": src, "first_sheet": sh, "first_row": r,
                                 "first_at": f"{src}[{sh}]" if sh else src}
                                for (src, sh), r in zip((self.tables[t] for t in tables.tolist()),
                                                        first_rows.tolist(), strict=True)]
        return hits(rows.frame, mask, TASK_CODE_DUPLICATE, s.column,
                    params=pd.Series(params, index=rows.frame.index))

    def _table(self, source: str, sheet: str | None) -> int:
        if (source, sheet) not in self.tables:
            self.tables.append((source, sheet))
        return self.tables.index((source, sheet))

    def results(self) -> list[ExpectationResult]:
        out = []
        for s in self.specs:
            c = self.counters[s]
            if s.kind == "completeness":
                ok = c.element_count == 0 or (1 - c.unexpected_count / c.element_count) >= (s.mostly or 1.0)
            elif s.kind == "value_set":
                ok = c.nonnull_count == 0 or (1 - c.unexpected_count / c.nonnull_count) >= (s.mostly or 1.0)
            else:
                ok = c.unexpected_count == 0
            out.append(ExpectationResult(s, bool(ok), c.element_count, c.unexpected_count, c.nonnull_count))
        return out


def expectation_findings(results: list[ExpectationResult]):
    """One table-level finding per failed expectation."""
    import pandas as pd

    rows = []
    for r in results:
        if r.success:
            continue
        d = r.to_dict()
        rows.append(record(r.spec.rule, field=r.spec.column,
                           params={"expectation": d["expectation"], "mostly": r.spec.mostly,
                                   "row_rule": str(ITEM_TYPE_UNKNOWN if r.spec.column == "item_type"
                                                   else ELEMENT_NOT_IN_CODELIST),
                                   "unexpected_count": r.unexpected_count,
                                   "unexpected_percent": d["unexpected_percent"],
                                   "observed": round(1 - d["unexpected_percent"] / 100, 4)}))
    return pd.DataFrame.from_records(rows) if rows else None

"""Catalog-level expectations: uniqueness of 实施编码, completeness per element, value sets.

The suite is defined once, in ``schemas/expectations.json`` (plus the code lists), and turned
into :class:`ExpectationSpec` records.  The default *native* engine evaluates them while chunks
stream past, keeping only small state (an exact index of the distinct 实施编码 whose memory
stays flat, mostly on disk — see :mod:`validators.core.valueindex` — and counters for the rest); the
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
from validators.core.valueindex import UniqueIndex, hash64
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


def _distinct(values):
    """(code of each value, the distinct values in code order, the first position of each)."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(values)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, encoded.dictionary, _first_positions(codes, len(encoded.dictionary))


def _present_distinct(rows: Rows, col: str, notnull: np.ndarray, pos: np.ndarray):
    """:func:`_distinct` of the code view of ``col`` at the present rows ``pos``, read from the
    chunk's :meth:`Rows.distinct` (which the code checks have usually computed already): its
    values, when each is there once and they are the values of the present rows, are in order of
    first appearance, so they are the same."""
    import pyarrow as pa

    dist = rows.distinct(col, "code")
    codes = dist.codes[pos]
    if not dist.unique or (codes < 0).any() or (dist.codes[~notnull] >= 0).any():   # encode anew
        values = rows.code_arrow(col)
        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        return _distinct(values.take(pa.array(pos)).cast(pa.large_string()))
    codes = codes.astype(np.int64)
    values = dist.arrow
    if not pa.types.is_large_string(values.type):
        values = values.cast(pa.large_string())
    return codes, values, _first_positions(codes, len(values))


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
    counted: dict = field(default_factory=dict)     # column → a bit per index entry: duplicates counted

    def __post_init__(self):
        for s in self.specs:
            self.counters[s] = _Counter()
            if s.kind == "unique":
                self.index[s.column] = UniqueIndex()
                self.counted[s.column] = np.zeros(0, dtype=np.uint8)

    def expect_rows(self, more: int) -> None:
        """About ``more`` rows are still to come (an estimate): sizes the uniqueness indexes."""
        for index in self.index.values():
            index.expect(more)

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
                out.append(self._unique(s, rows, present, cnt, source, sheet))
        return out

    def _unique(self, s, rows: Rows, notnull, cnt, source, sheet):
        import pandas as pd
        import pyarrow as pa

        pos = np.flatnonzero(notnull)
        if len(pos) == 0:
            return None
        codes, distinct, first_pos = _present_distinct(rows, s.column, notnull, pos)
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
        counted = self.counted[s.column] = _grown(self.counted[s.column], (index.n + 7) // 8)
        bit = np.left_shift(np.uint8(1), (dup_entries & 7).astype(np.uint8))
        fresh = np.unique(dup_entries[(counted[dup_entries >> 3] & bit) == 0])
        np.bitwise_or.at(counted, fresh >> 3, np.left_shift(np.uint8(1), (fresh & 7).astype(np.uint8)))
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

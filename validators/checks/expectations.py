"""Catalog-level expectations: uniqueness of 实施编码, completeness per element, value sets.

The suite is defined once, in ``schemas/expectations.json`` (plus the code lists), and turned
into :class:`ExpectationSpec` records.  The default *native* engine evaluates them while chunks
stream past, keeping only small state (a hash index for uniqueness, counters for the rest); the
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


class HashIndex:
    """Set of 64-bit value hashes with the first location of each, in sorted runs (LSM style).

    Memory is 16 bytes per distinct value, so a 10-million-row national export fits.  Two
    different codes sharing a 64-bit hash is possible in theory (≈3·10⁻⁶ for 10M values).
    """

    def __init__(self):
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []

    def lookup(self, h: np.ndarray) -> np.ndarray:
        """First-location id of each hash, or -1."""
        found = np.full(len(h), -1, dtype=np.int64)
        for keys, locs in self.runs:
            idx = np.searchsorted(keys, h)
            idx[idx >= len(keys)] = len(keys) - 1 if len(keys) else 0
            hit = (keys[idx] == h) & (found < 0) if len(keys) else np.zeros(len(h), bool)
            found[hit] = locs[idx[hit]]
        return found

    def add(self, h: np.ndarray, locs: np.ndarray) -> None:
        order = np.argsort(h, kind="stable")
        self.runs.append((h[order], locs[order]))
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= 2 * len(self.runs[-1][0]):
            (k1, l1), (k2, l2) = self.runs[-2], self.runs[-1]
            keys, locs = np.concatenate([k1, k2]), np.concatenate([l1, l2])
            order = np.argsort(keys, kind="stable")
            self.runs[-2:] = [(keys[order], locs[order])]


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
    loc_starts: list = field(default_factory=list)  # first location id of each block of rows
    loc_rows: list = field(default_factory=list)    # (table index, row numbers) of each block
    dup_keys: dict = field(default_factory=dict)

    def __post_init__(self):
        for s in self.specs:
            self.counters[s] = _Counter()
            if s.kind == "unique":
                self.index[s.column] = HashIndex()
                self.dup_keys[s.column] = set()

    def update(self, rows: Rows, source: str, sheet: str | None):
        out = []
        for s in self.specs:
            cnt = self.counters[s]
            present = rows.present(s.column)
            cnt.element_count += rows.n
            cnt.nonnull_count += int(present.sum())
            if s.kind == "completeness":
                cnt.unexpected_count += int((~present).sum())
            elif s.kind == "value_set" and rows.has(s.column):
                inside = rows.code(s.column).isin(s.value_set).to_numpy(dtype=bool)
                cnt.unexpected_count += int((present & ~inside).sum())
            elif s.kind == "unique" and rows.has(s.column):
                out.append(self._unique(s, rows, rows.code(s.column), present, cnt, source, sheet))
        return out

    def _unique(self, s, rows: Rows, col, notnull, cnt, source, sheet):
        import pandas as pd

        pos = np.flatnonzero(notnull)
        if len(pos) == 0:
            return None
        values = col.iloc[pos].astype(str)
        h = pd.util.hash_pandas_object(values, index=False).to_numpy()
        index = self.index[s.column]
        first_loc = index.lookup(h)
        # duplicates inside this chunk
        dup_in_chunk = pd.Series(h).duplicated(keep="first").to_numpy()  # noqa: E501
        new_mask = (first_loc < 0) & ~dup_in_chunk
        rownums = rows.frame["_row"].to_numpy()[pos]
        new_idx = np.flatnonzero(new_mask)
        base = self._store(source, sheet, rownums[new_idx])
        new_locs = np.arange(base, base + len(new_idx), dtype=np.int64)
        # resolve in-chunk duplicates to their first occurrence in this chunk
        codes, _uniq = pd.factorize(h)
        _u, first_of_code = np.unique(codes, return_index=True)
        first_pos_in_chunk = first_of_code[codes]
        loc_of = dict(zip(new_idx.tolist(), new_locs.tolist(), strict=True))
        dup = ~new_mask
        dup_idx = np.flatnonzero(dup)
        if len(new_idx):
            index.add(h[new_idx], new_locs)
        if len(dup_idx) == 0:
            return None
        firsts = []
        keys = self.dup_keys[s.column]
        for i in dup_idx:
            loc = first_loc[i] if first_loc[i] >= 0 else loc_of[int(first_pos_in_chunk[i])]
            firsts.append(self._location(int(loc)))
            key = int(h[i])
            if key not in keys:
                keys.add(key)
                cnt.unexpected_count += 1   # GX counts the first occurrence too
        cnt.unexpected_count += len(dup_idx)
        mask = np.zeros(rows.n, dtype=bool)
        mask[pos[dup_idx]] = True
        params = pd.Series([None] * rows.n, index=rows.frame.index, dtype=object)
        params.iloc[pos[dup_idx]] = [{"first_source": f[0], "first_sheet": f[1], "first_row": f[2],
                                      "first_at": f"{f[0]}[{f[1]}]" if f[1] else f[0]} for f in firsts]
        return hits(rows.frame, pd.Series(mask, index=rows.frame.index), TASK_CODE_DUPLICATE,
                    s.column, params=params)

    def _store(self, source: str, sheet: str | None, rownums: np.ndarray) -> int:
        """Keep first-occurrence rows as numpy blocks (no Python object per row); return the first id."""
        if (source, sheet) not in self.tables:
            self.tables.append((source, sheet))
        base = self.loc_starts[-1] + len(self.loc_rows[-1][1]) if self.loc_rows else 0
        if len(rownums):
            self.loc_starts.append(base)
            self.loc_rows.append((self.tables.index((source, sheet)), rownums.astype(np.int64)))
        return base

    def _location(self, loc: int) -> tuple[str, str | None, int]:
        import bisect

        k = bisect.bisect_right(self.loc_starts, loc) - 1
        table, rows = self.loc_rows[k]
        source, sheet = self.tables[table]
        return source, sheet, int(rows[loc - self.loc_starts[k]])

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

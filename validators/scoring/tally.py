"""Per-unit figures gathered during the validate scan, for the indices of ``sxcheck score``.

:class:`UnitTally` is a scan observer (see ``Report.observers``): the pipeline hands it every
chunk's :class:`~validators.core.rows.Rows` and that chunk's hit frame, and it adds a few numpy
``bincount`` sums per unit.  Nothing is re-read and no per-row Python object is built, so scoring
costs a small fraction of the validate time (``benchmarks/score_bench.py``).

A *unit* is the value of one column (实施主体 by default) or a region-code prefix taken from the
USCC in 实施主体编码 / 实施编码 (or 行政区划代码).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from validators.core.schema import elements, families, label
from validators.scoring.weights import Weights

# friendly --by names beside the element names, titles and header aliases
BY_NAMES = {"实施主体": "implementing_body", "部门": "implementing_body", "单位": "implementing_body",
            "区划": "area_code", "行政区划": "area_code", "事项类型": "item_type"}
USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
REGION_DIGITS = (2, 4, 6)


def resolve_by(by: str | None) -> str:
    """The canonical element a ``--by`` value names; ValueError when it names none."""
    from validators.read.aliases import canonical_name

    if not by:
        return "implementing_body"
    if by in elements():
        return by
    name = BY_NAMES.get(by.strip()) or canonical_name(by)
    if name is None:
        raise ValueError(f"--by {by!r}: 不是已知要素列 / not a known element column")
    return name


@dataclass(frozen=True)
class UnitKey:
    """How a row's unit is found: an element column, or a region prefix of ``digits`` digits."""

    field: str = "implementing_body"
    region_digits: int | None = None

    def title(self, lang: str = "zh") -> str:
        if self.region_digits:
            return {2: "省级区划", 4: "市级区划", 6: "县级区划"}.get(self.region_digits, "区划") \
                if lang != "en" else f"region ({self.region_digits}-digit prefix)"
        return label(self.field, lang)

    def missing(self, lang: str = "zh") -> str:
        return f"（未填{self.title(lang)}）" if lang != "en" else f"(no {self.title(lang)})"

    def units(self, rows):
        """Object array: each row's unit (the :meth:`missing` label when absent)."""
        from validators.core.rows import map_distinct

        if self.region_digits:
            n = self.region_digits

            def from_uscc(v: str):
                return v[2:2 + n].ljust(6, "0") if USCC.fullmatch(v[:18]) else None

            def from_area(v: str):
                return v[:n].ljust(6, "0") if v[:6].isdigit() and len(v) >= 6 else None

            out = None
            for col, fn in (("implementing_body_code", from_uscc), ("task_code", from_uscc),
                            ("area_code", from_area)):
                if not rows.has(col):
                    continue
                if out is not None and out.notna().all():
                    break
                # the first 18 characters hold the USCC: few distinct values even when every
                # 实施编码 is unique, so the per-value check runs thousands of times, not millions
                head = rows.code(col).str.slice(0, 18)
                vals = map_distinct(head, fn)
                out = vals if out is None else out.where(out.notna(), vals)
            if out is None:
                return np.full(rows.n, self.missing(), dtype=object)
            return out.fillna(self.missing()).to_numpy(dtype=object)
        if not rows.has(self.field):
            return np.full(rows.n, self.missing(), dtype=object)
        return rows.text(self.field).astype(object).where(rows.present(self.field), self.missing()) \
            .to_numpy(dtype=object)


def _required_matrix(names: list[str]):
    """(family name → row in the matrix, bool matrix families × ``names``: required there)."""
    fams = list(families().values())
    index = {f.name: i for i, f in enumerate(fams)}
    mat = np.zeros((len(fams) + 1, len(names)), dtype=bool)
    for f in fams:
        req = set(f.required)
        mat[index[f.name]] = [n in req for n in names]
    # a guide whose 事项类型 is missing or unknown is checked like the general family
    mat[len(fams)] = mat[index["general"]] if "general" in index else mat[:len(fams)].any(axis=0)
    return index, mat


class UnitTally:
    """Scan observer accumulating, per unit, the numerators and denominators of the indices."""

    FIGURES = ("rows", "acc_num", "acc_den", "onsite_num", "onsite_den", "speed_num", "speed_den",
               "online_num", "online_den")

    def __init__(self, key: UnitKey, weights: Weights, *, keep_row_units: bool = False,
                 keep_row_keys: bool = False):
        self.key = key
        self.weights = weights
        self.names = [n for n in weights.elements if n in elements()]
        self.w = np.array([weights.elements[n] for n in self.names], dtype=np.float64)
        self.col = {n: i for i, n in enumerate(self.names)}
        self.fam_index, self.req = _required_matrix(self.names)
        self.onsite_req = _required_matrix(["onsite_visits"])[1][:, 0]
        self.online_req = _required_matrix(["is_online"])[1][:, 0]
        self.unit_index: dict[str, int] = {}
        self.units: list[str] = []
        self.fig = {k: np.zeros(0, dtype=np.float64) for k in self.FIGURES}
        self.keep_row_units = keep_row_units
        self.row_units: list[np.ndarray] = []   # scan-order unit index per checked row (for conform)
        self.keep_row_keys = keep_row_keys
        self.row_keys: list[tuple] = []         # (source, sheet, row numbers, unit index) per chunk
        self.element_fail = np.zeros(len(self.names), dtype=np.int64)
        self.element_checked = np.zeros(len(self.names), dtype=np.int64)
        self.seconds = 0.0      # time spent in observe(), reported by benchmarks/score_bench.py

    # ------------------------------------------------------------------ scan
    def _unit_codes(self, rows) -> np.ndarray:
        import pandas as pd

        codes, uniques = pd.factorize(self.key.units(rows))
        local = np.empty(len(uniques), dtype=np.int64)
        for i, u in enumerate(uniques):
            g = self.unit_index.get(u)
            if g is None:
                g = self.unit_index[u] = len(self.units)
                self.units.append(u)
            local[i] = g
        size = len(self.units)
        if size > len(self.fig["rows"]):
            for k, arr in self.fig.items():
                grown = np.zeros(max(size, 2 * len(arr)), dtype=np.float64)
                grown[:len(arr)] = arr
                self.fig[k] = grown
        return local[codes]

    def _add(self, name: str, unit: np.ndarray, values=None) -> None:
        arr = self.fig[name]
        arr[:] += np.bincount(unit, weights=values, minlength=len(arr))[:len(arr)]

    def observe(self, report, table, rows, found) -> None:
        import time

        started = time.perf_counter()
        try:
            self._observe(report, table, rows, found)
        finally:
            self.seconds += time.perf_counter() - started

    def _observe(self, report, table, rows, found) -> None:
        import pandas as pd

        from validators.checks.elements import family_series

        n = rows.n
        unit = self._unit_codes(rows)
        if self.keep_row_units:
            self.row_units.append(unit.astype(np.int32))
        if self.keep_row_keys:
            self.row_keys.append((table.source, table.sheet, rows.frame["_row"].to_numpy(dtype=np.int64),
                                  unit.astype(np.int32)))
        self._add("rows", unit)

        fam_codes, fam_uniq = pd.factorize(family_series(rows))
        other = len(self.fam_index)
        lookup = np.array([self.fam_index.get(f, other) for f in fam_uniq] + [other], dtype=np.int64)
        fam_row = lookup[fam_codes]          # code -1 (no family) picks the last slot
        checked = self.req[fam_row]                                  # rows × elements
        ok = checked.copy()
        for j, name in enumerate(self.names):
            if rows.has(name):
                ok[:, j] &= rows.present(name)
            else:
                ok[:, j] = False
        if found is not None and len(found):
            sev = {c: report.severity_of(c).value for c in found["code"].unique()}
            f = found[found["code"].map(sev).isin(("error", "warning")).to_numpy()
                      & found["field"].isin(self.col).to_numpy()]
            if len(f):
                ok[f["_pos"].to_numpy(dtype=np.int64), f["field"].map(self.col).to_numpy(dtype=np.int64)] = False
        self.element_checked += checked.sum(axis=0)
        self.element_fail += (checked & ~ok).sum(axis=0)
        self._add("acc_num", unit, ok.astype(np.float64) @ self.w)
        self._add("acc_den", unit, checked.astype(np.float64) @ self.w)

        onsite_req = self.onsite_req[fam_row]
        self._add("onsite_den", unit, onsite_req.astype(np.float64))
        if rows.has("onsite_visits"):
            once = rows.code("onsite_visits").isin(["0", "1"]).to_numpy(dtype=bool)
            self._add("onsite_num", unit, (onsite_req & once).astype(np.float64))

        online_req = self.online_req[fam_row]
        self._add("online_den", unit, online_req.astype(np.float64))
        if rows.has("is_online"):
            yes = (rows.code("is_online") == "1").fillna(False).to_numpy(dtype=bool)
            self._add("online_num", unit, (online_req & yes).astype(np.float64))

        if rows.has("legal_time_limit") and rows.has("promised_time_limit"):
            legal = rows.num("legal_time_limit")
            promised = rows.num("promised_time_limit")
            same_unit = np.ones(n, dtype=bool)
            if rows.has("legal_time_limit_unit") or rows.has("promised_time_limit_unit"):
                lu = rows.code("legal_time_limit_unit") if rows.has("legal_time_limit_unit") else None
                pu = rows.code("promised_time_limit_unit") if rows.has("promised_time_limit_unit") else None
                if lu is None or pu is None:
                    same_unit = (lu if lu is not None else pu).isna().to_numpy(dtype=bool)
                else:
                    same_unit = ((lu == pu).fillna(False).to_numpy(dtype=bool)
                                 | (lu.isna() & pu.isna()).to_numpy(dtype=bool))
            both = (legal > 0) & (promised >= 0) & same_unit
            both &= ~np.isnan(legal) & ~np.isnan(promised)
            with np.errstate(invalid="ignore", divide="ignore"):
                gain = np.clip(1.0 - promised / legal, 0.0, 1.0)
            self._add("speed_den", unit, both.astype(np.float64))
            self._add("speed_num", unit, np.where(both, gain, 0.0))

    # ------------------------------------------------------------------ results
    def figures(self) -> dict[str, dict[str, float]]:
        """unit → {figure: value}, in first-seen order."""
        return {u: {k: self.fig[k][i] for k in self.FIGURES} for i, u in enumerate(self.units)}

    def unit_of_rows(self):
        """DataFrame (source, _sheet, _r, _unit) of every checked row, when ``keep_row_keys``."""
        import pandas as pd

        parts = [pd.DataFrame({"source": src, "_sheet": sheet or "", "_r": r, "_unit": u})
                 for src, sheet, r, u in self.row_keys]
        return pd.concat(parts, ignore_index=True) if parts else None

    def row_unit_array(self) -> np.ndarray:
        return np.concatenate(self.row_units) if self.row_units else np.zeros(0, dtype=np.int32)

"""``sxcheck score``: one validate (or conform, with ``--base``) pass, then indices per unit.

The :class:`~validators.scoring.tally.UnitTally` observer rides along the scan, so the inputs are
read exactly once; with ``--base`` the conformity rows (in scan order) are joined to the units
through the tally's per-row unit index.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

from validators.revocation.rules import (
    DELEGATED_WRONG_LEVEL,
    PERMIT_NOT_IN_LIST,
    REVOKED_LISTED,
    REVOKED_REVIEW,
)
from validators.scoring.indices import (
    LABELS,
    UnitScore,
    figure,
    index_label,
    score_units,
)
from validators.scoring.tally import REGION_DIGITS, UnitKey, UnitTally, resolve_by
from validators.scoring.weights import INDICES, Weights, load_weights


@dataclass
class ScoreResult:
    report: Any                      # the validate / conform Report of the same pass
    units: list[UnitScore]
    weights: Weights
    key: UnitKey
    overall: dict[str, dict]
    conform: Any = None              # ConformResult when --base was given
    element_figures: dict[str, dict] = field(default_factory=dict)
    seconds: float = 0.0
    scoring_seconds: float = 0.0     # of which: the tally during the scan plus the indices after it

    def tier_counts(self, lang: str = "zh") -> dict[str, int]:
        counts = {t: 0 for t in self.weights.tiers(lang)}
        for u in self.units:
            t = u.tier_en if lang == "en" else u.tier
            if t is not None:
                counts[t] += 1
        return counts

    def summary(self, lang: str = "zh") -> dict[str, Any]:
        s = self.report.summary()
        scores = [u.score for u in self.units if u.score is not None]
        out = {"units": len(self.units), "rows": s["rows_checked"], "by": self.key.title(lang),
               "by_field": None if self.key.region_digits else self.key.field,
               "by_region": self.key.region_digits,
               "errors": s["errors"], "warnings": s["warnings"], "infos": s["infos"],
               "findings": s["findings"],
               "score_max": max(scores) if scores else None, "score_min": min(scores) if scores else None,
               "tiers": self.tier_counts(lang), "overall": self.overall,
               "base": self.conform is not None, "seconds": round(self.seconds, 3)}
        if self.conform is not None:
            rates = self.conform.rates
            out["gate"] = rates.get("gate")
        return out

    def labels(self, lang: str = "zh") -> dict[str, str]:
        return {k: index_label(k, lang) for k in INDICES if k in LABELS}

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        from validators import __version__

        return {"tool": {"name": "sxcheck", "version": __version__}, "command": "score", "lang": lang,
                "summary": self.summary(lang), "labels": self.labels(lang),
                "units": [u.to_dict(lang) for u in self.units],
                "weights": self.weights.to_dict(), "cutoffs": self.weights.cutoffs_dict(),
                "elements": self.element_figures}


def score(paths: Iterable[str] | str, *, base: str | None = None, by: str | None = None,
          by_region: int | None = None, weights: Weights | str | None = None, sheet: str | None = None,
          encoding: str | None = None, base_encoding: str | None = None,
          severity: dict[str, str] | None = None,
          progress: Callable[[str, int, int | None, int | None], None] | None = None,
          revoked: dict | None = None, channels: Iterable[str] = (),
          observers: Iterable = ()) -> ScoreResult:
    """Score every unit of the guides in ``paths``.

    ``by`` names the unit column (element name, title or header alias; default 实施主体);
    ``by_region`` (2, 4 or 6) groups by that many digits of the region code in the USCC of
    实施主体编码 / 实施编码 (else 行政区划代码).  ``base`` adds the conformity indices.
    ``revoked`` (options of :class:`validators.revocation.run.RevokedPass`, ``{}`` for the
    defaults) runs the revoked-permit check in the same pass and adds per-unit counts of its rules
    (beside the indices, not weighted).  ``channels`` (other channels' exports of the same items)
    adds 同源率 per 实施主体 through :func:`validators.channels.run.compare_sources`, the one scored
    file being the reference.  Raises ValueError on bad options and
    :class:`validators.read.InputError` on unreadable input.
    """
    started = time.perf_counter()
    if isinstance(paths, str):
        paths = [paths]
    if by_region is not None and by_region not in REGION_DIGITS:
        raise ValueError(f"--by-region {by_region}: 应为 2（省）、4（市）或 6（县） / must be 2, 4 or 6")
    if by_region and by:
        raise ValueError("--by 与 --by-region 只能选一个 / give --by or --by-region, not both")
    if revoked is not None and base is not None:
        raise ValueError("--revoked 与 --base 暂不能同用 / --revoked cannot be combined with --base yet")
    channels = list(channels)
    key = UnitKey(resolve_by(by), by_region)
    if channels and (len(paths) != 1 or key.region_digits or key.field != "implementing_body"):
        raise ValueError("--channel 需要单个参照文件并按实施主体评分 / --channel needs one reference file "
                         "scored by 实施主体")
    w = weights if isinstance(weights, Weights) else load_weights(weights)
    tally = UnitTally(key, w, keep_row_units=base is not None, keep_row_keys=revoked is not None)
    conformity = None
    result = None
    if base is None:
        from validators.pipeline import validate

        report = validate(list(paths), sheet=sheet, encoding=encoding, severity=severity, progress=progress,
                          revoked=revoked, observers=[tally, *observers])
    else:
        from validators.conformity.run import conform

        result = conform(list(paths), base, sheet=sheet, encoding=encoding, severity=severity,
                         progress=progress, base_encoding=base_encoding, observers=[tally, *observers])
        report = result.report
        conformity = _conformity_by_unit(result, tally)
    scanned = time.perf_counter()
    same_total = None
    if channels:
        conformity, same_total = _same_source_by_unit(paths[0], channels, sheet, encoding, conformity,
                                                      tally.units)
    figures = tally.figures()
    units = score_units(figures, w, conformity)
    if revoked is not None:
        _revoked_counts(report, tally, units)
    overall = overall_figures(figures, result)
    if same_total is not None:
        overall["same_source"] = figure(*same_total)
    element_figures = {n: {"checked": int(c), "failed": int(f)}
                       for n, c, f in zip(tally.names, tally.element_checked, tally.element_fail, strict=True) if c}
    report.command = "score"
    done = time.perf_counter()
    out = ScoreResult(report, units, w, key, overall, result, element_figures, done - started)
    out.scoring_seconds = tally.seconds + (done - scanned)
    return out


# the revoked check's rules counted per unit, with their column labels (zh, en)
REVOKED_CODES = {REVOKED_LISTED: ("已取消仍列出", "cancelled still listed"),
                 DELEGATED_WRONG_LEVEL: ("已下放仍在原层级", "delegated, wrong level"),
                 REVOKED_REVIEW: ("取消事项待复核", "cancelled, to review"),
                 PERMIT_NOT_IN_LIST: ("许可清单外", "outside the permit list")}


def _revoked_counts(report, tally: UnitTally, units: list) -> None:
    """Per unit: rows flagged by each revoked-check rule (``UnitScore.extra["revoked"]``)."""
    import pandas as pd

    df = report.frame()
    df = df[df["code"].isin(list(REVOKED_CODES)) & df["row"].notna()]
    counts: dict[str, dict[str, int]] = {}
    keys = tally.unit_of_rows()
    if len(df) and keys is not None:
        hits = pd.DataFrame({"source": df["source"].to_numpy(), "_sheet": df["sheet"].fillna("").to_numpy(),
                             "_r": pd.to_numeric(df["row"]).astype("int64").to_numpy(),
                             "code": df["code"].to_numpy()}).drop_duplicates()
        joined = hits.merge(keys, on=["source", "_sheet", "_r"], how="inner")
        for (u, code), n in joined.groupby(["_unit", "code"]).size().items():
            counts.setdefault(tally.units[int(u)], {})[code] = int(n)
    for u in units:
        u.extra["revoked"] = {str(c): counts.get(u.unit, {}).get(c, 0) for c in REVOKED_CODES}


def _same_source_by_unit(reference: str, channels: list[str], sheet, encoding, conformity, units):
    """Add (identical, compared) per 实施主体, summed over the channels, to ``conformity``."""
    from validators.channels.run import compare_sources

    res = compare_sources(reference, channels, sheet=sheet, encoding=encoding)
    out = conformity if conformity is not None else {}
    sums: dict[str, list[int]] = {}
    for ch in res.channels:
        for body, v in ch["per_body"].items():
            entry = sums.setdefault(body, [0, 0])
            entry[0] += v["numerator"]
            entry[1] += v["denominator"]
    for u in units:
        num, den = sums.get(u, (0, 0))
        out.setdefault(u, {})["same_source"] = (num, den)
    total = (sum(ch["same_source_rate"]["numerator"] for ch in res.channels),
             sum(ch["same_source_rate"]["denominator"] for ch in res.channels))
    return out, total


def overall_figures(figures, result=None) -> dict[str, dict]:
    """The overall figure of each index: the tally's per-unit ``figures`` summed (办事指南准确度 and
    the other tally indices) and, with a conformity ``result``, the catalog and task conformity and
    coverage.  ``sxcheck score`` reports these; ``sxcheck check``'s ``min_accuracy`` gates on one."""
    from validators.scoring.indices import TALLY_INDICES

    out = {}
    for name, (a, b) in TALLY_INDICES.items():
        out[name] = figure(sum(f[a] for f in figures.values()), sum(f[b] for f in figures.values()))
    if result is not None:
        r = result.rates
        for name in ("catalog_conformity", "task_conformity"):
            out[name] = figure(r[name]["numerator"], r[name]["denominator"])
        cov = result.coverage
        out["coverage"] = figure(cov.get("numerator", 0), cov.get("denominator", 0))
    return {k: out[k] for k in INDICES if k in out}


def _conformity_by_unit(result, tally: UnitTally) -> dict[str, dict[str, tuple[float, float]]]:
    """unit → {catalog_conformity, task_conformity[, coverage]: (numerator, denominator)}."""
    m = result.matches
    unit = tally.row_unit_array().astype(np.int64)
    if len(unit) != len(m):   # the collector and the tally see the same non-blank rows in order
        raise RuntimeError(f"scoring: {len(unit)} tallied rows but {len(m)} conformity rows")
    n_units = len(tally.units)
    counted = ~m["local_added"].to_numpy(dtype=bool)
    out: dict[str, dict] = {u: {} for u in tally.units}
    for name, col in (("catalog_conformity", "catalog_ok"), ("task_conformity", "task_ok")):
        ok = m[col].to_numpy(dtype=bool)
        den = np.bincount(unit[counted], minlength=n_units)
        num = np.bincount(unit[counted & ok], minlength=n_units)
        for i, u in enumerate(tally.units):
            out[u][name] = (int(num[i]), int(den[i]))
    if tally.key.region_digits:
        from validators.conformity.rates import coverage

        level = result.coverage.get("level")
        base = result.base
        matched = (m["band"] == "matched").to_numpy(dtype=bool)
        review = (m["band"] == "review").to_numpy(dtype=bool)
        codes = m["base_code"].to_numpy(dtype=object)
        for i, u in enumerate(tally.units):
            mine = unit == i
            claimed = {base.code_index[c] for c in codes[mine & matched] if c in base.code_index}
            pending = {base.code_index[c] for c in codes[mine & review] if c in base.code_index}
            cov, _ = coverage(base, level, claimed, pending)
            out[u]["coverage"] = (cov["numerator"], cov["denominator"])
    return out

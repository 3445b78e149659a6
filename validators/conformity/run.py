"""Conformity of a local 基本目录 / 实施清单 with the national base catalog (validators/conformity/conform.md).

One pass over the local file runs every validate check (:func:`validators.pipeline.scan_table`)
and keeps only the few columns matching needs.  Each row is then aligned with the base catalog
(:mod:`validators.conform_align`), and every step is recorded as evidence in
:attr:`ConformResult.matches`:

1. ``code`` — the 基本编码 is in the base (``task-code``: the tail [19:31] of a 31-character
   实施编码 when the 基本编码 is missing).  The names are still compared: a different name is
   ``catalog-name-mismatch``; a guard firing, an unrelated name, or a name that is exactly another
   item's sends the row to ``review``.
2. ``name`` / ``normalised-name`` — the trimmed name, then its key (:mod:`validators.names`),
   equals a base item's.
3. ``fuzzy`` — ratio on keys, blocked by 事项类型, with keyword guards (:mod:`validators.matcher`).

The rates (:mod:`validators.conform_rates`) reuse the validate findings of the same pass.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from validators.checks.expectations import NativeSuite
from validators.conformity.align import Alignment, align
from validators.conformity.basecat import BASE_CODE_DUPLICATE, BaseCatalog, load_base
from validators.conformity.findings import add_row_findings, add_unclaimed, obj, take
from validators.conformity.matcher import Thresholds
from validators.conformity.rates import (
    CATALOG_ISSUES,
    TASK_CODE,
    TASK_ISSUES,
    column_missing_bits,
    coverage,
    group_keys,
    infer_level,
    issue_text,
    rate_block,
    task_finding_bits,
)
from validators.core.rulebook import Severity
from validators.pipeline import finish_expectations, scan_table
from validators.read import open_tables
from validators.read.rules import COLUMN_MISSING
from validators.report.report import Report

COLLECT = (("item_name", "text"), ("catalog_code", "code"), ("task_code", "code"),
           ("item_type", "code"), ("exercise_levels", "code"), ("implementing_body", "text"),
           ("implementing_body_code", "code"))
MATCH_COLUMNS = ["local_source", "local_sheet", "local_row", "local_code", "local_task_code",
                 "local_name", "local_type", "local_levels", "local_body", "base_code", "base_name",
                 "base_type", "base_levels", "method", "score", "band", "guards", "candidates",
                 "catalog_ok", "catalog_issues", "task_ok", "task_issues", "local_added"]


@dataclass
class ConformResult:
    """``report``: findings plus ``extra`` (rates, coverage, thresholds, …); ``matches``: one row
    per local row with the evidence of its alignment (columns :data:`MATCH_COLUMNS`)."""

    report: Report
    matches: object
    base: BaseCatalog

    @property
    def rates(self) -> dict:
        return self.report.extra["rates"]

    @property
    def coverage(self) -> dict:
        return self.report.extra["coverage"]

    def write_matches(self, path: str, lang: str | None = None) -> None:
        """CSV (UTF-8 with BOM, so Excel opens it cleanly) or XLSX, chosen by the extension; no
        formula from the data, written atomically (:mod:`validators.exporters.tables`).

        ``lang`` "zh" or "en" gives the columns headers in that language (the CLI passes --lang);
        None keeps the field names of :attr:`matches`.  Values (bands, methods, issue names) stay
        the documented codes."""
        from validators.exporters.tables import write_frame

        frame, sheet = self.matches, "matches"
        if lang == "zh":
            frame, sheet = frame.rename(columns=MATCH_COLUMNS_ZH), "匹配表"
        write_frame(frame, path, sheet_name=sheet)


MATCH_COLUMNS_ZH = {
    "local_source": "本地文件", "local_sheet": "工作表", "local_row": "行", "local_code": "基本编码",
    "local_task_code": "实施编码", "local_name": "事项名称", "local_type": "事项类型",
    "local_levels": "行使层级", "local_body": "实施主体", "base_code": "国家目录基本编码",
    "base_name": "国家目录事项名称", "base_type": "国家目录事项类型", "base_levels": "国家目录行使层级",
    "method": "匹配方式", "score": "相似度", "band": "匹配结论（matched/review/unmatched）",
    "guards": "关键词保护", "candidates": "候选事项", "catalog_ok": "符合基本目录",
    "catalog_issues": "基本目录问题", "task_ok": "符合实施清单", "task_issues": "实施清单问题",
    "local_added": "地方增设事项",
}


def min_rate_ok(result: ConformResult, min_rate: float) -> bool:
    """CI gate: the gate rate is at least ``min_rate``.

    The gate rate is 实施清单符合率 when the local file carries 实施编码 values, else 基本目录符合率
    (``result.rates["gate"]`` names it).  An empty denominator passes: nothing failed.
    """
    rates = result.rates
    rate = rates[rates["gate"]]["rate"]
    return rate is None or rate >= min_rate


class _Collector:
    """``on_rows`` callback of scan_table: keeps only the columns conformity needs."""

    def __init__(self, report: Report):
        self.parts: list = []
        self.present: set[str] = set()
        self.table = None
        self.report = report
        self.code_bits: dict[str, int] = {}

    def _bit(self, code: str) -> int:
        """实施清单 issue bit of a finding code at its effective severity (0: does not block)."""
        if code not in self.code_bits:
            bit = task_finding_bits().get(code, 0)
            self.code_bits[code] = bit if self.report.severity_of(code) is Severity.ERROR else 0
        return self.code_bits[code]

    def __call__(self, rows, found) -> None:
        import pandas as pd

        bits = np.zeros(rows.n, dtype=np.int64)
        if found is not None and len(found):
            hit_bits = found["code"].map(self._bit).to_numpy(dtype=np.int64)
            np.bitwise_or.at(bits, found["_pos"].to_numpy(), hit_bits)
        data = {"source": self.table.source, "sheet": self.table.sheet, "row": rows.frame["_row"],
                "finding_bits": bits}
        for col, how in COLLECT:
            if rows.has(col):
                self.present.add(col)
                data[col] = rows.text(col) if how == "text" else rows.code(col)
            else:
                data[col] = None
        self.parts.append(pd.DataFrame(data))

    def frame(self):
        import pandas as pd

        if self.parts:
            out = pd.concat(self.parts, ignore_index=True)
        else:
            out = pd.DataFrame({c: pd.Series([], dtype=object)
                                for c in ["source", "sheet", "row"] + [c for c, _ in COLLECT]})
            out["finding_bits"] = pd.Series([], dtype=np.int64)
        self.parts = []
        # Arrow strings where slicing and regex run over a million codes; the other code
        # columns stay object (shared strings from the code normalisation, cheap to factorise)
        for col in ("item_name", "catalog_code", "task_code", "implementing_body"):
            out[col] = out[col].astype("str")
        return out


def conform(local_paths: Iterable[str] | str, base_path: str, *, sheet: str | None = None,
            encoding: str | None = None, match_threshold: float = 95, review_threshold: float = 80,
            level: str | int | None = None,
            progress: Callable[[str, int, int | None], None] | None = None,
            severity: dict[str, str] | None = None, base_encoding: str | None = None,
            observers: Iterable = ()) -> ConformResult:
    """Align local catalog rows with the base catalog and compute the conformity rates.

    ``encoding`` and ``sheet`` apply to the local files; ``base_encoding`` to the base file
    (detected when None).
    ``level`` (1–6) is the local level for coverage; inferred when None.  ``severity`` overrides
    rule levels as in validate (and so which findings fail 实施清单符合率).  Raises
    :class:`validators.io.InputError` when a file cannot be read, ValueError on bad options.
    """
    started = time.perf_counter()
    th = Thresholds(float(match_threshold), float(review_threshold))
    if level is not None and str(level) not in {"1", "2", "3", "4", "5", "6"}:
        raise ValueError("level must be one of 1–6 (国家级 … 村级)")
    if isinstance(local_paths, str):
        local_paths = [local_paths]
    base = load_base(base_path, encoding=base_encoding)
    tables = [t for p in local_paths for t in open_tables(p, sheet=sheet, encoding=encoding)]
    report = Report(command="conform", severity_overrides=dict(severity or {}), observers=list(observers))
    suite = NativeSuite()
    collect = _Collector(report)
    infos = []
    for table in tables:
        collect.table = table
        infos.append(scan_table(table, report, suite, on_rows=collect, progress=progress))
    finish_expectations(report, suite.results())
    t_scan = time.perf_counter()
    local = collect.frame()
    for frame in base.findings:
        report.add(frame)
    al = align(local, base, th)
    t_match = time.perf_counter()
    agree = add_row_findings(report, local, base, al)

    task_ok = local["task_code"].str.fullmatch(TASK_CODE).fillna(False).to_numpy(dtype=bool)
    lvl, how, dist = infer_level(None if level is None else str(level), local["task_code"],
                                 task_ok, local["exercise_levels"])
    claimed = set(al.pos[(al.band == "matched") & (al.pos >= 0)].tolist())
    pending = set(al.pos[(al.band == "review") & (al.pos >= 0)].tolist())
    cov, unclaimed = coverage(base, lvl, claimed, pending)
    cov["level_source"] = how
    if dist:
        cov["level_distribution"] = dist
    add_unclaimed(report, base, unclaimed, lvl)
    # every finding is in by now, so the report's sorted frame is built once and then reused
    missing = [(i.source, i.sheet, i.missing) for i in infos
               if report.severity_of(COLUMN_MISSING) is Severity.ERROR]
    cbits, tbits = _issue_bits(local, al, agree, task_ok, missing)
    rates = _rates(local, al, cbits, tbits, "task_code" in collect.present)
    matches = _matches_frame(local, base, al, cbits, tbits)
    report.extra = {
        "rates": rates, "coverage": cov,
        "thresholds": {"match": th.match, "review": th.review},
        "matching": {"rows": int(len(local)), "distinct_names": al.pairs,
                     "fuzzy_scored": al.fuzzy_scored,
                     "by_method": _counts(al.method), "by_band": _counts(al.band),
                     "local_added": int(al.local_added.sum())},
        "base": {"source": base.source, "items": len(base),
                 "code_format_errors": int((~base.code_ok).sum()),
                 "duplicate_codes": int(sum(len(f) for f in base.findings
                                            if f["code"].iat[0] == BASE_CODE_DUPLICATE))},
        "timing": {"scan": round(t_scan - started, 3), "match": round(t_match - t_scan, 3)},
    }
    report.seconds = time.perf_counter() - started
    report.extra["timing"]["total"] = round(report.seconds, 3)
    return ConformResult(report, matches, base)


def _counts(values: np.ndarray) -> dict:
    uniq, n = np.unique(values.astype(str), return_counts=True)
    return {str(u): int(c) for u, c in sorted(zip(uniq, n, strict=True), key=lambda t: -t[1])}


def _issue_bits(local, al: Alignment, agree: dict, task_ok: np.ndarray, missing: list):
    """Why each row fails 基本目录符合率 (cbits) and 实施清单符合率 (tbits); 0 = conforming."""
    matched = al.band == "matched"
    code_given = al.code.notna().to_numpy(dtype=bool)
    cbits = np.zeros(len(local), dtype=np.int64)
    cbits |= np.where(al.band == "unmatched", 1, 0)
    cbits |= np.where(al.band == "review", 2, 0)
    cbits |= np.where(matched & ~al.eq, 4, 0)
    cbits |= np.where(matched & ~agree["type_ok"], 8, 0)
    cbits |= np.where(matched & ~agree["level_ok"], 16, 0)
    cbits |= np.where(matched & code_given & ~al.hit, 32, 0)
    tbits = local["finding_bits"].to_numpy(dtype=np.int64) | column_missing_bits(local, missing)
    tbits |= np.where(~al.hit, 1, 0)
    tbits |= np.where(~task_ok, 2, 0)
    tbits |= np.where(al.hit & ~agree["type_ok"], 32, 0)
    tbits |= np.where(al.hit & ~agree["level_ok"], 64, 0)
    return cbits, tbits


def _rates(local, al: Alignment, cbits, tbits, has_task_column: bool) -> dict:
    counted = ~al.local_added
    bodies = group_keys(local["implementing_body"], local["implementing_body_code"])
    types = group_keys(local["item_type"])
    has_task = has_task_column and bool(local["task_code"].notna().any())
    return {
        "catalog_conformity": rate_block(cbits == 0, counted, cbits, CATALOG_ISSUES, bodies, types),
        "task_conformity": rate_block(tbits == 0, counted, tbits, TASK_ISSUES, bodies, types),
        "gate": "task_conformity" if has_task else "catalog_conformity",
        "local_added": int(al.local_added.sum()),
    }


def _matches_frame(local, base: BaseCatalog, al: Alignment, cbits, tbits):
    import pandas as pd

    pos = al.pos
    cat = local["catalog_code"]

    def col(name):
        return obj(local[name].to_numpy(dtype=object, na_value=None))

    return pd.DataFrame({
        "local_source": col("source"), "local_sheet": col("sheet"),
        "local_row": local["row"].to_numpy(),
        "local_code": obj(cat.fillna(al.code).to_numpy(dtype=object, na_value=None)),
        "local_task_code": col("task_code"), "local_name": col("item_name"),
        "local_type": col("item_type"), "local_levels": col("exercise_levels"),
        "local_body": col("implementing_body"),
        "base_code": obj(take(base.codes, pos)), "base_name": obj(take(base.names, pos)),
        "base_type": obj(take(base.types, pos)), "base_levels": obj(take(base.levels, pos)),
        "method": obj(al.method), "score": np.round(al.score, 1), "band": obj(al.band),
        "guards": obj(np.asarray(al.e_guards, dtype=object)[al.evid]),
        "candidates": obj(np.asarray(al.e_cands, dtype=object)[al.evid]),
        "catalog_ok": cbits == 0, "catalog_issues": obj(issue_text(cbits, CATALOG_ISSUES)),
        "task_ok": tbits == 0, "task_issues": obj(issue_text(tbits, TASK_ISSUES)),
        "local_added": al.local_added,
    }, columns=MATCH_COLUMNS)

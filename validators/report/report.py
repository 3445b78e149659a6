"""The Report: rows read and checked, findings, per-rule and per-element pass rates, expectations.

Findings are held as columnar frames (one per check and chunk) and turned into
:class:`~validators.findings.Finding` records only on request, so a million-row file with a
hundred thousand findings stays cheap.  ``to_dict(lang)`` is the JSON report; its shape is
published as ``schemas/report.schema.json``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from validators import __version__
from validators.core.rulebook import get as rule_of
from validators.core.schema import label
from validators.read.rules import COLUMN_MISSING
from validators.report.findings import Finding, Severity, is_missing
from validators.report.messages import hint, render

UNKNOWN_UNIT = "（未填实施主体）"
FINDING_COLUMNS = ["code", "severity", "source", "sheet", "row", "field", "item", "value", "params"]


@dataclass
class SourceInfo:
    source: str
    sheet: str | None
    header_row: int
    columns: dict[str, str]
    unknown_columns: list[str]
    rows: int = 0
    rows_blank: int = 0
    missing: dict = field(default_factory=dict, repr=False)  # absent required column → family titles
    profile: str = "guide"   # reader aliases: guide (办事指南/实施清单) or case (办件, holds personal data)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "sheet": self.sheet, "header_row": self.header_row,
                "rows": self.rows, "rows_blank": self.rows_blank, "columns": dict(self.columns),
                "unknown_columns": list(self.unknown_columns)}


@dataclass
class Report:
    command: str = "validate"
    engine: str = "native"
    severity_overrides: dict[str, str] = field(default_factory=dict)
    sources: list[SourceInfo] = field(default_factory=list)
    expectations: list[dict] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    units: dict[str, list[int]] = field(default_factory=dict)   # 实施主体 → [rows, rows with errors]
    # scan observers: ``observe(report, table, rows, found)`` per chunk (scoring, marked rows)
    observers: list[Any] = field(default_factory=list, repr=False)
    _frames: list[Any] = field(default_factory=list, repr=False)
    _frame: Any = field(default=None, repr=False)

    # -------------------------------------------------------------- building
    def add(self, frame) -> None:
        if frame is not None and len(frame):
            self._frames.append(frame)
            self._frame = None

    def add_records(self, records) -> None:
        """Add findings built by :func:`validators.report.findings.record`."""
        import pandas as pd

        records = list(records)
        if records:
            self.add(pd.DataFrame.from_records(records, columns=[c for c in FINDING_COLUMNS if c != "severity"]))

    def count_units(self, rows, found) -> None:
        """Tally rows and rows with an error per 实施主体 (for per-unit rates and rankings).

        Units are factorised (sorted, as a groupby would list them) and counted with bincount, so
        a chunk costs one pass plus one dictionary update per distinct unit."""
        import numpy as np
        import pandas as pd

        bad = np.zeros(rows.n, dtype=bool)
        if found is not None and len(found):
            errors = [c for c in found["code"].unique() if self.severity_of(c) is Severity.ERROR]
            bad[found.loc[found["code"].isin(errors), "_pos"].to_numpy()] = True
        if rows.has("implementing_body"):
            codes, names = pd.factorize(rows.text("implementing_body").fillna(UNKNOWN_UNIT), sort=True)
            names = list(names)
        else:
            codes, names = np.zeros(rows.n, dtype=np.int64), [UNKNOWN_UNIT]
        sizes = np.bincount(codes, minlength=len(names)).tolist()
        with_errors = np.bincount(codes[bad], minlength=len(names)).tolist()
        for name, n, b in zip(names, sizes, with_errors, strict=True):
            entry = self.units.setdefault(name, [0, 0])
            entry[0] += n
            entry[1] += b

    @property
    def rows_read(self) -> int:
        return sum(s.rows for s in self.sources)

    @property
    def rows_blank(self) -> int:
        return sum(s.rows_blank for s in self.sources)

    @property
    def rows_checked(self) -> int:
        return self.rows_read - self.rows_blank

    def severity_of(self, code: str) -> Severity:
        if code in self.severity_overrides:
            return Severity.parse(self.severity_overrides[code])
        return rule_of(code).severity

    # -------------------------------------------------------------- reading
    def frame(self):
        """All findings as one DataFrame (columns FINDING_COLUMNS), sorted by location."""
        import pandas as pd

        if self._frame is None:
            if self._frames:
                df = pd.concat(self._frames, ignore_index=True)
            else:
                df = pd.DataFrame(columns=[c for c in FINDING_COLUMNS if c != "severity"])
            for c in FINDING_COLUMNS:
                if c not in df.columns:
                    df[c] = None
            codes = df["code"].unique()
            sev = {c: self.severity_of(c).value for c in codes}
            df["severity"] = df["code"].map(sev)
            df["_order"] = range(len(df))
            df["_r"] = pd.to_numeric(df["row"], errors="coerce").fillna(0)
            df = df.sort_values(["source", "sheet", "_r", "_order"], na_position="first", kind="stable")
            self._frame = df[FINDING_COLUMNS].reset_index(drop=True)
            self._frames = [self._frame.drop(columns=["severity"])]
        return self._frame

    def keep(self, mask) -> None:
        """Keep only the findings of :meth:`frame` where ``mask`` (a boolean array) is true."""
        kept = self.frame()[mask].reset_index(drop=True)
        self._frame = kept
        self._frames = [kept.drop(columns=["severity"])]

    def findings(self) -> list[Finding]:
        df = self.frame()
        out = []
        for rec in df.itertuples(index=False):
            out.append(Finding(code=rec.code, severity=Severity(rec.severity), source=_none(rec.source),
                               sheet=_none(rec.sheet), row=None if _none(rec.row) is None else int(rec.row),
                               field=_none(rec.field), item=_none(rec.item), value=_none(rec.value),
                               params=rec.params if isinstance(rec.params, dict) else {}))
        return out

    def counts(self) -> dict[str, int]:
        vc = self.frame()["severity"].value_counts()
        return {s: int(vc.get(s, 0)) for s in ("error", "warning", "info")}

    def worst(self) -> Severity | None:
        c = self.counts()
        for s in ("error", "warning", "info"):
            if c[s]:
                return Severity(s)
        return None

    def fails(self, fail_on: str) -> bool:
        if fail_on == "never":
            return False
        threshold = Severity.parse(fail_on).rank
        w = self.worst()
        return w is not None and w.rank >= threshold

    # -------------------------------------------------------------- figures
    def summary(self) -> dict[str, Any]:
        df = self.frame()
        c = self.counts()
        err_rows = df[(df["severity"] == "error") & df["row"].notna()][["source", "sheet", "row"]]
        rows_with_errors = len(err_rows.drop_duplicates())
        return {"rows": self.rows_read, "rows_checked": self.rows_checked, "rows_blank": self.rows_blank,
                "rows_with_errors": rows_with_errors,
                "rows_clean_rate": _rate(self.rows_checked - rows_with_errors, self.rows_checked),
                "errors": c["error"], "warnings": c["warning"], "infos": c["info"],
                "findings": int(len(df)), "valid": c["error"] == 0, "files": len({s.source for s in self.sources}),
                "tables": len(self.sources), "seconds": round(self.seconds, 3)}

    def stats(self, lang: str = "zh") -> dict[str, Any]:
        df = self.frame()
        checked = self.rows_checked
        row_level = df[df["row"].notna()]
        per_rule = {}
        for code, g in df.groupby("code", sort=True):
            rows = len(g[g["row"].notna()][["source", "sheet", "row"]].drop_duplicates())
            per_rule[code] = {"severity": self.severity_of(code).value,
                              "category": rule_of(code).category,
                              "findings": int(len(g)), "rows": rows,
                              "pass_rate": _rate(checked - rows, checked) if rows else 1.0}
        per_element = {}
        relevant = row_level[row_level["severity"].isin(["error", "warning"]) & row_level["field"].notna()]
        failed = (relevant[["field", "source", "sheet", "row"]].drop_duplicates()
                  .groupby("field").size().to_dict())
        table_level = df[df["row"].isna() & df["field"].notna() & (df["code"] == COLUMN_MISSING)]
        missing_cols = {f: int(p.get("rows", 0)) for f, p in zip(table_level["field"], table_level["params"], strict=True)
                        if isinstance(p, dict)}
        fields = sorted(set(failed) | set(missing_cols) |
                        {c for s in self.sources for c in s.columns})
        for f in fields:
            n = int(failed.get(f, 0)) + missing_cols.get(f, 0)
            per_element[f] = {"label": label(f, lang), "rows_failed": n,
                              "pass_rate": _rate(checked - n, checked)}
        per_unit = {u: {"rows": n, "rows_with_errors": b, "clean_rate": _rate(n - b, n)}
                    for u, (n, b) in sorted(self.units.items(), key=lambda kv: (_rate(kv[1][0] - kv[1][1], kv[1][0]), kv[0]))}
        return {"per_rule": per_rule, "per_element": per_element, "per_unit": per_unit,
                "expectations": self.expectations,
                "engine": self.engine, "sources": [s.to_dict() for s in self.sources], **self.extra}

    def iter_findings(self, lang: str = "zh", limit: int | None = None, frame=None, suggestions: bool = True):
        """The findings (or the rows of ``frame``, a slice of :meth:`frame`) as JSON-ready dicts
        with their messages and hints, one at a time.  Every exporter reads findings this way;
        those that show no suggestion pass ``suggestions=False`` (``"suggestion"`` is then None)."""
        df = self.frame() if frame is None else frame
        if limit is not None:
            df = df.head(limit)
        for rec in df.itertuples(index=False):
            params = rec.params if isinstance(rec.params, dict) else {}
            fld = _none(rec.field)
            yield {
                "code": rec.code, "severity": rec.severity, "source": _none(rec.source),
                "sheet": _none(rec.sheet), "row": None if _none(rec.row) is None else int(rec.row),
                "field": fld, "item": _none(rec.item), "value": _none(rec.value),
                "message": render(rec.code, lang, field_label=label(fld, lang), value=_none(rec.value),
                                  params=params),
                "hint": hint(rec.code, lang, params),
                "suggestion": _suggestion(rec.code, _none(rec.value), params) if suggestions else None,
                "params": {k: _json_safe(v) for k, v in params.items()},
            }

    def to_dict(self, lang: str = "zh", *, limit: int | None = None, findings: bool = True) -> dict[str, Any]:
        """The JSON report (schemas/report.schema.json); ``findings=False`` leaves the list out."""
        out: dict[str, Any] = {"tool": {"name": "sxcheck", "version": __version__}, "command": self.command,
                               "lang": lang, "summary": self.summary()}
        if findings:
            out["findings"] = list(self.iter_findings(lang, limit))
        out["findings_truncated"] = limit is not None and len(self.frame()) > limit
        out["stats"] = self.stats(lang)
        return out


def _suggestion(code: str, value, params: dict):
    from validators.fixes.suggest import suggest

    s = suggest(code, value, params)
    return s.to_dict() if s else None


def _rate(num: int, den: int) -> float:
    return round(num / den, 6) if den else 1.0


def _none(v):
    return None if is_missing(v) else v


def _json_safe(v):
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, float):
        return None if v != v else (int(v) if v.is_integer() else v)
    if hasattr(v, "item"):
        return _json_safe(v.item())
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _json_safe(x) for k, x in v.items()}
    return str(v)

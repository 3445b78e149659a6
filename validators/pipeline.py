"""The validate flow: read → normalise → element/code/rule/clarity checks → expectations → Report.

Chunks stream through every check; catalog-wide state (the 实施编码 index, expectation counters,
missing-column tallies) is the only thing kept between chunks.  Every input row is accounted for:
read rows = checked rows + blank rows, and reading problems become findings.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from validators.checks.clarity import check_clarity
from validators.checks.codes import check_codes
from validators.checks.consistency import check_rules
from validators.checks.elements import check_elements
from validators.checks.expectations import (
    NativeSuite,
    expectation_findings,
    normalised_columns,
    suite_columns,
    suite_with,
)
from validators.core.ahead import Ahead, prepared
from validators.core.governor import ChunkGovernor
from validators.core.rows import Rows
from validators.read import Table, open_tables
from validators.read.rules import COLUMN_MISSING, MATERIALS_TABLE, ROW_BLANK
from validators.report.findings import findings_frame, record
from validators.report.report import Report, SourceInfo

CHECKS: tuple[Callable, ...] = (check_elements, check_codes, check_rules, check_clarity)
ENGINES = ("native", "gx")


@dataclass
class TableContext:
    """What a check may tell the pipeline about the table as a whole."""

    table: Table
    missing: dict = field(default_factory=dict)   # element → [family titles, rows]
    profile: object = None                        # the coding scheme (validators.core.profiles)

    def column_missing(self, name: str, family: str | None, rows: int) -> None:
        entry = self.missing.setdefault(name, [set(), 0])
        if family:
            entry[0].add(family)
        entry[1] += rows


def _locate(frame, chunk, source: str, sheet: str | None):
    """Add source/sheet/row/item to a chunk's hit frame."""
    pos = frame["_pos"].to_numpy()
    frame = frame.drop(columns=["_pos"])
    frame["source"] = source
    frame["sheet"] = sheet
    frame["row"] = chunk["_row"].to_numpy()[pos]
    item = None
    for col in ("task_code", "item_name"):
        if col in chunk.columns:
            vals = chunk[col].array.take(pos).to_numpy()    # the hit rows only, not the column
            item = vals if item is None else [a if isinstance(a, str) and a else b for a, b in zip(item, vals, strict=True)]
    frame["item"] = item if item is not None else None
    return frame


def _problem_frame(problems: Iterable[dict], source: str, sheet: str | None):
    """The readers' finding records, located in their table (unless a record names its own file,
    as ``file-skipped`` does for a file of a directory input)."""
    import pandas as pd

    rows = [p if p.get("source") else {**p, "source": source, "sheet": p.get("sheet") or sheet}
            for p in problems]
    return pd.DataFrame.from_records(rows) if rows else None


def is_materials_table(table: Table) -> bool:
    """A GB/T 39046 表4 materials table: rows keyed by 实施编码 that list materials, no 事项名称."""
    return ("materials" in table.columns and "task_code" in table.columns
            and "item_name" not in table.columns)


def _choose_profile(ctx: TableContext, chunk, requested: str | None, report: Report) -> None:
    """Pick the table's coding scheme once, from ``--profile`` or the first chunk's code shapes,
    and say so in one info finding when it is not the national scheme (or codes carry 办理项)."""
    from validators.checks.codes import CODING_SCHEME_DETECTED
    from validators.core import profiles
    from validators.report.findings import record

    if requested:
        ctx.profile, evidence = profiles.get(requested), "--profile"
    else:
        ctx.profile, evidence = profiles.detect(chunk)
    found = []
    if ctx.profile.name != profiles.NATIONAL:
        found.append(record(CODING_SCHEME_DETECTED, source=ctx.table.source, sheet=ctx.table.sheet,
                            value=ctx.profile.name, params={"scheme": ctx.profile.title, "scheme_en": ctx.profile.title_en,
                                    "evidence": evidence}))
    handle = profiles.handle_suffix_evidence(chunk)
    if handle:
        found.append(record(CODING_SCHEME_DETECTED, source=ctx.table.source, sheet=ctx.table.sheet,
                            field="task_code", value=handle,
                            params={"scheme": "实施编码（31 位）+ 2 位办理项序号 = 33 位业务办理项编码",
                                    "scheme_en": "implementation code (31) + 2-digit handling-item number = 33 characters",
                                    "evidence": handle}))
    report.add_records(found)


def scan_table(table: Table, report: Report, suite: NativeSuite, *,
               on_rows: Callable[[Rows, object], None] | None = None, profile: str | None = None,
               progress: Callable[[str, int, int | None, int | None], None] | None = None) -> SourceInfo:
    """Stream one table through every check, adding findings to ``report``.

    ``on_rows`` receives each chunk's :class:`Rows` (blank rows removed) and the chunk's hits
    (a frame with ``_pos`` and ``code``, or None) after the checks, so other capabilities
    (conformity, GX) reuse the same single pass and never re-read the report.
    """
    import pandas as pd

    info = SourceInfo(table.source, table.sheet, table.header_row, dict(table.columns), list(table.unknown))
    report.sources.append(info)
    ctx = TableContext(table)
    ahead = Ahead()
    governor = ChunkGovernor()
    for item in table.chunks(idle=ahead):
        ready = prepared(item)     # the chunk without its blank rows (the chunk as read is gone)
        del item
        info.rows += ready.read
        more = table.rows_to_come(info.rows)
        if more is not None:
            suite.expect_rows(more)
        if ready.blank is not None:
            info.rows_blank += len(ready.blank)
            report.add(findings_frame(ROW_BLANK, source=table.source, sheet=table.sheet, row=ready.blank),
                       pack=True)
        rows = ready.rows
        chunk = rows.frame
        if len(chunk) == 0:
            continue
        if ctx.profile is None:
            _choose_profile(ctx, chunk, profile, report)
        rows.profile = ctx.profile
        hit_frames = []
        for check in CHECKS:
            hit_frames.extend(f for f in check(rows, ctx) if f is not None)
        hit_frames.extend(f for f in suite.update(rows, table.source, table.sheet) if f is not None)
        found = pd.concat(hit_frames, ignore_index=True) if hit_frames else None
        report.count_units(rows, found)
        for observer in report.observers:
            observer.observe(report, table, rows, found)
        if found is not None:
            report.add(_locate(found, chunk, table.source, table.sheet), pack=True)
        if on_rows is not None:
            on_rows(rows, found)
        if progress:
            progress(table.source, info.rows, table.bytes_done, table.size_bytes)
        ahead.learn(rows)
        governor.after_chunk(table, ready.read)
    report.add(_problem_frame(table.problems, table.source, table.sheet))
    report.add(_missing_frame(ctx, table))
    info.missing = {name: set(fams) for name, (fams, _n) in ctx.missing.items()}
    return info


def finish_expectations(report: Report, results) -> None:
    """Record expectation results and add one table-level finding per failed expectation."""
    report.expectations = [r.to_dict() for r in results]
    table_findings = expectation_findings(results)
    if table_findings is not None:
        for col in ("source", "sheet", "row", "item"):
            table_findings[col] = None
        report.add(table_findings)


def validate(paths: Iterable[str] | str, *, sheet: str | None = None, encoding: str | None = None,
             engine: str = "native", severity: dict[str, str] | None = None,
             progress: Callable[[str, int, int | None, int | None], None] | None = None,
             gx_docs_dir: str | None = None, revoked: dict | None = None,
             profile: str | None = None, observers: Iterable = (),
             mostly: dict | None = None) -> Report:
    """Validate guide / 实施清单 exports and return the Report.

    ``revoked`` (a dict of :class:`validators.revocation.run.RevokedPass` options, ``{}`` for the
    defaults) also runs the revoked-permit check in the same pass.  ``profile`` names a coding
    scheme of ``schemas/profiles`` (default: detected per table).  ``observers`` see every chunk
    during the scan (``observe(report, table, rows, found)``), so other capabilities (scoring, the
    annotated workbook) gather what they need in the same pass.  ``mostly`` overrides expectation
    fractions: ``{(rule, element or None): fraction}``.

    Raises :class:`validators.io.InputError` when an input cannot be read at all.
    """
    import pandas as pd

    if isinstance(paths, str):
        paths = [paths]
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    if profile is not None:
        from validators.core.profiles import names

        if profile not in names():
            raise ValueError(f"profile must be one of {names()}")
    started = time.perf_counter()
    report = Report(engine=engine, severity_overrides=dict(severity or {}), observers=list(observers))
    rev = None
    if revoked is not None:
        from validators.revocation.run import RevokedPass

        rev = RevokedPass(**revoked)
    tables = [t for p in paths for t in open_tables(p, sheet=sheet, encoding=encoding)]
    suite = NativeSuite(specs=suite_with(mostly))
    gx_frames: list = []
    keep = (lambda rows, _found: gx_frames.append(normalised_columns(rows, suite_columns()))) if engine == "gx" else None
    for table in tables:
        if is_materials_table(table):
            report.add_records([record(MATERIALS_TABLE, source=table.source, sheet=table.sheet,
                                       params={"sheet": table.sheet or table.source})])
            continue
        on_rows = keep
        if rev is not None:
            def on_rows(rows, found, table=table):
                if keep is not None:
                    keep(rows, found)
                rev.scan(rows, report, table.source, table.sheet)
        scan_table(table, report, suite, on_rows=on_rows, progress=progress, profile=profile)
    if rev is not None:
        rev.finish(report)
    if engine == "gx":
        from validators.checks.gx_engine import run_suite

        cols = suite_columns()
        frame = pd.concat(gx_frames, ignore_index=True) if gx_frames else pd.DataFrame(columns=cols, dtype=object)
        results = run_suite(frame, docs_dir=gx_docs_dir)
    else:
        results = suite.results()
    finish_expectations(report, results)
    _release_chunk_memory()
    report.seconds = time.perf_counter() - started
    return report


def _release_chunk_memory() -> None:
    """Hand the memory arrow's pool kept for the chunks back to the system: the report's export
    then starts from what is catalog-wide (a few hundred MB less at a million rows), not from the
    scan's high-water mark."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _missing_frame(ctx: TableContext, table: Table):
    import pandas as pd

    rows = [record(COLUMN_MISSING, field=name, source=table.source, sheet=table.sheet,
                   params={"rows": n, "family": "、".join(sorted(fams)) or "全部"})
            for name, (fams, n) in ctx.missing.items()]
    return pd.DataFrame.from_records(rows) if rows else None

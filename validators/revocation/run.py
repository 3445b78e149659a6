"""``sxcheck revoked``: local catalogs against the registry of cancelling/delegating decisions.

The built-in registry (``catalogs/revocations``) is always loaded; ``registry`` adds files or
directories.  One streaming pass over each local file: reading problems become findings as in
validate, blank rows are counted, every other row goes through :class:`Detector` (and the
positive list when given).  ``report.extra`` carries the registry summary (decisions that are
only partly transcribed are listed, so a clean result is read for what it is), the matching
figures and the timing.
"""
from __future__ import annotations

import time
from typing import Callable, Iterable

from validators.conformity.matcher import Thresholds
from validators.read import open_tables
from validators.report.report import Report, SourceInfo
from validators.revocation.detect import Detector
from validators.revocation.history import Groups
from validators.revocation.matching import RegistryMatcher
from validators.revocation.registry import Registry, load_registry


def check_registry(paths: Iterable[str] | str) -> Registry:
    """Validate users' decision files (with the built-in registry, so that exceptions may
    override built-in items); raises InputError naming file, item and field."""
    from validators.revocation.registry import Registry, check_overrides, read_file, registry_files

    if isinstance(paths, str):
        paths = [paths]
    own = Registry()
    for p in paths:
        for f in registry_files(p):
            own.extend(read_file(f))
    if not own.files:
        from validators.read import InputError

        raise InputError("registry-empty", ", ".join(str(p) for p in paths))
    both = load_registry()
    both.extend(own)
    check_overrides(both)
    return own


def scan_rows(table, report: Report, on_rows, progress=None) -> SourceInfo:
    """One pass over a table: counts, blank rows, reading problems; ``on_rows(rows)`` per chunk."""
    from validators.core.rows import Rows
    from validators.pipeline import _problem_frame

    info = SourceInfo(table.source, table.sheet, table.header_row, dict(table.columns), list(table.unknown))
    report.sources.append(info)
    for chunk in table.chunks():
        canon = [c for c in chunk.columns if c != "_row"]
        info.rows += len(chunk)
        if canon:
            blank = chunk[canon].isna().all(axis=1)
            if blank.any():
                info.rows_blank += int(blank.sum())
                chunk = chunk.loc[~blank].reset_index(drop=True)
        else:
            info.rows_blank += len(chunk)
            continue
        if len(chunk):
            on_rows(Rows(chunk))
        if progress:
            progress(table.source, info.rows, table.bytes_done, table.size_bytes)
    report.add(_problem_frame(table.problems, table.source, table.sheet))
    return info


class RevokedPass:
    """The revoked check as a pass over chunks, so validate can run it in its own single read:
    ``scan(rows, report, source, sheet)`` per chunk, ``finish(report)`` at the end."""

    def __init__(self, registry: Iterable[str] = (), *, permit_list: str | None = None,
                 region: str | None = None, match_threshold: float = 95,
                 review_threshold: float = 80, permit_encoding: str | None = None):
        self.th = Thresholds(float(match_threshold), float(review_threshold))
        self.registry = load_registry(list(registry))
        groups = Groups(self.registry)
        self.detector = Detector(groups, RegistryMatcher(groups, self.th), region=region)
        self.plist = None
        if permit_list:
            from validators.revocation.permits import PermitList

            self.plist = PermitList(permit_list, encoding=permit_encoding, th=self.th)

    def scan(self, rows, report: Report, source: str, sheet) -> None:
        for frame in self.detector.scan(rows, source, sheet):
            report.add(frame)
        if self.plist is not None:
            report.add(self.plist.scan(rows, source, sheet, self.detector.flagged_keys))

    def finish(self, report: Report) -> None:
        report.extra["revoked"] = summary(self.registry, self.detector, self.plist, self.th)


def check_revoked(local_paths: Iterable[str] | str, *, registry: Iterable[str] = (),
                  permit_list: str | None = None, region: str | None = None,
                  sheet: str | None = None, encoding: str | None = None,
                  match_threshold: float = 95, review_threshold: float = 80,
                  severity: dict[str, str] | None = None,
                  progress: Callable[[str, int, int | None, int | None], None] | None = None) -> Report:
    """Report cancelled permits still listed, delegated ones at the level they left and (with
    ``permit_list``) permits outside the positive list.

    ``registry`` adds decision files or directories to the built-in registry.  ``region`` (e.g.
    黑龙江省) is the province of every row, for provincial exceptions; when None it is read per
    row from 行政区划代码, 实施主体 or the name.  Raises InputError on an unreadable input,
    registry or permit list.
    """
    started = time.perf_counter()
    if isinstance(local_paths, str):
        local_paths = [local_paths]
    check = RevokedPass(registry, permit_list=permit_list, region=region,
                        match_threshold=match_threshold, review_threshold=review_threshold)
    report = Report(command="revoked", severity_overrides=dict(severity or {}))
    tables = [t for p in local_paths for t in open_tables(p, sheet=sheet, encoding=encoding)]
    for table in tables:
        def on_rows(rows, table=table):
            check.scan(rows, report, table.source, table.sheet)
        scan_rows(table, report, on_rows, progress)
        if "item_name" not in table.columns:
            from validators.read.rules import COLUMN_MISSING
            from validators.report.findings import record

            report.add_records([record(COLUMN_MISSING, field="item_name", source=table.source, sheet=table.sheet,
                                       params={"rows": table_rows(report, table), "family": "sxcheck revoked"})])
    check.finish(report)
    report.seconds = time.perf_counter() - started
    return report


def summary(reg: Registry, detector: Detector, plist, th: Thresholds) -> dict:
    partial = [{"decision": d.no, "date": d.date, "annex_size": d.annex_size,
                "items": sum(1 for it in reg.items if it.decision is d), "file": _shown_path(d.path)}
               for d in reg.decisions if not d.complete]
    out = {"registry": {**reg.summary(), "permits": len(detector.groups), "partial": partial},
           "thresholds": {"match": th.match, "review": th.review},
           "matching": {**detector.tally.to_dict(), "distinct_names": len(detector.names),
                        "distinct_sent_to_matcher": detector.matcher.fuzzy_candidates,
                        "distinct_matched": sum(m is not None for m in detector.names.values())}}
    if plist is not None:
        out["permit_list"] = {"source": plist.path, "entries": plist.entries,
                              "distinct_names_checked": len(plist.cache),
                              "distinct_names_outside": sum(not v for v in plist.cache.values())}
    return out


def _shown_path(path: str) -> str:
    """Built-in files relative to the project (catalogs/revocations/…), users' files as given."""
    import os

    from validators.revocation.registry import BUILTIN_DIR

    root = str(BUILTIN_DIR.parents[1])
    real = os.path.realpath(path)
    return os.path.relpath(real, root) if real.startswith(root + os.sep) else path


def table_rows(report: Report, table) -> int:
    return sum(s.rows - s.rows_blank for s in report.sources if s.source == table.source and s.sheet == table.sheet)

"""``sxcheck certificates``: cancelled certification materials still demanded by guides.

Reads the guides (any reader format; materials from the 申请材料 element, channel JSON lists or a
separate materials table keyed by 实施编码), loads the registry and optionally a kept list, and
turns :mod:`~validators.certification.detect`'s hits into findings on a :class:`Report`.
"""
from __future__ import annotations

import time
from typing import Iterable

from validators.certification import rules
from validators.certification.detect import (
    find_cancelled,
    find_not_kept,
    material_index,
)
from validators.certification.guides import GuideSet, collect
from validators.certification.keptlist import load_kept_list
from validators.certification.materials import certificate_like
from validators.certification.registry import Registry, load_registry
from validators.conformity.matcher import Thresholds
from validators.report.findings import record
from validators.report.report import Report


def _location(guide, material) -> dict:
    return {"source": material.source, "sheet": material.sheet, "row": material.row,
            "field": "materials", "item": guide.item_name, "value": material.name}


def findings(gs: GuideSet, registry: Registry, kept: set[str] | None = None,
             th: Thresholds | None = None) -> tuple[list, dict]:
    """The finding records of one guide set, and the figures for ``Report.extra``."""
    th = th or Thresholds()
    hits = find_cancelled(gs, registry, th)
    records = []
    for h in hits:
        e, d = h.entry, h.entry.decision
        params = {"item_name": h.guide.item_name, "decision": d.label, "decision_title": d.title, "issuer": d.issuer,
                  "date": d.date or "unverified", "material": e.material,
                  "registry_item": h.registry_item or "（全部事项）", "source_url": e.source,
                  "provenance": e.provenance, "method": h.method, "score": round(h.score, 1),
                  "registry_file": d.source_file, "entry": e.number}
        rule = rules.CANCELLED if h.band == "matched" else rules.CANCELLED_REVIEW
        records.append(record(rule, params=params, **_location(h.guide, h.material)))
    not_kept = find_not_kept(gs, kept, registry) if kept is not None else []
    for g, m in not_kept:
        records.append(record(rules.NOT_IN_KEPT_LIST, params={"item_name": g.item_name, "material": m.key}, **_location(g, m)))
    extra = {"certificates": {
        "guides": gs.guide_rows, "materials": gs.materials,
        "material_table_rows": gs.material_rows, "orphan_materials": len(gs.orphans),
        "registry": {"files": len(registry.files), "decisions": len(registry.decisions),
                     "entries": len(registry.entries),
                     "complete": sum(d.complete for d in registry.decisions)},
        "cancelled_still_required": sum(h.band == "matched" for h in hits),
        "cancelled_review": sum(h.band == "review" for h in hits),
        "not_in_kept_list": len(not_kept) if kept is not None else None,
        "thresholds": {"match": th.match, "review": th.review},
    }}
    return records, extra


def check_certificates(paths: Iterable[str] | str, *, registry=None, kept_list: str | None = None,
                       sheet: str | None = None, encoding: str | None = None,
                       severity: dict[str, str] | None = None, match_threshold: float = 95,
                       review_threshold: float = 80) -> Report:
    """Check guides against the registry of cancelled certification materials.

    ``registry``: a file or directory, or a list of them (default: the bundled
    ``catalogs/certificates``); ``kept_list``: a region's kept list (TXT, CSV, XLSX).
    Raises :class:`validators.read.InputError` on unreadable input or a malformed registry.
    """
    started = time.perf_counter()
    if isinstance(paths, str):
        paths = [paths]
    reg = load_registry(registry)
    kept = load_kept_list(kept_list) if kept_list else None
    report = Report(command="certificates", severity_overrides=dict(severity or {}))
    add_to_report(report, paths, reg, kept=kept, sheet=sheet, encoding=encoding,
                  th=Thresholds(float(match_threshold), float(review_threshold)))
    report.seconds = time.perf_counter() - started
    return report


def add_to_report(report: Report, paths, registry: Registry, *, kept=None, sheet=None, encoding=None,
                  th: Thresholds | None = None) -> None:
    """Run the certificate checks on ``paths`` and add findings and figures to ``report``
    (``validate --certificates`` uses this on its own report)."""
    known = set(material_index(registry))
    if kept is None:
        wanted = known.__contains__
    else:
        def wanted(key: str) -> bool:
            return key in known or certificate_like(key)
    gs = collect(paths, sheet=sheet, encoding=encoding, wanted=wanted)
    if not any("materials" in t.columns for t, _rows, _blank in gs.sources):
        from validators.read import InputError

        raise InputError("certificate-no-materials", ", ".join(str(p) for p in paths))
    records, extra = findings(gs, registry, kept, th)
    if not report.sources:
        from validators.report.report import SourceInfo

        for t, rows, blank in gs.sources:
            report.sources.append(SourceInfo(t.source, t.sheet, t.header_row, dict(t.columns), list(t.unknown),
                                             rows=rows, rows_blank=blank))
    report.add_records(records)
    report.extra.update(extra)


def add_certificates(report: Report, paths, *, registry=None, kept_list: str | None = None,
                     sheet: str | None = None, encoding: str | None = None) -> None:
    """``validate --certificates``: load the registry and kept list, then :func:`add_to_report`."""
    reg = load_registry(registry)
    kept = load_kept_list(kept_list) if kept_list else None
    add_to_report(report, paths, reg, kept=kept, sheet=sheet, encoding=encoding)

"""``sxcheck sources``: one reference, many channels — pairing, differences and the 同源率.

:func:`compare_sources` reads the reference once into a keyed index
(:class:`~validators.channels.compare.Reference`), streams every channel against it
(:class:`~validators.channels.compare.ChannelDiff`) and returns a :class:`SourcesResult`: the
:class:`~validators.report.report.Report` (findings, reading problems, and the per-channel
summaries under ``extra["same_source"]``, merged into the JSON report's ``stats``) and the summaries themselves.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from validators.channels.compare import ChannelDiff, Reference
from validators.channels.fields import default_fields
from validators.channels.findings import to_records
from validators.channels.keys import KEY_MODES
from validators.channels.rates import summarise
from validators.channels.source import SourceTables, open_source
from validators.report.report import Report, SourceInfo


@dataclass
class SourcesResult:
    """``report``: findings + ``extra["same_source"]``; ``channels``: one summary per channel."""

    report: Report
    pairs: object = None      # the pairing table (pandas), when asked for


    @property
    def summary(self) -> dict:
        return self.report.extra["same_source"]

    @property
    def channels(self) -> list[dict]:
        return self.summary["channels"]

    def min_rate_ok(self, min_rate: float) -> bool:
        """CI gate: every channel's 同源率 is at least ``min_rate`` (nothing compared passes)."""
        for ch in self.channels:
            r = ch["same_source_rate"]["rate"]
            if r is not None and r < min_rate:
                return False
        return True


def compare_sources(reference: str, others: Iterable[str] | str, *, key: str = "auto",
                    fields: list[str] | None = None, sheet: str | None = None,
                    encoding: str | None = None, pairs: bool = False,
                    progress: Callable[[str, int, int | None, int | None], None] | None = None) -> SourcesResult:
    """Pair and compare each channel in ``others`` with ``reference``.

    ``key``: ``auto`` (实施编码, then 基本编码 + 实施主体, then name + 实施主体) or one of them.
    ``fields``: canonical elements to compare (default: every element both sources publish except
    identity and bookkeeping, :func:`validators.channels.fields.default_fields`).  ``sheet`` and
    ``encoding`` apply to every file.  Raises :class:`validators.read.InputError` for unreadable
    input and ValueError for a bad ``key``.  ``pairs``: also build the pairing table
    (:mod:`validators.channels.pairs`), one row per channel item and per missing reference item.
    """
    if key not in KEY_MODES:
        raise ValueError(f"key must be one of {', '.join(KEY_MODES)}")
    started = time.perf_counter()
    if isinstance(others, str):
        others = [others]
    ref_src = open_source(reference, sheet=sheet, encoding=encoding)
    chans = [open_source(p, sheet=sheet, encoding=encoding) for p in others]
    per_channel: list[list[str]] = []
    skipped: list[list[str]] = []
    for ch in chans:
        if fields:
            per_channel.append([f for f in fields if f in ref_src.columns and f in ch.columns])
            skipped.append([f for f in fields if f not in per_channel[-1]])
        else:
            per_channel.append(default_fields(ref_src.columns, ch.columns))
            # what the reference publishes and this channel does not: named, not compared
            skipped.append([f for f in default_fields(ref_src.columns, ref_src.columns)
                            if f not in per_channel[-1]])
    union = list(dict.fromkeys(f for fs in per_channel for f in fs))
    report = Report(command="sources")
    ref = Reference(ref_src, union, progress=progress)
    _add_reading(report, ref_src)
    summaries = []
    tables = []
    for ch, fs, skip in zip(chans, per_channel, skipped, strict=False):
        diff = ChannelDiff(ref, ch, fs, key, progress=progress).run()
        if pairs:
            from validators.channels.pairs import pairs_frame

            tables.append(pairs_frame(diff))
        _add_reading(report, ch)
        report.add_records(to_records(diff.pending))
        s = summarise(diff)
        s["fields_not_compared"] = skip
        summaries.append(s)
    report.seconds = time.perf_counter() - started
    report.extra = {"same_source": {"reference": {"source": ref_src.path, "items": int(ref.n)},
                                "key": key, "channels": summaries,
                                "seconds": round(report.seconds, 3)}}
    table = None
    if pairs:
        import pandas as pd

        table = pd.concat(tables, ignore_index=True)
    return SourcesResult(report, table)


def _add_reading(report: Report, src: SourceTables) -> None:
    """One SourceInfo per table, and the reading problems as findings (never dropped rows)."""
    for i, t in enumerate(src.tables):
        info = SourceInfo(t.source, t.sheet, t.header_row, dict(t.columns), list(t.unknown))
        info.rows = src.rows[i] + src.blank[i]
        info.rows_blank = src.blank[i]
        report.sources.append(info)
        # reading problems are records already (validators.read): locate them in this table
        report.add_records({**p, "source": t.source, "sheet": t.sheet} for p in t.problems)

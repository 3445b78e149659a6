"""``sxcheck check``: every configured capability in one pass, then selection, waivers, baseline
and gates, all recorded in one Report (``report.extra``) so every exporter states them.

Recorded in ``report.extra``:

- ``gates``: one entry per gate, shaped like conform's ``--min-rate`` gate (``rate_name``,
  ``min_rate``, ``rate``, ``passed``) plus ``label_zh`` / ``label_en`` / ``option`` / ``source``;
- ``baseline``: ``{"file", "known", "fixed", "new", "written"}``;
- ``waivers``: ``{"file", "accepted", "expired", "unused"}``;
- ``skipped``: capabilities configured but not run, each with the reason in zh and en;
- ``scope``: how the inputs were grouped and, with ``--changed-since``, what was limited.
"""
from __future__ import annotations

import glob
import importlib.util
import time
from dataclasses import dataclass, field
from pathlib import Path

from validators.exporters.gates import RATE_LABELS
from validators.gate.config import Config
from validators.read import InputError
from validators.report.report import Report

# capability → (module whose presence means it is installed, config key, zh, en)
OPTIONAL = {
    "revoked": ("validators.revocation", "revocations", "取消事项检查", "revoked-items check"),
    "sources": ("validators.channels", "channels", "多渠道同源检查", "same-source check"),
    "score": ("validators.scoring", "min_accuracy", "评分（准确率）", "scoring (accuracy)"),
}
THRESHOLD_CAPABILITY = {"min_accuracy": "score", "min_same_source_rate": "sources"}


@dataclass
class CheckResult:
    report: Report
    config: Config
    fail_on: str
    gates: list[dict] = field(default_factory=list)

    @property
    def gates_ok(self) -> bool:
        return all(g["passed"] for g in self.gates)


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def resolve_inputs(cfg: Config, setting: str = "inputs") -> list[Path]:
    """The files the ``inputs`` (or ``channels``) globs match (sorted, each once), relative to the
    configuration."""
    patterns = cfg.inputs if setting == "inputs" else cfg.channels
    seen: dict[Path, None] = {}
    for pattern in patterns:
        full = str(cfg.resolve(pattern))
        for hit in sorted(glob.glob(full, recursive=True)):
            p = Path(hit)
            if p.is_file():
                seen.setdefault(p.resolve(), None)
    if not seen:
        raise InputError(f"config-no-{setting}", str(cfg.path), value=", ".join(patterns))
    return list(seen)


def _display(path: Path, root: Path) -> str:
    """A path as reports show it: relative to the configuration's folder (``../x.csv`` when outside)."""
    import os

    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:      # another drive (Windows)
        return str(path)


def merge(into: Report, part: Report, source_for_catalog: str | None) -> None:
    """Add ``part``'s tables, findings, expectations and unit tallies to ``into``; catalog-level
    findings (no file) are located on ``source_for_catalog`` when given (per-file scope)."""
    into.sources.extend(part.sources)
    df = part.frame().drop(columns=["severity"])
    if source_for_catalog is not None and len(df):
        df = df.copy()
        df.loc[df["source"].isna(), "source"] = source_for_catalog
    into.add(df)
    for e in part.expectations:
        into.expectations.append({**e, "source": source_for_catalog} if source_for_catalog else e)
    for unit, (n, b) in part.units.items():
        entry = into.units.setdefault(unit, [0, 0])
        entry[0] += n
        entry[1] += b


def _revoked_options(cfg: Config) -> dict | None:
    if cfg.revocations is None or not installed(OPTIONAL["revoked"][0]):
        return None
    return {"registry": [str(cfg.resolve(p)) for p in cfg.revocations]}


def _run_group(cfg: Config, paths: list[str], severity: dict, mostly, progress=None,
               observers=()) -> tuple[Report, dict | None]:
    """validate (or conform, with a base catalog) on one group of files, with the revoked-permit
    check in the same pass when configured (a second pass next to conform); ``observers`` see
    every chunk (the accuracy tally)."""
    revoked = _revoked_options(cfg)
    if cfg.base:
        from validators.conformity.run import conform

        result = conform(paths, str(cfg.resolve(cfg.base)), sheet=cfg.sheet, encoding=cfg.encoding,
                         severity=severity, progress=progress, observers=observers)
        if revoked is not None:
            from validators.core.rulebook import get as rule_of
            from validators.revocation import check_revoked

            extra = check_revoked(paths, sheet=cfg.sheet, encoding=cfg.encoding, severity=severity, **revoked)
            df = extra.frame()
            mine = df["code"].map(lambda c: rule_of(c).category == "revoked").to_numpy(dtype=bool)
            result.report.add(df[mine].drop(columns=["severity"]))
        return result.report, result.report.extra.get("rates")
    from validators.pipeline import validate

    return validate(paths, sheet=cfg.sheet, encoding=cfg.encoding, severity=severity, mostly=mostly,
                    revoked=revoked, progress=progress, profile=cfg.profile, observers=observers), None


def _gate(name: str, floor: float, rate, option: str, source: str | None) -> dict:
    """A threshold gate of ``check`` (``report.extra["gates"]``): passed when the rate reaches its
    floor, or when there is no rate (nothing to measure)."""
    zh, en = RATE_LABELS[name]
    rate = None if rate is None else float(rate)
    return {"rate_name": name, "min_rate": float(floor), "rate": rate,
            "passed": bool(rate is None or rate >= floor), "label_zh": zh, "label_en": en,
            "option": option, "source": source}


def _accuracy_tally(cfg: Config):
    """The scoring tally that gives 办事指南准确度 for ``thresholds.min_accuracy`` (None when not set
    or scoring is not installed)."""
    if "min_accuracy" not in cfg.thresholds or not installed(OPTIONAL["score"][0]):
        return None
    from validators.scoring.tally import UnitKey, UnitTally, resolve_by
    from validators.scoring.weights import load_weights

    return UnitTally(UnitKey(resolve_by(None), None), load_weights(None))


def _accuracy_gate(tally, floor: float, source: str | None) -> dict:
    """The 办事指南准确度 gate: the weighted share of checked elements present and without an error
    or warning, over every row the tally saw (``sxcheck score``'s overall figure)."""
    from validators.scoring.run import overall_figures

    rate = overall_figures(tally.figures())["guide_accuracy"]["rate"]
    return _gate("guide_accuracy", floor, rate, "thresholds.min_accuracy", source)


def _channel_files(cfg: Config, everything: list[Path]) -> list[Path]:
    """The channel files of ``channels`` (none when not configured or not installed), checked
    before any scan: they are compared with one reference file, the one file of ``inputs``."""
    if not cfg.channels or not installed(OPTIONAL["sources"][0]):
        return []
    channels = resolve_inputs(cfg, "channels")
    if len(everything) != 1:
        raise InputError("config-channels-one-input", str(cfg.path), value=len(everything))
    return channels


def _same_source(cfg: Config, report: Report, reference: Path, channels: list[Path], names: dict) -> list[dict]:
    """The same-source check of ``channels`` against the one input file: its findings join the
    report, its summary goes to ``extra["same_source"]``, and with ``thresholds.min_same_source_rate``
    each channel's 同源率 is a gate (as ``sxcheck sources --min-rate``: every channel must reach it)."""
    from validators.channels.run import compare_sources

    res = compare_sources(str(reference), [str(p) for p in channels], sheet=cfg.sheet, encoding=cfg.encoding)
    shown = {str(reference): names[reference], **{str(p): _display(p, cfg.root) for p in channels}}
    part = res.report
    _rename_sources(part, shown)
    report.add(part.frame().drop(columns=["severity"]))
    # the channels' rows are read and compared too (their findings are located in them); the
    # reference's rows are counted once, by the validation
    report.sources += [s for s in part.sources if s.source != names[reference]]
    summary = res.summary
    summary["reference"]["source"] = names[reference]
    report.extra["same_source"] = summary
    floor = cfg.thresholds.get("min_same_source_rate")
    if floor is None:
        return []
    return [_gate("same_source_rate", floor, ch["same_source_rate"]["rate"], "thresholds.min_same_source_rate",
                  ch["channel"]) for ch in res.channels]


def _rate_gates(rates: dict | None, thresholds: dict, source: str | None) -> list[dict]:
    out = []
    floor = thresholds.get("min_task_conformity")
    if floor is None:
        return out
    if rates is None:
        return out
    name = "task_conformity"
    rate = rates.get(name, {}).get("rate")
    if rate is None and rates.get("gate") == "catalog_conformity":
        name = "catalog_conformity"   # no 实施编码 column: conform's gate rate is 基本目录符合率
        rate = rates[name]["rate"]
    out.append(_gate(name, floor, rate, "thresholds.min_task_conformity", source))
    return out


def check(cfg: Config, *, paths: list[str] | None = None, changed_since: str | None = None,
          select: list[str] | None = None, ignore: list[str] | None = None, per_file: bool | None = None,
          write_baseline: bool = False, baseline: str | None = None, progress=None) -> CheckResult:
    """Run the gate described by ``cfg``.  ``paths`` (pre-commit's staged files) and
    ``changed_since`` limit the inputs; ``select``/``ignore``/``per_file`` override the file.
    A limited run cannot write the baseline (it would forget the other files' findings) and does
    not count fixed findings (the baseline's other files were not checked)."""
    from validators.gate.select import apply_selection, check_names, mostly_overrides

    started = time.perf_counter()
    src = str(cfg.path)
    select = list(cfg.select if select is None else select)
    ignore = list(cfg.ignore if ignore is None else ignore)
    check_names(select, src, "select")
    check_names(ignore, src, "ignore")
    check_names(cfg.severity, src, "severity")
    mostly = mostly_overrides(cfg.mostly, src) if cfg.mostly else None
    if "min_task_conformity" in cfg.thresholds and not cfg.base:
        raise InputError("config-needs", src, setting="thresholds.min_task_conformity", needs="base")
    if "min_same_source_rate" in cfg.thresholds and not cfg.channels:
        raise InputError("config-needs", src, setting="thresholds.min_same_source_rate", needs="channels")
    scope = "per-file" if (per_file if per_file is not None else cfg.scope == "per-file") else "one"

    everything = resolve_inputs(cfg)
    channels = _channel_files(cfg, everything)
    chosen = list(everything)
    limited = []
    if paths is not None:
        wanted = {Path(p).resolve() for p in paths}
        chosen = [p for p in chosen if p in wanted]
        limited.append("paths")
    if changed_since:
        from validators.gate.changed import changed_files

        changed = changed_files(changed_since, cfg.root)
        chosen = [p for p in chosen if p in changed]
        limited.append("changed-since")
    if write_baseline and limited:
        raise ValueError("a baseline is written from a run over every input (no PATHS, no --changed-since)")
    names = {p: _display(p, cfg.root) for p in everything}
    report = Report(command="check", severity_overrides=dict(cfg.severity))
    scope_info = {"scope": scope, "inputs": len(everything), "checked": len(chosen),
                  "files": [names[p] for p in chosen]}
    if changed_since:
        scope_info["changed_since"] = changed_since
    gates: list[dict] = []
    if chosen:
        if scope == "per-file":
            groups = [[p] for p in chosen]
        elif limited and len(chosen) < len(everything):
            # catalog-wide checks (duplicates, expectations, conformity) need the whole catalog:
            # run on every input, report row findings only in the chosen files
            groups = [everything]
            scope_info["catalog_wide"] = "whole-catalog"
        else:
            groups = [chosen]
        for group in groups:
            shown = [names[p] for p in group]
            tally = _accuracy_tally(cfg)
            part, rates = _run_group(cfg, [str(p) for p in group], cfg.severity, mostly, progress,
                                     observers=[tally] if tally is not None else [])
            _rename_sources(part, {str(p): names[p] for p in group})
            merge(report, part, shown[0] if scope == "per-file" else None)
            gates += _rate_gates(rates, cfg.thresholds, shown[0] if scope == "per-file" else None)
            if tally is not None:
                gates.append(_accuracy_gate(tally, cfg.thresholds["min_accuracy"],
                                            shown[0] if scope == "per-file" else None))
            if rates is not None and len(groups) == 1:
                report.extra["rates"] = rates
            elif rates is not None:
                report.extra.setdefault("rates_by_file", {})[shown[0]] = rates
        if scope_info.get("catalog_wide"):
            keep_files = {names[p] for p in chosen}
            df = report.frame()
            report.keep((df["source"].isna() | df["source"].isin(keep_files)).to_numpy())
            report.sources = [s for s in report.sources if s.source in keep_files]
    report.extra["scope"] = scope_info
    if channels:
        gates += _same_source(cfg, report, everything[0], channels, names)
    _optional(cfg, report, gates)
    apply_selection(report, select, ignore)
    _waivers_and_baseline(cfg, report, write_baseline, baseline, partial=bool(limited))
    report.extra["gates"] = gates
    report.seconds = time.perf_counter() - started
    return CheckResult(report, cfg, cfg.fail_on, gates)


def _rename_sources(report: Report, names: dict[str, str]) -> None:
    """Show files relative to the configuration, as a repository's CI shows paths."""
    for s in report.sources:
        s.source = names.get(s.source, s.source)
    df = report.frame()
    if len(df):
        df["source"] = df["source"].map(lambda v: names.get(v, v) if isinstance(v, str) else v)
        report.keep(df.index.notna())


def _optional(cfg: Config, report: Report, gates: list[dict]) -> None:
    """Optional capabilities that are configured but not installed in this build: named as
    skipped, and their gates as skipped gates."""
    skipped = []
    wanted = {"revoked": cfg.revocations is not None,
              "sources": bool(cfg.channels) or "min_same_source_rate" in cfg.thresholds,
              "score": "min_accuracy" in cfg.thresholds}
    for cap, on in wanted.items():
        if not on:
            continue
        module, key, zh, en = OPTIONAL[cap]
        if installed(module):
            continue
        skipped.append({"capability": cap, "config_key": key, "label_zh": zh, "label_en": en,
                        "reason_zh": f"本版本未安装 {module}", "reason_en": f"{module} is not installed in this build"})
    for key, cap in THRESHOLD_CAPABILITY.items():
        if key in cfg.thresholds and not installed(OPTIONAL[cap][0]):
            module, _k, zh, en = OPTIONAL[cap]
            gates.append({"rate_name": key.removeprefix("min_"), "min_rate": cfg.thresholds[key], "rate": None,
                          "passed": True, "skipped": True, "label_zh": zh, "label_en": en,
                          "option": f"thresholds.{key}", "source": None,
                          "reason_zh": f"{zh}未运行，门禁跳过", "reason_en": f"{en} did not run, gate skipped"})
    if skipped:
        report.extra["skipped"] = skipped


def _waivers_and_baseline(cfg: Config, report: Report, write: bool, baseline: str | None,
                          partial: bool = False) -> None:
    import datetime as dt

    import numpy as np

    from validators.gate.baseline import (
        compare,
        fingerprints,
        load_baseline,
        write_baseline,
    )
    from validators.gate.rules import WAIVER_EXPIRED
    from validators.gate.waivers import apply_waivers, load_waivers
    from validators.report.findings import record

    wpath = cfg.waivers_path
    expired = []
    if wpath is not None:
        waivers = load_waivers(wpath)
        today = dt.date.today()
        accepted = apply_waivers(report.frame(), waivers, today)
        n = sum(accepted)
        if n:
            report.keep(~np.asarray(accepted, dtype=bool))
        expired = [w for w in waivers if w.expired(today)]
        report.extra["waivers"] = {"file": _display(wpath, cfg.root), "waivers": len(waivers), "accepted": n,
                                   "expired": len(expired),
                                   "unused": sum(1 for w in waivers if not w.used and not w.expired(today))}
    bpath = Path(baseline) if baseline else cfg.baseline_path
    df = report.frame()
    fps = fingerprints(df)
    if write:
        n = write_baseline(bpath, df, fps)
        report.extra["baseline"] = {"file": _display(bpath.resolve(), cfg.root), "written": n,
                                    "known": n, "fixed": 0, "new": 0}
        report.keep(np.zeros(len(df), dtype=bool))   # everything is accepted now
    elif bpath.exists():
        cmp = compare(fps, load_baseline(bpath))
        report.keep(np.asarray(cmp.new, dtype=bool))
        report.extra["baseline"] = {"file": _display(bpath.resolve(), cfg.root), "known": cmp.known,
                                    "fixed": None if partial else cmp.fixed, "new": int(sum(cmp.new))}
    # an expired waiver fails every run: never accepted by a baseline or written into one
    if expired:
        wfile = _display(wpath, cfg.root)
        report.add_records([record(WAIVER_EXPIRED, source=wfile, item=w.item, field=w.element,
                                   value=w.expires.isoformat(),
                                   params={"expires": w.expires.isoformat(), "rule": w.rule,
                                           "item": w.item or "*", "reason": w.reason})
                            for w in expired])

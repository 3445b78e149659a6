"""What every exporter states besides the findings: the gates and their results, the baseline,
the waivers, skipped capabilities, and the files a catalog-level finding concerns.

Gates come from ``report.extra["gate"]`` (conform ``--min-rate``, recorded by the CLI) and
``report.extra["gates"]`` (``sxcheck check`` thresholds), both in the same shape.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import PurePath
from urllib.parse import quote

RATE_LABELS = {"task_conformity": ("实施清单符合率", "implementation-list conformity"),
               "catalog_conformity": ("基本目录符合率", "catalog conformity"),
               "guide_accuracy": ("办事指南准确度", "guide accuracy"),
               "same_source_rate": ("同源率", "same-source rate"),
               "link_rate": ("办件信息与事项关联比率", "case link rate")}
"""Rate name → (Chinese, English) label of its gate."""
LOWEST_CHANNEL = ("同源率（最低渠道）", "same-source rate (lowest channel)")
"""``sources --min-rate`` gates on the lowest channel's rate, one gate for all channels."""


def gate_labels(rate_name: str) -> tuple[str, str]:
    """(Chinese, English) label of a ``--min-rate`` gate on ``rate_name``."""
    if rate_name == "same_source_rate":
        return LOWEST_CHANNEL
    return RATE_LABELS.get(rate_name, (rate_name, rate_name))


def gate_list(report) -> list[dict]:
    """Every gate as ``{id, option, label_zh, label_en, min, value, passed, skipped, source, reason_*}``."""
    extra = report.extra or {}
    raw = []
    if extra.get("gate"):
        g = extra["gate"]
        zh, en = gate_labels(g["rate_name"])
        raw.append({**g, "label_zh": zh, "label_en": en, "option": "--min-rate"})
    raw += list(extra.get("gates") or [])
    out = []
    for g in raw:
        out.append({"id": f"gate-{g['rate_name'].replace('_', '-')}" + (f"-{g['source']}" if g.get("source") else ""),
                    "option": g.get("option", "--min-rate"), "label_zh": g["label_zh"], "label_en": g["label_en"],
                    "min": g["min_rate"], "value": g["rate"], "passed": bool(g["passed"]),
                    "skipped": bool(g.get("skipped")), "source": g.get("source"),
                    "reason_zh": g.get("reason_zh"), "reason_en": g.get("reason_en")})
    return out


def gate_text(g: dict, lang: str) -> str:
    zh = lang != "en"
    value = "—" if g["value"] is None else f"{g['value']:.2%}"
    verdict = (("跳过" if zh else "skipped") if g["skipped"] else
               ("通过" if zh else "passed") if g["passed"] else ("未通过" if zh else "failed"))
    where = f"［{g['source']}］" if g.get("source") else ""
    reason = g.get("reason_zh" if zh else "reason_en")
    tail = f"（{reason}）" if reason and zh else (f" ({reason})" if reason else "")
    if zh:
        return f"{g['label_zh']}{where} {value}，门槛 {g['min']:.2%}（{g['option']}）：{verdict}{tail}"
    return f"{g['label_en']}{where} {value}, floor {g['min']:.2%} ({g['option']}): {verdict}{tail}"


def notes(report, lang: str) -> list[str]:
    """One line each for the baseline, the waivers and skipped capabilities."""
    zh = lang != "en"
    extra = report.extra or {}
    out = []
    b = extra.get("baseline")
    if b:
        fixed = "—" if b["fixed"] is None else b["fixed"]   # a partial run does not count fixed findings
        out.append(f"基线 {b['file']}：新增 {b['new']}，已知 {b['known']}，已修复 {fixed}" if zh else
                   f"baseline {b['file']}: {b['new']} new, {b['known']} known, {fixed} fixed")
    w = extra.get("waivers")
    if w:
        out.append(f"豁免 {w['file']}：接受 {w['accepted']} 条，过期 {w['expired']} 条，未用 {w['unused']} 条" if zh else
                   f"waivers {w['file']}: {w['accepted']} accepted, {w['expired']} expired, {w['unused']} unused")
    for s in extra.get("skipped") or []:
        out.append(f"已跳过 {s['label_zh']}（{s['config_key']}）：{s['reason_zh']}" if zh else
                   f"skipped {s['label_en']} ({s['config_key']}): {s['reason_en']}")
    sc = extra.get("scope") or {}
    if sc.get("catalog_wide") == "whole-catalog":
        out.append("清单级检查在全部输入上运行，行级发现只列改动的文件" if zh else
                   "catalog-wide checks ran on the whole catalog; row findings only for the changed files")
    return out


def input_files(report) -> list[str]:
    """The input files in reading order, each once: where a catalog-level finding is located."""
    seen: dict[str, None] = {}
    for s in report.sources:
        seen.setdefault(s.source, None)
    return list(seen)


@lru_cache(maxsize=4096)
def file_uri(path: str) -> str:
    """A URI reference for a file: relative paths percent-encoded (non-ASCII included), absolute
    ones as file: URIs."""
    p = PurePath(path)
    if p.is_absolute():
        from pathlib import Path

        return Path(path).as_uri()
    return quote(p.as_posix(), safe="/")

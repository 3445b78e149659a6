"""Markdown export, sized for a pull-request comment: summary, rules, the first findings."""
from __future__ import annotations

from validators.core.rulebook import Severity
from validators.core.schema import label
from validators.exporters.gates import gate_list, gate_text, notes
from validators.exporters.safety import markdown_text
from validators.report.messages import rule_text

ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}


def _cell(text) -> str:
    """Data in a table cell: HTML/Markdown syntax escaped, no line break (CR included), no mention."""
    return markdown_text(text)


def to_markdown(report, *, lang: str = "zh", limit: int = 20) -> str:
    s = report.summary()
    zh = lang != "en"
    lines = ["## sxcheck " + ("检查结果" if zh else "results"), ""]
    lines.append(("| 读取行 | 检查行 | 错误 | 警告 | 提示 | 无错误行占比 |" if zh else
                  "| rows | checked | errors | warnings | infos | clean rows |"))
    lines.append("|---:|---:|---:|---:|---:|---:|")
    lines.append(f"| {s['rows']} | {s['rows_checked']} | {s['errors']} | {s['warnings']} | {s['infos']} | "
                 f"{s['rows_clean_rate']:.1%} |")
    rates = [(k, r) for k, r in (report.extra.get("rates") or {}).items() if isinstance(r, dict) and "rate" in r]
    if rates:
        names = {"catalog_conformity": ("基本目录符合率", "catalog conformity"),
                 "task_conformity": ("实施清单符合率", "implementation-list conformity")}
        lines += ["", "| 符合率 | 值 |" if zh else "| rate | value |", "|---|---:|"]
        for k, r in rates:
            shown = "—" if r["rate"] is None else f"{r['rate']:.2%}"
            lines.append(f"| {names.get(k, (k, k))[not zh]} | {shown} |")
    gates = gate_list(report)
    if gates:
        lines += ["", "| 门禁 | 结果 |" if zh else "| gate | result |", "|---|---|"]
        for g in gates:
            icon = "⏭️" if g["skipped"] else ("✅" if g["passed"] else "❌")
            lines.append(f"| {icon} `{g['option']}` | {_cell(gate_text(g, lang))} |")
    extra_notes = notes(report, lang)
    if extra_notes:
        lines += [""] + [f"- {_cell(note)}" for note in extra_notes]
    df = report.frame()
    if len(df):
        lines += ["", "| " + (" | ".join(["级别", "规则", "名称", "数量"]) if zh else
                               " | ".join(["level", "rule", "title", "count"])) + " |", "|---|---|---|---:|"]
        for (code, sev), g in sorted(df.groupby(["code", "severity"]), key=lambda kv: (-Severity(kv[0][1]).rank, -len(kv[1]))):
            lines.append(f"| {ICON[sev]} | `{code}` | {_cell(rule_text(code, lang)['title'])} | {len(g)} |")
        lines += ["", ("| 文件 | 行 | 要素 | 规则 | 说明 | 修改建议 |" if zh else
                       "| file | row | element | rule | message | fix |"),
                  "|---|---:|---|---|---|---|"]
        for f in report.iter_findings(lang, limit=limit):
            lines.append(f"| {_cell(f['source'])} | {_cell(f['row'])} | {_cell(label(f['field'], lang))} | "
                         f"`{f['code']}` | {_cell(f['message'])} | {_cell(f['hint'])} |")
        if len(df) > limit:
            lines.append("")
            lines.append((f"另有 {len(df) - limit} 条发现未列出（--format json 查看全部）。" if zh else
                          f"{len(df) - limit} more findings not shown (use --format json)."))
    return "\n".join(lines) + "\n"


def write_markdown(report, fh, *, lang: str = "zh", limit: int = 20) -> None:
    """The comment is bounded by ``limit`` findings, so it is built whole and written once."""
    fh.write(to_markdown(report, lang=lang, limit=limit))

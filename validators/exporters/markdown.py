"""Markdown export, sized for a pull-request comment: summary, rules, the first findings."""
from __future__ import annotations

from validators.core.rulebook import Severity
from validators.core.schema import label
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
    df = report.frame()
    if len(df):
        lines += ["", "| " + (" | ".join(["级别", "规则", "名称", "数量"]) if zh else
                               " | ".join(["level", "rule", "title", "count"])) + " |", "|---|---|---|---:|"]
        for (code, sev), g in sorted(df.groupby(["code", "severity"]), key=lambda kv: (-Severity(kv[0][1]).rank, -len(kv[1]))):
            lines.append(f"| {ICON[sev]} | `{code}` | {_cell(rule_text(code, lang)['title'])} | {len(g)} |")
        lines += ["", ("| 文件 | 行 | 要素 | 规则 | 说明 |" if zh else "| file | row | element | rule | message |"),
                  "|---|---:|---|---|---|"]
        for f in report.iter_findings(lang, limit=limit):
            lines.append(f"| {_cell(f['source'])} | {_cell(f['row'])} | {_cell(label(f['field'], lang))} | "
                         f"`{f['code']}` | {_cell(f['message'])} |")
        if len(df) > limit:
            lines.append("")
            lines.append((f"另有 {len(df) - limit} 条发现未列出（--format json 查看全部）。" if zh else
                          f"{len(df) - limit} more findings not shown (use --format json)."))
    return "\n".join(lines) + "\n"

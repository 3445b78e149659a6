"""Self-contained offline HTML report (``--format html``): one file, no network, Chinese by default.

Any :class:`~validators.report.Report` (validate, conform and later commands) gets: summary
cards, conformity rates when present, findings per rule and per-element pass rates as bar
charts, the per-unit table and a searchable, filterable findings table.  A
:class:`~validators.scoring.run.ScoreResult` gets the ranking table, the tier distribution and
the indices per unit.

Safety: the data travel as JSON in a ``<script type="application/json">`` block with ``<``, ``>``,
``&`` and U+2028/2029 escaped (``\\u003c`` …), so no cell can close the block; the page script
puts every value in the DOM with ``textContent``.  A strict Content-Security-Policy (``default-src
'none'``; scripts and the stylesheet allowed only by their SHA-256 hashes) stops anything else
from running even if markup slipped through.  The chart library is Apache ECharts 6.1.0
(Apache-2.0, ``assets/ECHARTS_LICENSE`` and ``ECHARTS_NOTICE``), inlined from the package.
"""
from __future__ import annotations

import base64
import hashlib
import html as htmlmod
import json
import os
from functools import lru_cache
from pathlib import Path

from validators.core.schema import label

ASSETS = Path(__file__).resolve().parent / "assets"
FINDINGS_MAX = 20_000     # findings embedded in the page; the rest are counted, see JSON / XLSX

TEXT = {
    "zh": {"ranking": "排名", "rank": "排名", "tier": "等级", "score": "综合得分", "guides": "事项数",
           "tiers": "等级分布与得分", "indices_per_unit": "各单位指数", "first_30": "图中只显示排名前 30 的单位；全部单位见上表。",
           "weights": "权重与总体指数", "index": "指标", "weight": "权重", "overall": "总体（分子 / 分母）",
           "score_note": "综合得分 = 100 × Σ 权重×比率 ÷ Σ 权重（只计有数据的指标），保留两位小数；同分同名次（1, 2, 2, 4）。"
                         "每个比率 = 分子 ÷ 分母，可据此复算。",
           "rates": "符合率", "rate": "比率", "numerator": "分子", "denominator": "分母", "charts": "统计图",
           "per_rule": "各规则发现数", "per_element": "要素合格率（最低的 25 项）", "findings": "发现数",
           "pass_rate": "合格率", "per_unit": "各单位情况", "rows": "行数", "rows_with_errors": "有错误的行",
           "clean_rate": "无错误行占比", "findings_table": "问题清单", "search": "搜索：事项、值、说明、文件……",
           "all_rules": "全部规则", "all_elements": "全部要素", "all_levels": "全部级别", "all_units": "全部单位",
           "where": "位置", "level": "级别", "rule": "规则", "element": "要素", "item": "事项", "value": "当前值",
           "message": "说明", "fix": "修改建议", "count": "符合条件 {matched} 条，显示 {shown} 条（最多 500 条）",
           "truncated": f"报告只嵌入前 {FINDINGS_MAX:,} 条发现；全部发现请用 --format json 或 xlsx。",
           "levels": {"error": "错误", "warning": "警告", "info": "提示"}},
    "en": {"ranking": "Ranking", "rank": "rank", "tier": "tier", "score": "score", "guides": "guides",
           "tiers": "Tiers and scores", "indices_per_unit": "Indices per unit",
           "first_30": "The chart shows the first 30 units; the table lists all.",
           "weights": "Weights and overall indices", "index": "index", "weight": "weight",
           "overall": "overall (numerator / denominator)",
           "score_note": "Score = 100 × Σ weight×rate ÷ Σ weight over the indices with data, 2 decimals; ties share "
                         "a rank (1, 2, 2, 4). Every rate = numerator ÷ denominator.",
           "rates": "Conformity", "rate": "rate", "numerator": "numerator", "denominator": "denominator",
           "charts": "Charts", "per_rule": "Findings per rule", "per_element": "Element pass rates (lowest 25)",
           "findings": "findings", "pass_rate": "pass rate", "per_unit": "Per unit", "rows": "rows",
           "rows_with_errors": "rows with errors", "clean_rate": "rows without errors",
           "findings_table": "Findings", "search": "Search: item, value, message, file…", "all_rules": "all rules",
           "all_elements": "all elements", "all_levels": "all levels", "all_units": "all units", "where": "where",
           "level": "level", "rule": "rule", "element": "element", "item": "item", "value": "value",
           "message": "message", "fix": "fix", "count": "{matched} match, {shown} shown (at most 500)",
           "truncated": f"Only the first {FINDINGS_MAX:,} findings are embedded; use --format json or xlsx for all.",
           "levels": {"error": "error", "warning": "warning", "info": "info"}},
}
COMMAND = {"validate": ("数据质量检查报告", "data-quality report"), "conform": ("目录符合性报告", "conformity report"),
           "score": ("评估得分报告", "evaluation scores"),
           "revoked": ("已取消 / 下放行政许可检查报告", "cancelled and delegated permits"),
           "certificates": ("证明材料清理检查报告", "cancelled certification materials")}
RATE_NAMES = {"catalog_conformity": ("基本目录符合率", "base-catalog conformity"),
              "task_conformity": ("实施清单符合率", "implementation-list conformity"),
              "coverage": ("认领覆盖率", "claim coverage")}


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def json_block(data) -> str:
    """JSON that cannot end its ``<script>`` block or start markup: < > & U+2028/9 escaped."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=str)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page(data: dict, lang: str) -> str:
    """The whole HTML document for ``data`` (which the page script renders)."""
    from validators.exporters.safety import xml_text

    css, lib, app = _asset("report.css"), _asset("echarts.min.js"), _asset("report.js")
    csp = ("default-src 'none'; " f"script-src {_sha256(lib)} {_sha256(app)}; style-src {_sha256(css)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    title = htmlmod.escape(xml_text(data["title"]))
    return "".join([
        "<!DOCTYPE html>\n", f'<html lang="{"en" if lang == "en" else "zh-CN"}">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f"<title>{title}</title>\n<style>{css}</style>\n</head>\n<body>\n",
        '<header><h1 id="title"></h1><p id="meta"></p></header>\n<main id="app"></main>\n',
        '<footer>sxcheck · ECharts © The Apache Software Foundation (Apache-2.0)</footer>\n',
        '<script type="application/json" id="sxcheck-data">', json_block(data), "</script>\n",
        f"<script>{lib}</script>\n<script>{app}</script>\n</body>\n</html>\n",
    ])


def _subtitle(lang: str, extra: str = "") -> str:
    import datetime

    from validators import __version__

    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    return _t(lang, f"sxcheck {__version__} · 生成于 {now}", f"sxcheck {__version__} · generated {now}") + extra


# ---------------------------------------------------------------------------- reports
def report_data(report, lang: str = "zh") -> dict:
    from validators.report.marked import marked_rows

    s = report.summary()
    stats = report.stats(lang)
    T = TEXT["en" if lang == "en" else "zh"]
    cmd = COMMAND.get(report.command, (report.command, report.command))
    files = ", ".join(sorted({os.path.basename(x.source) for x in report.sources}))
    cards = [
        {"k": _t(lang, "结论", "result"), "v": _t(lang, "通过", "PASS") if s["valid"] else _t(lang, "未通过", "FAIL"),
         "cls": "pass" if s["valid"] else "fail", "s": files},
        {"k": _t(lang, "检查行数", "rows checked"), "v": f"{s['rows_checked']:,}",
         "s": _t(lang, f"读取 {s['rows']:,} 行，空行 {s['rows_blank']:,}", f"read {s['rows']:,}, blank {s['rows_blank']:,}")},
        {"k": _t(lang, "错误", "errors"), "v": f"{s['errors']:,}", "cls": "fail" if s["errors"] else ""},
        {"k": _t(lang, "警告", "warnings"), "v": f"{s['warnings']:,}"},
        {"k": _t(lang, "提示", "infos"), "v": f"{s['infos']:,}"},
        {"k": _t(lang, "无错误行占比", "rows without errors"), "v": f"{s['rows_clean_rate']:.1%}",
         "s": f"{s['rows_checked'] - s['rows_with_errors']:,} / {s['rows_checked']:,}"},
    ]
    rates = []
    extra_rates = report.extra.get("rates") or {}
    for key, names in RATE_NAMES.items():
        r = report.extra.get("coverage") if key == "coverage" else extra_rates.get(key)
        if isinstance(r, dict) and "numerator" in r:
            rates.append({"name": _t(lang, *names), "rate": r.get("rate"), "numerator": r["numerator"],
                          "denominator": r["denominator"]})
    from validators.report.messages import rule_text

    rules = [{"code": code, "title": rule_text(code, lang)["title"], "severity": v["severity"], "findings": v["findings"],
              "rows": v["rows"]} for code, v in stats["per_rule"].items()]
    rules.sort(key=lambda x: (-x["findings"], x["code"]))
    elements = [{"name": f, "label": v["label"], "rows_failed": v["rows_failed"], "pass_rate": v["pass_rate"]}
                for f, v in stats["per_element"].items() if v["rows_failed"]]
    elements.sort(key=lambda x: (x["pass_rate"], x["name"]))
    units = [{"unit": u, **v} for u, v in stats.get("per_unit", {}).items()]
    marked = marked_rows(report)
    unit_of = {}
    if marked is not None:
        for tr in marked.tables.values():
            for r, code in tr.unit_index().items():
                unit_of[(tr.source, tr.sheet or "", r)] = marked.units[code]
    findings = []
    for f in report.iter_findings(lang, limit=FINDINGS_MAX):
        where = (os.path.basename(f["source"]) if f["source"] else _t(lang, "（整个清单）", "(catalog)"))
        if f["sheet"]:
            where += f"[{f['sheet']}]"
        if f["row"] is not None:
            where += _t(lang, f" 第{f['row']}行", f":{f['row']}")
        unit = unit_of.get((f["source"], f["sheet"] or "", f["row"])) if f["row"] is not None else None
        element = label(f["field"], lang)
        rec = {"where": where, "severity": f["severity"], "level": T["levels"][f["severity"]], "code": f["code"],
               "field": f["field"], "element": element, "item": f["item"], "value": f["value"],
               "message": f["message"], "hint": f["hint"], "unit": unit}
        rec["search"] = " ".join(str(v) for v in (where, f["code"], element, f["item"], f["value"], f["message"], unit)
                                 if v).lower()
        findings.append(rec)
    return {"kind": "report", "lang": lang, "t": T, "title": "sxcheck · " + _t(lang, *cmd),
            "subtitle": _subtitle(lang, f" · {files}"), "cards": cards, "rates": rates, "rules": rules,
            "elements": elements, "units": units, "unit_title": _t(lang, "实施主体", "implementing body"),
            "findings": findings, "findings_total": s["findings"], "has_units": bool(unit_of)}


def report_html(report, lang: str = "zh") -> str:
    return page(report_data(report, lang), lang)


# ---------------------------------------------------------------------------- scores
def score_data(result, lang: str = "zh") -> dict:
    from validators.scoring.indices import index_label

    T = TEXT["en" if lang == "en" else "zh"]
    s = result.summary(lang)
    tiers = result.weights.tiers(lang)
    names = []
    for u in result.units:
        names += [k for k in u.indices if k not in names]
    from validators.exporters.score import revoked_columns

    extra = revoked_columns(result, lang)
    units = []
    for u in result.units:
        tier = u.tier_en if lang == "en" else u.tier
        units.append({"rank": u.rank, "unit": u.unit, "tier": tier,
                      "tier_index": tiers.index(tier) if tier in tiers else 3, "score": u.score, "rows": u.rows,
                      "indices": u.indices, "counts": [u.extra["revoked"][c] for c, _l in extra]})
    cards = [{"k": _t(lang, "单位数", "units"), "v": f"{s['units']:,}", "s": _t(lang, f"按{s['by']}", f"by {s['by']}")},
             {"k": _t(lang, "事项数", "guides"), "v": f"{s['rows']:,}"},
             {"k": _t(lang, "最高分", "best"), "v": "–" if s["score_max"] is None else f"{s['score_max']:.2f}"},
             {"k": _t(lang, "最低分", "lowest"), "v": "–" if s["score_min"] is None else f"{s['score_min']:.2f}"}]
    for name, f in s["overall"].items():
        if f["rate"] is not None and name in ("guide_accuracy", "task_conformity"):
            cards.append({"k": index_label(name, lang), "v": f"{f['rate']:.2%}",
                          "s": f"{f['numerator']:,} / {f['denominator']:,}"})
    key = "tier_en" if lang == "en" else "tier"
    cut = "，".join(f"{c.get(key) or c['tier']} ≥ {c['min']}" for c in result.weights.cutoffs)
    low = result.weights.lowest.get(key) or result.weights.lowest["tier"]
    files = ", ".join(sorted({os.path.basename(x.source) for x in result.report.sources}))
    return {"kind": "score", "lang": lang, "t": T, "title": "sxcheck · " + _t(lang, *COMMAND["score"]),
            "subtitle": _subtitle(lang, f" · {files}"), "cards": cards, "by": s["by"],
            "index_names": names, "labels": {n: index_label(n, lang) for n in names}, "units": units,
            "count_labels": [lbl for _c, lbl in extra],
            "tiers": [{"tier": t, "count": s["tiers"].get(t, 0)} for t in tiers], "overall": s["overall"],
            "weights": result.weights.indices,
            "cutoff_text": _t(lang, f"等级：{cut}，其余为{low}。", f"Tiers: {cut}; below: {low}.")}


def score_html(result, lang: str = "zh") -> str:
    return page(score_data(result, lang), lang)

"""Terminal output with rich: summary panel, findings grouped by rule, pass rates, rule docs."""
from __future__ import annotations

from validators.core.rulebook import Severity
from validators.core.schema import label
from validators.report.messages import rule_meta, rule_text

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
SEV_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
EXPECTATION_LABELS = {"expect_column_values_to_be_unique": ("值唯一", "values unique"),
                      "expect_column_values_to_not_be_null": ("完整率", "completeness"),
                      "expect_column_values_to_be_in_set": ("代码在代码表内", "values in set")}
RATE_LABELS = {"catalog_conformity": ("基本目录符合率", "catalog conformity"),
               "task_conformity": ("实施清单符合率", "implementation-list conformity"),
               "coverage": ("认领覆盖率", "claim coverage"),
               "link_rate": ("办件信息与事项关联比率", "case link rate")}


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _sev(lang: str, sev: str) -> str:
    return sev if lang == "en" else SEV_ZH[sev]


def escape(text: str) -> str:
    """Data text for the terminal: escape sequences and bidi overrides shown escaped, then rich
    markup escaped (a value like "[link=…]" stays text)."""
    from rich.markup import escape as _escape

    from validators.exporters.safety import terminal_text

    return _escape(terminal_text(text))


def _console(file=None, width=None):
    from rich.console import Console

    return Console(file=file, width=width, highlight=False, soft_wrap=False)


def render_report(console, report, *, lang: str = "zh", limit: int = 20) -> None:
    from rich.panel import Panel
    from rich.table import Table

    s = report.summary()
    verdict = (_t(lang, "通过", "PASS") if s["errors"] == 0 else _t(lang, "未通过", "FAIL"))
    style = "green" if s["errors"] == 0 else "red"
    lines = [
        f"[{style}]{verdict}[/]  " + _t(lang, f"文件 {s['files']} 个，表 {s['tables']} 张", f"{s['files']} file(s), {s['tables']} table(s)"),
        _t(lang, f"读取 {s['rows']:,} 行，检查 {s['rows_checked']:,} 行，空行 {s['rows_blank']:,} 行",
           f"read {s['rows']:,} rows, checked {s['rows_checked']:,}, blank {s['rows_blank']:,}"),
        _t(lang, f"[bold red]错误 {s['errors']:,}[/]  [yellow]警告 {s['warnings']:,}[/]  [cyan]提示 {s['infos']:,}[/]",
           f"[bold red]errors {s['errors']:,}[/]  [yellow]warnings {s['warnings']:,}[/]  [cyan]infos {s['infos']:,}[/]"),
        _t(lang, f"无错误行占比 {s['rows_clean_rate']:.1%}（{s['rows_checked'] - s['rows_with_errors']:,}/{s['rows_checked']:,}），用时 {s['seconds']:.2f} 秒",
           f"rows without errors {s['rows_clean_rate']:.1%} ({s['rows_checked'] - s['rows_with_errors']:,}/{s['rows_checked']:,}), {s['seconds']:.2f} s"),
    ]
    for info in report.sources:
        sheet = f" [{info.sheet}]" if info.sheet else ""
        lines.append(escape(f"  {info.source}{sheet}: ") + _t(lang, f"{info.rows:,} 行", f"{info.rows:,} rows"))
    reg = (report.extra.get("revoked") or {}).get("registry")
    if reg:
        part = len(reg["partial"])
        lines.append(_t(lang, f"决定登记表 {reg['decisions']} 个决定、{reg['items']} 项；{part} 个决定的附件未完整转录"
                              "（未报告不等于没有已取消事项）",
                        f"decision registry: {reg['decisions']} decisions, {reg['items']} items; {part} decisions "
                        "only partly transcribed (no finding does not prove none is listed)"))
    figures = dict(report.extra.get("rates") or {})
    if report.extra.get("coverage"):
        figures["coverage"] = report.extra["coverage"]
    for key, r in figures.items():
        if isinstance(r, dict) and "rate" in r and "numerator" in r:
            name = RATE_LABELS.get(key, (key, key))[lang == "en"]
            rate = "—" if r["rate"] is None else f"{r['rate']:.2%}"
            lines.append(f"[bold]{name}[/] {rate} ({r['numerator']:,}/{r['denominator']:,})")
    lines += _time_limit_lines(report, lang)
    console.print(Panel("\n".join(lines), title="sxcheck " + report.command, expand=False))
    _link_table(console, report, lang)

    df = report.frame()
    if len(df) == 0:
        console.print(_t(lang, "没有发现问题。", "No findings."))
        return
    groups = sorted(df.groupby("code"), key=lambda kv: (-Severity(kv[1]["severity"].iloc[0]).rank, -len(kv[1]), kv[0]))
    narrow = console.width < WIDE
    for code, g in groups:
        sev = g["severity"].iloc[0]
        title = rule_text(code, lang)["title"]
        heading = f"[{STYLE[sev]}]{_sev(lang, sev)}[/] {code} · {escape(title)} · {len(g):,}"
        shown = list(report.iter_findings(lang, limit=limit, frame=g))
        hints = {f["hint"] for f in shown}
        shared = hints.pop() if len(hints) == 1 else None   # one hint for all, or one per finding
        more = (_t(lang, f"另有 {len(g) - limit:,} 条（--limit 或 --format json 查看）",
                   f"{len(g) - limit:,} more (--limit or --format json)") if len(g) > limit else None)
        if narrow:
            _stacked(console, heading, shown, lang, per_row_hint=shared is None, more=more)
        else:
            _table(console, heading, shown, lang, per_row_hint=shared is None, more=more)
        if shared:
            console.print(f"  [dim]{_t(lang, '修改建议', 'Fix')}: {escape(shared)}[/]")

    stats = report.stats(lang)
    worst = sorted(((v["pass_rate"], f, v) for f, v in stats["per_element"].items() if v["rows_failed"]))[:12]
    if worst:
        t = Table(title=_t(lang, "要素合格率（最低的 12 项）", "Element pass rates (lowest 12)"), title_justify="left")
        t.add_column(_t(lang, "要素", "element"), overflow="fold")
        t.add_column(_t(lang, "不合格行", "rows failed"), justify="right")
        t.add_column(_t(lang, "合格率", "pass rate"), justify="right")
        for rate, f, v in worst:
            t.add_row(f"{v['label']} ({f})" if lang != "en" else f, f"{v['rows_failed']:,}", f"{rate:.1%}")
        console.print(t)
    units = [(u, v) for u, v in stats.get("per_unit", {}).items() if v["rows_with_errors"]][:10]
    if len(stats.get("per_unit", {})) > 1 and units:
        t = Table(title=_t(lang, "实施主体无错误行占比（最低的 10 个）", "Rows without errors per implementing body (lowest 10)"),
                  title_justify="left")
        t.add_column(_t(lang, "实施主体", "body"), overflow="fold")
        t.add_column(_t(lang, "行数", "rows"), justify="right")
        t.add_column(_t(lang, "有错误的行", "rows with errors"), justify="right")
        t.add_column(_t(lang, "无错误行占比", "clean"), justify="right")
        for u, v in units:
            t.add_row(escape(u), f"{v['rows']:,}", f"{v['rows_with_errors']:,}", f"{v['clean_rate']:.1%}")
        console.print(t)
    failed = [e for e in stats.get("expectations", []) if not e["success"]]
    if failed:
        t = Table(title=_t(lang, "未满足的清单级期望", "Failed catalog expectations"), title_justify="left")
        for col in (_t(lang, "期望", "expectation"), _t(lang, "要素", "column"), _t(lang, "阈值 mostly", "mostly"),
                    _t(lang, "不符合", "unexpected")):
            t.add_column(col, overflow="fold")
        for e in failed:
            t.add_row(EXPECTATION_LABELS.get(e["expectation"], (e["expectation"],) * 2)[lang == "en"],
                      label(e["column"], lang), str(e["mostly"] if e["mostly"] is not None else ""),
                      f"{e['unexpected_count']:,} ({e['unexpected_percent']:.2f}%)")
        console.print(t)


WIDE = 100  # below this many columns findings are stacked (location line, then message)


def _table(console, heading: str, shown: list[dict], lang: str, *, per_row_hint: bool, more: str | None) -> None:
    from rich.table import Table

    table = Table(title=heading, title_justify="left", show_lines=False, expand=False)
    table.add_column(_t(lang, "位置", "where"), no_wrap=True, overflow="fold")
    table.add_column(_t(lang, "要素", "element"), no_wrap=True, overflow="fold")
    table.add_column(_t(lang, "说明", "message"), overflow="fold", ratio=1)
    for f in shown:
        msg = escape(f["message"])
        if per_row_hint and f["hint"]:
            msg += f"\n[dim]→ {escape(f['hint'])}[/]"
        table.add_row(_where(f, lang), escape(label(f["field"], lang)), msg)
    if more:
        table.add_row("…", "", more)
    console.print(table)


def _stacked(console, heading: str, shown: list[dict], lang: str, *, per_row_hint: bool, more: str | None) -> None:
    """Narrow terminals: each finding as a location line and an indented message, never cut."""
    console.print(heading)
    for f in shown:
        element = label(f["field"], lang)
        console.print("  " + _where(f, lang) + (f" · {escape(element)}" if element else ""), overflow="fold")
        console.print("    " + escape(f["message"]), overflow="fold")
        if per_row_hint and f["hint"]:
            console.print(f"    [dim]→ {escape(f['hint'])}[/]", overflow="fold")
    if more:
        console.print("  " + more)


def _time_limit_lines(report, lang: str) -> list[str]:
    """sxcheck cases: the time-limit counts and the calendar's covered years."""
    t, cal = report.extra.get("time_limits"), report.extra.get("calendar")
    if not t or not cal:
        return []
    return [_t(lang, f"截至 {t['as_of']}：有期限的办件 {t['cases_with_deadline']:,}，按时办结 {t['finished_on_time']:,}，"
                     f"超期办结 {t['overdue']:,}，超期未办结 {t['open_overdue']:,}，临近期限 {t['near_deadline']:,}，"
                     f"即办件未当场办结 {t['instant_late']:,}",
               f"as of {t['as_of']}: {t['cases_with_deadline']:,} cases with a deadline, {t['finished_on_time']:,} on time, "
               f"{t['overdue']:,} late, {t['open_overdue']:,} open and late, {t['near_deadline']:,} near, "
               f"{t['instant_late']:,} instant cases not instant"),
            _t(lang, f"工作日日历：{cal['source']}，覆盖 {cal['years']} 年（范围外不推算）",
               f"working-day calendar: {cal['source']}, years {cal['years']} (nothing guessed outside)")]


def _link_table(console, report, lang: str) -> None:
    """sxcheck cases: link rate per 受理单位, lowest 10 with unlinked cases."""
    from rich.table import Table

    units = [(k, v) for k, v in (report.extra.get("link") or {}).get("per_unit", {}).items()
             if v["numerator"] < v["denominator"]][:10]
    if not units:
        return
    t = Table(title=_t(lang, "各受理单位办件关联比率（最低的 10 个）", "Link rate per accepting body (lowest 10)"),
              title_justify="left")
    for col in (_t(lang, "受理单位", "accepting body"), _t(lang, "名称", "name")):
        t.add_column(col)
    for col in (_t(lang, "已关联", "linked"), _t(lang, "办件", "cases"), _t(lang, "关联比率", "rate")):
        t.add_column(col, justify="right")
    for k, v in units:
        t.add_row(escape(k), escape(v["name"] or ""), f"{v['numerator']:,}", f"{v['denominator']:,}",
                  "—" if v["rate"] is None else f"{v['rate']:.1%}")
    console.print(t)


def _where(f: dict, lang: str) -> str:
    import os

    src = os.path.basename(f["source"]) if f["source"] else _t(lang, "（整个清单）", "(catalog)")
    sheet = f"[{f['sheet']}]" if f["sheet"] else ""
    row = _t(lang, f" 第{f['row']}行", f":{f['row']}") if f["row"] is not None else ""
    return escape(src + sheet + row)


def print_report(report, *, lang: str = "zh", limit: int = 20) -> None:
    render_report(_console(), report, lang=lang, limit=limit)


def table_text(report, *, lang: str = "zh", limit: int = 20) -> str:
    import io

    buf = io.StringIO()
    render_report(_console(file=buf, width=140), report, lang=lang, limit=limit)
    return buf.getvalue()


def print_rules(*, lang: str = "zh", category: str | None = None) -> None:
    from rich.table import Table

    console = _console()
    wide = console.width >= WIDE
    table = Table(title=_t(lang, "sxcheck 规则", "sxcheck rules"), title_justify="left")
    table.add_column(_t(lang, "代码", "code"), no_wrap=True, min_width=max(len(c) for c in rule_meta()))
    table.add_column(_t(lang, "级别", "level"), no_wrap=True)
    if wide:
        table.add_column(_t(lang, "类别", "category"), no_wrap=True)
    table.add_column(_t(lang, "名称", "title"), overflow="fold")
    for code, meta in rule_meta().items():
        if category and meta["category"] != category:
            continue
        sev = meta["severity"]
        cells = [code, f"[{STYLE[sev]}]{_sev(lang, sev)}[/]"]
        if wide:
            cells.append(_category(meta["category"], lang))
        table.add_row(*cells, escape(rule_text(code, lang)["title"]))
    console.print(table)


def _category(category: str, lang: str) -> str:
    from validators.core.rulebook import CATEGORIES

    zh, en = CATEGORIES.get(category, (category, category))
    return en if lang == "en" else zh


def print_explain(code: str, *, lang: str = "zh") -> None:
    from rich.panel import Panel

    meta = rule_meta()[code]
    t = rule_text(code, lang)
    body = [f"[bold]{t['title']}[/]  ({_sev(lang, meta['severity'])}, {_category(meta['category'], lang)})", "",
            t["explain"], "",
            f"[bold]{_t(lang, '依据', 'Basis')}:[/] {meta['basis']}",
            f"[bold]{_t(lang, '修改建议', 'Fix')}:[/] {t['hint']}",
            f"[bold]{_t(lang, '消息模板', 'Message')}:[/] {t['message']}"]
    _console().print(Panel("\n".join(body), title=code, expand=False))


def print_topic(topic: str, *, lang: str = "zh", full: bool = False) -> None:
    """A topic's summary, or with ``full`` its whole document (shipped inside the package)."""
    from pathlib import Path

    from rich.markdown import Markdown
    from rich.panel import Panel

    from validators.report.messages import catalog

    t = catalog(lang)["topics"][topic]
    if full and t.get("document"):
        doc = Path(__file__).resolve().parents[2] / t["document"]
        _console().print(Markdown(doc.read_text(encoding="utf-8")))
        return
    _console().print(Panel(escape(t["text"]), title=t["title"], expand=False))

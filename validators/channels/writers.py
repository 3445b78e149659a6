"""The diff a person can read: terminal blocks, an XLSX workbook and a CSV file.

- Terminal (rich): a summary panel with every channel's 同源率 (numerator/denominator), the
  per-element rates, then one block per differing item with its elements side by side
  (reference | channel), then the missing, extra, ambiguous and stale items.
- XLSX: sheet 差异明细, one row per differing element (channel, item, element, reference value,
  channel value …) and one per missing / extra / ambiguous / stale item; sheet 汇总, the
  per-channel figures; sheets 要素同源率 and 实施主体同源率.
- CSV: the rows of 差异明细 (UTF-8 with BOM so Excel opens it).

Nothing from the data is executed, by the same neutralisers as every other output
(:mod:`validators.exporters.safety`): spreadsheet and CSV cells are text, with a leading ``'``
when they start with = + - @ tab or CR and characters a sheet cannot hold shown escaped; terminal
text shows escape sequences, control characters and bidi overrides escaped, and rich markup
inert.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from validators.channels.findings import (
    SOURCE_ITEM_EXTRA,
    SOURCE_ITEM_MISSING,
    SOURCE_MATERIALS_DIFFER,
    SOURCE_PAIRING_AMBIGUOUS,
    SOURCE_STALE,
    SOURCE_VALUE_MISMATCH,
)
from validators.channels.keys import KIND_LABELS
from validators.exporters.safety import cell_text, terminal_text

COLUMNS = ("channel", "item", "key_kind", "item_name", "body", "element", "difference", "reference_value",
           "channel_value", "changes", "reference_row", "channel_row", "code")
HEADERS = {
    "zh": ("渠道", "事项键", "配对方式", "事项名称", "实施主体", "要素", "差异类型", "参考源的值", "渠道的值",
           "材料变化", "参考源行号", "渠道行号", "规则代码"),
    "en": ("channel", "item key", "paired by", "item name", "implementing body", "element", "difference",
           "reference value", "channel value", "material changes", "reference row", "channel row", "rule"),
}
KINDS_TEXT = {SOURCE_ITEM_MISSING: ("渠道缺少", "missing"), SOURCE_ITEM_EXTRA: ("渠道多出", "extra"),
              SOURCE_VALUE_MISMATCH: ("值不同", "value differs"),
              SOURCE_MATERIALS_DIFFER: ("材料不同", "materials differ"),
              SOURCE_STALE: ("版本落后", "stale"), SOURCE_PAIRING_AMBIGUOUS: ("配对不唯一", "ambiguous")}
ORDER = {SOURCE_VALUE_MISMATCH: 0, SOURCE_MATERIALS_DIFFER: 0, SOURCE_STALE: 1, SOURCE_ITEM_MISSING: 2,
         SOURCE_ITEM_EXTRA: 3, SOURCE_PAIRING_AMBIGUOUS: 4}
EXCEL_MAX_ROWS = 1_048_575


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def csv_safe(value: Any) -> Any:
    """A spreadsheet or CSV cell that nothing evaluates (:func:`cell_text`, no length limit);
    numbers and None as they are."""
    return cell_text(value, None) if isinstance(value, str) else value


def diff_rows(report, lang: str = "zh") -> Iterator[dict]:
    """One row per differing element and per missing / extra / ambiguous / stale item."""
    from validators.core.schema import label

    df = report.frame()
    df = df[df["code"].isin(list(KINDS_TEXT))]
    if not len(df):
        return
    df = df.assign(_o=df["code"].map(lambda c: ORDER[c]),
                   _ch=df["params"].map(lambda p: p.get("channel", "") if isinstance(p, dict) else ""))
    df = df.sort_values(["_ch", "_o", "row"], kind="stable").drop(columns=["_o", "_ch"])
    for f in report.iter_findings(lang, frame=df):
        p = f["params"]
        kind = p.get("key_kind")
        changes = p.get("changes_en" if lang == "en" else "changes")
        yield {
            "channel": p.get("channel"), "item": f["item"],
            "key_kind": KIND_LABELS[kind][lang == "en"] if kind in KIND_LABELS else None,
            "item_name": p.get("item_name"), "body": p.get("body"),
            "element": label(f["field"], lang) if f["field"] else None,
            "difference": KINDS_TEXT[f["code"]][lang == "en"],
            "reference_value": p.get("reference_value"), "channel_value": p.get("channel_value"),
            "changes": changes or None,
            "reference_row": p.get("reference_rows") or p.get("reference_row"),
            "channel_row": p.get("channel_rows") or p.get("channel_row"), "code": f["code"],
        }


# ------------------------------------------------------------------ CSV

def write_csv(result, path: str, *, lang: str = "zh") -> None:
    import csv

    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS["en" if lang == "en" else "zh"])
        for row in diff_rows(result.report, lang):
            w.writerow([csv_safe(row[c]) for c in COLUMNS])


def write_pairs(result, path: str, *, lang: str = "zh") -> None:
    """The pairing table as CSV (UTF-8 with BOM) or XLSX, by the file's extension."""
    from validators.channels.pairs import COLUMNS, HEADERS_ZH, STATUS

    frame = result.pairs
    head = HEADERS_ZH if lang != "en" else COLUMNS
    labels = {k: v[lang == "en"] for k, v in KIND_LABELS.items()}
    frame = frame.assign(key_kind=frame["key_kind"].map(lambda k: labels.get(k) if isinstance(k, str) else None))
    if lang == "en":
        back = {v[0]: v[1] for v in STATUS.values()}
        frame = frame.assign(status=frame["status"].map(back))
    records = frame.itertuples(index=False, name=None)
    if path.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import Workbook

        if len(frame) > EXCEL_MAX_ROWS:
            raise ValueError(f"{len(frame)} rows do not fit an Excel sheet; write CSV")
        wb = Workbook(write_only=False)
        ws = wb.active
        ws.title = _t(lang, "配对", "Pairs")
        _put(ws, head)
        for rec in records:
            _put(ws, [_plain(v) for v in rec])
        wb.save(path)
        return
    import csv

    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        for rec in records:
            w.writerow([csv_safe(_plain(v)) for v in rec])


def _plain(v):
    from validators.report.findings import is_missing

    if is_missing(v):
        return None
    return v.item() if hasattr(v, "item") else v


# ------------------------------------------------------------------ XLSX

def _put(ws, values) -> None:
    """Append a row; text cells are strings (:func:`cell_text`), never formulas."""
    ws.append([cell_text(v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def summary_rows(result, lang: str = "zh") -> tuple[list[str], list[list]]:
    head = [_t(lang, "渠道", "channel"), _t(lang, "参考源事项", "reference items"),
            _t(lang, "渠道事项", "channel items"), _t(lang, "已配对", "paired"),
            _t(lang, "按实施编码", "by task code"), _t(lang, "按基本编码+实施主体", "by catalog code + body"),
            _t(lang, "按事项名称+实施主体", "by name + body"), _t(lang, "渠道缺少", "missing"),
            _t(lang, "渠道多出", "extra"), _t(lang, "配对不唯一", "ambiguous"), _t(lang, "版本落后", "stale"),
            _t(lang, "比较要素", "elements compared"), _t(lang, "相同要素", "elements identical"),
            _t(lang, "同源率", "same-source rate"), _t(lang, "未比较的要素", "elements not compared")]
    rows = []
    for ch in result.channels:
        by = ch["paired_by"]
        r = ch["same_source_rate"]
        rows.append([ch["channel"], ch["items_reference"], ch["items_channel"], ch["paired"], by["task_code"],
                     by["catalog_code+body"], by["name+body"], ch["missing"], ch["extra"], ch["ambiguous"],
                     ch["stale"], r["denominator"], r["numerator"], r["rate"],
                     "、".join(ch.get("fields_not_compared") or [])])
    return head, rows


def write_xlsx(result, path: str, *, lang: str = "zh") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _t(lang, "差异明细", "Differences")
    _put(ws, HEADERS["en" if lang == "en" else "zh"])
    for n, row in enumerate(diff_rows(result.report, lang)):
        if n >= EXCEL_MAX_ROWS - 1:
            break
        _put(ws, [row[c] for c in COLUMNS])
    for cell in ws[1]:
        cell.font = bold
    ws.freeze_panes = "A2"

    ws = wb.create_sheet(_t(lang, "汇总", "Summary"))
    head, rows = summary_rows(result, lang)
    _put(ws, [_t(lang, "参考源", "reference"), os.path.basename(result.summary["reference"]["source"])])
    _put(ws, [_t(lang, "配对键", "key"), result.summary["key"]])
    _put(ws, [])
    _put(ws, head)
    for cell in ws[ws.max_row]:
        cell.font = bold
    for r in rows:
        _put(ws, r)
        ws.cell(row=ws.max_row, column=14).number_format = "0.00%"

    ws = wb.create_sheet(_t(lang, "要素同源率", "Per element"))
    _put(ws, [_t(lang, "渠道", "channel"), _t(lang, "要素", "element"), _t(lang, "相同", "identical"),
              _t(lang, "比较", "compared"), _t(lang, "同源率", "rate")])
    for ch in result.channels:
        for f, v in ch["per_element"].items():
            _put(ws, [ch["channel"], v["label"] if lang != "en" else f, v["numerator"], v["denominator"], v["rate"]])
            ws.cell(row=ws.max_row, column=5).number_format = "0.00%"

    ws = wb.create_sheet(_t(lang, "实施主体同源率", "Per body"))
    _put(ws, [_t(lang, "渠道", "channel"), _t(lang, "实施主体", "implementing body"),
              _t(lang, "已配对事项", "paired items"), _t(lang, "相同", "identical"), _t(lang, "比较", "compared"),
              _t(lang, "同源率", "rate")])
    for ch in result.channels:
        for body, v in ch["per_body"].items():
            _put(ws, [ch["channel"], body, v["items"], v["numerator"], v["denominator"], v["rate"]])
            ws.cell(row=ws.max_row, column=6).number_format = "0.00%"
    wb.save(path)


# ------------------------------------------------------------------ terminal

def _esc(value: Any) -> str:
    from rich.markup import escape

    return escape(terminal_text(value))


def _pct(r: dict) -> str:
    return "—" if r["rate"] is None else f"{r['rate']:.2%}"


def render(console, result, *, lang: str = "zh", limit: int = 20) -> None:
    from rich.panel import Panel
    from rich.table import Table

    s = result.summary
    lines = [_t(lang, f"参考源 {_esc(os.path.basename(s['reference']['source']))}：{s['reference']['items']:,} 个事项；配对键 {s['key']}",
                f"reference {_esc(os.path.basename(s['reference']['source']))}: {s['reference']['items']:,} items; key {s['key']}")]
    for ch in result.channels:
        r = ch["same_source_rate"]
        style = "green" if r["rate"] is None or r["rate"] >= 0.999999 else "yellow"
        lines.append(
            f"[bold]{_esc(ch['channel'])}[/]  " + _t(lang, "同源率", "same-source rate")
            + f" [{style}]{_pct(r)}[/] ({r['numerator']:,}/{r['denominator']:,})  "
            + _t(lang, f"事项 {ch['items_channel']:,}，已配对 {ch['paired']:,}，缺少 {ch['missing']:,}，多出 {ch['extra']:,}，"
                       f"配对不唯一 {ch['ambiguous']:,}，版本落后 {ch['stale']:,}，有差异的事项 {ch['items_differing']:,}",
                 f"items {ch['items_channel']:,}, paired {ch['paired']:,}, missing {ch['missing']:,}, extra {ch['extra']:,}, "
                 f"ambiguous {ch['ambiguous']:,}, stale {ch['stale']:,}, items differing {ch['items_differing']:,}"))
        by = ch["paired_by"]
        lines.append("    " + _t(lang, "配对方式", "paired by") + "：" + "，".join(
            f"{KIND_LABELS[k][lang == 'en']} {n:,}" for k, n in by.items() if n))
        if ch.get("fields_not_compared"):
            from validators.core.schema import label

            lines.append("    " + _t(lang, "渠道未发布、未比较的要素：", "not published by the channel, not compared: ")
                         + _esc("、".join(label(f, lang) for f in ch["fields_not_compared"])))
    console.print(Panel("\n".join(lines), title="sxcheck sources", expand=False))

    for ch in result.channels:
        t = Table(title=_t(lang, f"{_esc(ch['channel'])} 各要素同源率", f"{_esc(ch['channel'])}: per element"),
                  title_justify="left")
        t.add_column(_t(lang, "要素", "element"))
        t.add_column(_t(lang, "相同/比较", "identical/compared"), justify="right")
        t.add_column(_t(lang, "同源率", "rate"), justify="right")
        for f, v in sorted(ch["per_element"].items(), key=lambda kv: (kv[1]["rate"] if kv[1]["rate"] is not None else 2)):
            t.add_row(v["label"] if lang != "en" else f, f"{v['numerator']:,}/{v['denominator']:,}", _pct(v))
        console.print(t)

    blocks: dict[tuple, list[dict]] = {}
    others: list[dict] = []
    for row in diff_rows(result.report, lang):
        if row["code"] in (SOURCE_VALUE_MISMATCH, SOURCE_MATERIALS_DIFFER, SOURCE_STALE):
            blocks.setdefault((row["channel"], row["item"]), []).append(row)
        else:
            others.append(row)
    shown: dict[str, int] = {}
    for (channel, item), rows in blocks.items():
        shown[channel] = shown.get(channel, 0) + 1
        if shown[channel] > limit:
            continue
        first = rows[0]
        title = (f"[bold]{_esc(channel)}[/] · {_esc(first['item_name'])} · {_esc(item)}"
                 + (f" [dim]({_t(lang, '按', 'by ')}{_esc(first['key_kind'])})[/]" if first["key_kind"] else ""))
        console.print(title)
        t = Table(show_lines=True)
        t.add_column(_t(lang, "要素", "element"), no_wrap=True)
        t.add_column(_t(lang, "参考源", "reference") + f" ({_t(lang, '行', 'row')} {first['reference_row']})",
                     overflow="fold", max_width=60)
        t.add_column(_t(lang, "渠道", "channel") + f" ({_t(lang, '行', 'row')} {first['channel_row']})",
                     overflow="fold", max_width=60)
        for r in rows:
            element = _esc(r["element"]) + (f"\n[dim]{_esc(r['difference'])}[/]" if r["code"] == SOURCE_STALE else "")
            chan = _esc(r["channel_value"]) + (f"\n[yellow]{_esc(r['changes'])}[/]" if r["changes"] else "")
            t.add_row(element, _esc(r["reference_value"]), chan)
        console.print(t)
    for channel, n in shown.items():
        if n > limit:
            console.print(_t(lang, f"{_esc(channel)}：另有 {n - limit:,} 个有差异的事项（--limit 或 --format xlsx/csv 查看全部）",
                             f"{_esc(channel)}: {n - limit:,} more items differ (--limit or --format xlsx/csv)"))
    if others:
        t = Table(title=_t(lang, "缺少、多出与配对不唯一的事项", "Missing, extra and ambiguous items"), title_justify="left")
        t.add_column(_t(lang, "渠道", "channel"), overflow="fold")
        t.add_column(_t(lang, "差异", "difference"), no_wrap=True)
        t.add_column(_t(lang, "事项", "item"), overflow="fold")
        t.add_column(_t(lang, "事项键", "key"), no_wrap=True)           # codes are never cut
        t.add_column(_t(lang, "参考源行", "ref. row"), no_wrap=True)
        t.add_column(_t(lang, "渠道行", "row"), no_wrap=True)
        count: dict[tuple, int] = {}
        for r in others:
            k = (r["channel"], r["code"])
            count[k] = count.get(k, 0) + 1
            if count[k] > limit:
                continue
            t.add_row(_esc(r["channel"]), _esc(r["difference"]), _esc(r["item_name"]), _esc(r["item"]),
                      _esc(r["reference_row"]), _esc(r["channel_row"]))
        console.print(t)
        for (channel, code), n in count.items():
            if n > limit:
                console.print(_t(lang, f"{_esc(channel)}：另有 {n - limit:,} 条{KINDS_TEXT[code][0]}",
                                 f"{_esc(channel)}: {n - limit:,} more {KINDS_TEXT[code][1]}"))
    if not blocks and not others:
        console.print(_t(lang, "各渠道与参考源一致，没有差异。", "Every channel agrees with the reference."))
    problems = [f for f in result.report.iter_findings(lang) if f["code"] not in KINDS_TEXT]
    if problems:
        t = Table(title=_t(lang, "读取问题", "Reading problems"), title_justify="left")
        t.add_column(_t(lang, "文件", "file"))
        t.add_column(_t(lang, "行", "row"))
        t.add_column(_t(lang, "说明", "message"), overflow="fold")
        for f in problems[:limit]:
            t.add_row(_esc(os.path.basename(f["source"] or "")), _esc(f["row"]), _esc(f["message"]))
        console.print(t)


def print_sources(result, *, lang: str = "zh", limit: int = 20, file=None) -> None:
    from rich.console import Console

    render(Console(file=file, highlight=False, soft_wrap=False, width=None if file is None else 160),
           result, lang=lang, limit=limit)


def sources_text(result, *, lang: str = "zh", limit: int = 20) -> str:
    import io

    buf = io.StringIO()
    print_sources(result, lang=lang, limit=limit, file=buf)
    return buf.getvalue()

"""Annotated Excel workbook for the department that has to fix its export.

Sheets: 汇总 (summary and per-rule counts), 问题清单 (one line per finding with message and fix
hint), and per input table a 标注 sheet holding only the rows that have findings, in their original
row numbers, with the offending cells coloured by severity and the messages as cell comments.
"""
from __future__ import annotations

import os
from collections import defaultdict

from validators.core.rulebook import Severity
from validators.core.schema import label
from validators.report.messages import rule_text

EXCEL_MAX_ROWS = 1_048_575
FILL = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _safe_title(text: str, used: set[str]) -> str:
    for ch in "[]:*?/\\":
        text = text.replace(ch, "_")
    base = text[:28] or "sheet"
    title, n = base, 1
    while title in used:
        n += 1
        title = f"{base[:25]}_{n}"
    used.add(title)
    return title


def write_xlsx(report, path: str, *, lang: str = "zh", encoding: str | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    bold = Font(bold=True)
    used: set[str] = set()

    ws = wb.active
    ws.title = _safe_title(_t(lang, "汇总", "Summary"), used)
    s = report.summary()
    for key, val in s.items():
        ws.append([key, val])
    ws.append([])
    ws.append([_t(lang, "规则", "rule"), _t(lang, "级别", "level"), _t(lang, "名称", "title"),
               _t(lang, "发现数", "findings"), _t(lang, "涉及行", "rows"), _t(lang, "合格率", "pass rate")])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for code, r in sorted(report.stats(lang)["per_rule"].items(), key=lambda kv: (-Severity(kv[1]["severity"]).rank, -kv[1]["findings"])):
        ws.append([code, r["severity"], rule_text(code, lang)["title"], r["findings"], r["rows"], r["pass_rate"]])

    issues = wb.create_sheet(_safe_title(_t(lang, "问题清单", "Findings"), used))
    header = [_t(lang, "文件", "file"), _t(lang, "工作表", "sheet"), _t(lang, "行", "row"),
              _t(lang, "要素", "element"), _t(lang, "事项", "item"), _t(lang, "级别", "level"),
              _t(lang, "规则", "rule"), _t(lang, "当前值", "value"), _t(lang, "说明", "message"),
              _t(lang, "修改建议", "fix")]
    issues.append(header)
    for cell in issues[1]:
        cell.font = bold
    by_row: dict = defaultdict(list)
    for f in report.iter_findings(lang, limit=EXCEL_MAX_ROWS - 1):
        src, row = f["source"], f["row"]
        issues.append([src and os.path.basename(src), f["sheet"], row, label(f["field"], lang), f["item"],
                       f["severity"], f["code"], f["value"], f["message"], f["hint"]])
        issues.cell(row=issues.max_row, column=6).fill = PatternFill("solid", fgColor=FILL[f["severity"]])
        if row is not None and src is not None:
            by_row[(src, f["sheet"])].append((row, f["field"], f["severity"], f["message"]))
    issues.freeze_panes = "A2"

    for info in report.sources:
        marks = by_row.get((info.source, info.sheet))
        if not marks:
            continue
        _annotated_sheet(wb, info, marks, lang, encoding, used, Comment, PatternFill, bold)
    wb.save(path)


def _annotated_sheet(wb, info, marks, lang, encoding, used, Comment, PatternFill, bold) -> None:
    """Copy the rows that have findings, colour the offending cells, attach the messages."""
    from validators.read import open_tables

    rows_wanted = defaultdict(list)
    for row, fld, sev, msg in marks:
        rows_wanted[row].append((fld, sev, msg))
    name = os.path.splitext(os.path.basename(info.source))[0] + (f"-{info.sheet}" if info.sheet else "")
    ws = wb.create_sheet(_safe_title(_t(lang, "标注-", "marked-") + name, used))
    columns = list(info.columns)
    ws.append([_t(lang, "原行号", "row")] + [info.columns[c] for c in columns] + [_t(lang, "问题", "problems")])
    for cell in ws[1]:
        cell.font = bold
    col_of = {c: i + 2 for i, c in enumerate(columns)}
    profile = getattr(info, "profile", "guide")
    tables = [t for t in open_tables(info.source, sheet=info.sheet, encoding=encoding, profile=profile)
              if t.sheet == info.sheet]
    if profile == "case":  # case rows carry names, ID numbers, phones, addresses: copy them masked
        from validators.caserecords.mask import mask_record
    else:
        def mask_record(rec):
            return rec
    for chunk in tables[0].chunks() if tables else []:
        hit = chunk[chunk["_row"].isin(list(rows_wanted))]
        for rec in map(mask_record, hit.to_dict("records")):
            row = int(rec["_row"])
            notes = rows_wanted[row]
            ws.append([row] + [rec.get(c) for c in columns] + ["\n".join(m for _f, _s, m in notes)])
            at = ws.max_row
            worst: dict = {}
            for fld, sev, msg in notes:
                col = col_of.get(fld, len(columns) + 2)
                prev = worst.get(col)
                worst[col] = (sev if prev is None or Severity(sev).rank > Severity(prev[0]).rank else prev[0],
                              (prev[1] + "\n" if prev else "") + msg)
            for col, (sev, text) in worst.items():
                cell = ws.cell(row=at, column=col)
                cell.fill = PatternFill("solid", fgColor=FILL[sev])
                cell.comment = Comment(text[:2000], "sxcheck")
    ws.freeze_panes = "B2"

"""The annotated Excel workbook a department gets back (``--format xlsx``).

Sheets (Chinese by default, English with ``lang="en"``): 汇总 (summary, and the conformity rates
and gate when conform ran), 问题清单 (one line per finding with message and fix hint), 规则统计,
要素合格率, 实施主体 (per unit), 符合率 (conform only), and per input table a 标注 sheet with the rows
that have findings, the offending cells coloured by severity and message + fix hint as comments.
Every table has a bold frozen header, an autofilter and column widths; rates are percentages.

Written with XlsxWriter in ``constant_memory`` mode: rows stream to disk as they are written, so
time and memory grow linearly with the findings (openpyxl's write-only mode streams too, but is
slower and turns any ``=…`` string into a formula unless each cell is built by hand).  Every text
cell is an inline *string* cell after :func:`~validators.exporters.safety.cell_text` (formula
prefixes neutralised, control characters shown visibly): nothing from the data is a formula.
The 标注 rows come from :class:`~validators.report.marked.MarkedRows`, captured during the scan;
the inputs are never opened again.
"""
from __future__ import annotations

import os
import unicodedata

from validators.core.rulebook import Severity
from validators.core.schema import label
from validators.exporters.safety import cell_text, sheet_title
from validators.exporters.json_report import _renamed
from validators.report.messages import rule_text

EXCEL_MAX_ROWS = 1_048_575          # data rows below one header row
FILL = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#DDEBF7"}
LEVEL = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}
WIDTH_MAX = 60
WIDTH_SAMPLE_ROWS = 500     # column widths are measured on the first rows of each table
SUMMARY_KEYS = {
    "valid": ("结论", "result"), "files": ("文件数", "files"), "tables": ("表数", "tables"),
    "rows": ("读取行数", "rows read"), "rows_checked": ("检查行数", "rows checked"),
    "rows_blank": ("空行数", "blank rows"), "rows_with_errors": ("有错误的行数", "rows with errors"),
    "rows_clean_rate": ("无错误行占比", "rows without errors"), "errors": ("错误", "errors"),
    "warnings": ("警告", "warnings"), "infos": ("提示", "infos"), "findings": ("发现总数", "findings"),
    "seconds": ("用时（秒）", "seconds"),
}
RATE_NAMES = {"catalog_conformity": ("基本目录符合率", "base-catalog conformity"),
              "task_conformity": ("实施清单符合率", "implementation-list conformity"),
              "coverage": ("认领覆盖率", "claim coverage")}


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def level(sev: str, lang: str) -> str:
    return LEVEL[sev][lang == "en"]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text[:WIDTH_MAX])


class Sheet:
    """One streamed table: bold frozen header, autofilter, widths from what was written.

    Rows go straight into the worksheet's constant-memory row file as ready-made ``<row>`` XML
    (inline strings, numbers, the formats' style indices): XlsxWriter's per-cell machinery costs
    ~20 µs a cell, which made a workbook many times slower than the JSON of the same findings.
    XlsxWriter still writes everything else (styles, comments and their VML, filters, panes,
    columns, the package).  Text is escaped here and was neutralised by ``cell_text`` before.
    """

    def __init__(self, book: "Book", title: str, header: list[str], *, freeze_cols: int = 0):
        self.book = book
        self.ws = book.wb.add_worksheet(sheet_title(title, book.used))
        self.ncols = len(header)
        self.widths = [_width(h) + 2 for h in header]
        self.row = -1
        self._fh = getattr(self.ws, "fh", None) if getattr(self.ws, "constant_memory", False) else None
        from xlsxwriter.utility import xl_col_to_name

        self._refs = [xl_col_to_name(c) for c in range(max(self.ncols, 1) + 1)]
        self._append(header, {c: book.bold for c in range(self.ncols)}, measure=False)
        self.ws.freeze_panes(1, freeze_cols)

    @property
    def full(self) -> bool:
        return self.row >= EXCEL_MAX_ROWS

    def append(self, values, formats: dict[int, object] | None = None) -> int:
        """Write one row; numbers stay numbers, everything else becomes neutralised text."""
        return self._append(values, formats, measure=self.row < WIDTH_SAMPLE_ROWS)

    def _append(self, values, formats, measure: bool) -> int:
        self.row += 1
        r = self.row
        n = str(r + 1)
        refs = self._refs
        cache = self.book.texts
        parts = [f'<row r="{n}">']
        last = 0
        for c, v in enumerate(values):
            fmt = formats.get(c) if formats else None
            style = f' s="{fmt._get_xf_index()}"' if fmt is not None else ""
            if v is None:
                if fmt is not None:
                    parts.append(f'<c r="{refs[c]}{n}"{style}/>')
                    last = c
                continue
            last = c
            number = None if v.__class__ is str else _number(v)
            if number is not None:
                parts.append(f'<c r="{refs[c]}{n}"{style}><v>{number}</v></c>')
                w = 9
            else:
                text = cache.get(v) if v.__class__ is str else None
                if text is None:
                    text = cell_text(v)
                    xml = _escape(text)
                    if v.__class__ is str and len(v) <= 200:
                        if len(cache) > 100_000:
                            cache.clear()
                        cache[v] = (text, xml)
                else:
                    text, xml = text
                # xml:space only where whitespace at an end or a line break must survive
                keep = ' xml:space="preserve"' if text and (text[0] in _WS or text[-1] in _WS or "\n" in text) \
                    else ""
                parts.append(f'<c r="{refs[c]}{n}"{style} t="inlineStr"><is><t{keep}>{xml}</t></is></c>')
                if not measure:
                    continue
                w = _width(text.split("\n", 1)[0])
            if measure and w + 2 > self.widths[c]:
                self.widths[c] = min(w + 2, WIDTH_MAX)
        parts.append("</row>")
        if self._fh is not None:
            self.ws._check_dimensions(r, last)
            self._fh.write("".join(parts))
        else:   # an in-memory workbook (a unit's of --split-by): the public API
            for c, v in enumerate(values):
                fmt = formats.get(c) if formats else None
                if v is None:
                    if fmt is not None:
                        self.ws.write_blank(r, c, None, fmt)
                    continue
                if v.__class__ is not str and _number(v) is not None:
                    self.ws.write_number(r, c, float(v), fmt)
                else:
                    self.ws.write_string(r, c, cell_text(v), fmt)
        return r

    def comment(self, row: int, col: int, text: str) -> None:
        self.ws.write_comment(row, col, cell_text(text, 2000), {"author": "sxcheck", "x_scale": 2.5, "y_scale": 2})

    def close(self) -> None:
        self.ws.autofilter(0, 0, max(self.row, 1), self.ncols - 1)
        for c, w in enumerate(self.widths):
            self.ws.set_column(c, c, max(w, 6))


def _number(v) -> str | None:
    """The XML text of a finite number (Python or numpy), or None for anything else."""
    import math
    import numbers

    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        return None
    if isinstance(v, numbers.Integral):
        return str(int(v))
    f = float(v)
    return repr(f) if math.isfinite(f) else None


_WS = " \t\n\r"
_XML_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _escape(text: str) -> str:
    return text.translate(_XML_ESC) if ("&" in text or "<" in text or ">" in text or "\r" in text) else text


class Book:
    """An XlsxWriter workbook in constant-memory mode with the formats every sheet uses."""

    def __init__(self, path: str, *, small: bool = False):
        import xlsxwriter

        # a small workbook (one unit's of --split-by) is assembled in memory: thousands of them
        # would otherwise spend most of their time creating and deleting temporary files
        mode = {"in_memory": True} if small else {"constant_memory": True}
        self.wb = xlsxwriter.Workbook(path, {**mode, "strings_to_formulas": False, "strings_to_urls": False,
                                             "strings_to_numbers": False, "nan_inf_to_errors": True})
        self.used: set[str] = set()
        self.texts: dict[str, tuple[str, str]] = {}   # repeated short values → (cell text, XML)
        self.bold = self.wb.add_format({"bold": True, "bg_color": "#F2F2F2", "bottom": 1})
        self.pct = self.wb.add_format({"num_format": "0.00%"})
        self.fill = {s: self.wb.add_format({"bg_color": c}) for s, c in FILL.items()}

    def sheet(self, title: str, header: list[str], **kw) -> Sheet:
        return Sheet(self, title, header, **kw)

    def close(self) -> None:
        self.wb.close()


# ---------------------------------------------------------------------------- the workbook
def write_xlsx(report, path: str, *, lang: str = "zh", min_rate: float | None = None,
               unit: str | None = None, unit_frame=None, rename: dict[str, str] | None = None) -> None:
    """Write the annotated workbook of ``report`` to ``path``.

    ``rename`` maps a source path to the name shown instead (as in :func:`json_report.write_json`).

    ``unit`` restricts it to one unit's rows and findings (``unit_frame``: the findings frame with
    a ``_unit`` column, see :func:`write_split`).
    """
    from validators.report.marked import marked_rows

    book = Book(path, small=unit is not None)
    try:
        df = report.frame() if unit_frame is None else unit_frame
        marked = marked_rows(report)
        # messages of the findings on kept rows, rendered once for both sheets (bounded by the
        # MarkedRows limit)
        notes: dict[tuple, list] = {}
        if marked is not None:
            for tr in marked.tables.values():
                kept = tr.frame()
                if kept is None:
                    continue
                rows = kept["_row"]
                if unit is not None:
                    rows = rows[tr.kept_units() == marked.unit_code(unit)]
                for r in rows.tolist():
                    notes[(tr.source, tr.sheet or "", int(r))] = []
        _summary(book, report, lang, min_rate, df if unit is not None else None, unit)
        _findings(book, report, df, lang, notes, rename)
        _rules(book, report, df, lang)
        if unit is None:
            stats = report.stats(lang)
            _elements(book, stats, lang)
            _units(book, stats, lang)
            _conformity(book, report, lang, min_rate)
        if marked is not None:
            for tr in marked.tables.values():
                _marked_sheet(book, df, tr, marked, lang, unit, notes, rename)
    finally:
        book.close()


def write_split(report, folder: str, *, lang: str = "zh", min_rate: float | None = None) -> list[str]:
    """One workbook per unit (the MarkedRows unit column, 实施主体 by default) in ``folder``, each
    holding only that unit's rows and findings, plus 汇总.xlsx with everything.  Returns paths."""
    import pandas as pd

    from validators.report.marked import marked_rows

    marked = marked_rows(report)
    if marked is None:
        raise ValueError("split workbooks need the MarkedRows observer on the scan")
    os.makedirs(folder, exist_ok=True)
    df = report.frame()
    parts = [pd.DataFrame({"source": tr.source, "sheet": tr.sheet if tr.sheet is not None else "",
                           "_r": pd.Series(sorted(idx), dtype="int64"),
                           "_unit": [idx[r] for r in sorted(idx)]})
             for tr in marked.tables.values() for idx in [tr.unit_index()] if idx]
    keyed = df.assign(_sheet=df["sheet"].fillna(""), _r=pd.to_numeric(df["row"], errors="coerce"))
    if parts:
        units = pd.concat(parts, ignore_index=True).rename(columns={"sheet": "_sheet"})
        keyed = keyed.merge(units, how="left", on=["source", "_sheet", "_r"], sort=False)
    else:
        keyed["_unit"] = pd.NA
    paths = []
    whole = os.path.join(folder, _t(lang, "汇总.xlsx", "all.xlsx"))
    write_xlsx(report, whole, lang=lang, min_rate=min_rate)
    paths.append(whole)
    used: set[str] = {os.path.basename(whole).lower()}
    for code, part in keyed[keyed["_unit"].notna()].groupby("_unit", sort=True):
        name = marked.units[int(code)]
        fname = _file_name(name, used)
        out = os.path.join(folder, fname)
        write_xlsx(report, out, lang=lang, min_rate=min_rate, unit=name,
                   unit_frame=part.drop(columns=["_sheet", "_r", "_unit"]).reset_index(drop=True))
        paths.append(out)
    return paths


def _file_name(unit: str, used: set[str]) -> str:
    """A safe file name for a unit's workbook (no path separators, controls or leading dots)."""
    text = "".join("_" if (c in '<>:"/\\|?*' or ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF) else c
                   for c in unit).strip(" .") or "unit"
    text = text[:80]
    name, n = f"{text}.xlsx", 1
    while name.lower() in used:
        n += 1
        name = f"{text}_{n}.xlsx"
    used.add(name.lower())
    return name


def _summary(book: Book, report, lang: str, min_rate, unit_df, unit) -> None:
    ws = book.sheet(_t(lang, "汇总", "Summary"), [_t(lang, "项目", "item"), _t(lang, "值", "value"),
                                                 _t(lang, "分子", "numerator"), _t(lang, "分母", "denominator")])
    if unit is not None:
        c = unit_df["severity"].value_counts()
        ws.append([_t(lang, "单位", "unit"), unit])
        ws.append([_t(lang, "结论", "result"),
                   _t(lang, "未通过", "FAIL") if c.get("error", 0) else _t(lang, "通过", "PASS")])
        for sev in ("error", "warning", "info"):
            ws.append([level(sev, lang), int(c.get(sev, 0))])
        ws.append([_t(lang, "发现总数", "findings"), int(len(unit_df))])
        ws.close()
        return
    s = report.summary()
    for key, (zh, en) in SUMMARY_KEYS.items():
        if key not in s:
            continue
        v = s[key]
        if key == "valid":
            ws.append([zh if lang != "en" else en, _t(lang, "通过", "PASS") if v else _t(lang, "未通过", "FAIL")])
        elif key == "rows_clean_rate":
            ws.append([_t(lang, zh, en), v, s["rows_checked"] - s["rows_with_errors"], s["rows_checked"]],
                      {1: book.pct})
        else:
            ws.append([_t(lang, zh, en), v])
    rates = report.extra.get("rates") or {}
    for key, (zh, en) in RATE_NAMES.items():
        r = report.extra.get("coverage") if key == "coverage" else rates.get(key)
        if isinstance(r, dict) and "numerator" in r:
            ws.append([_t(lang, zh, en), r.get("rate"), r["numerator"], r["denominator"]], {1: book.pct})
    if rates.get("gate"):
        gate = rates["gate"]
        ws.append([_t(lang, "门禁指标", "gate index"), _t(lang, *RATE_NAMES[gate]) if gate in RATE_NAMES else gate])
        decided = report.extra.get("gate")      # the CLI's --min-rate gate, recorded in the report
        if isinstance(decided, dict) and decided.get("min_rate") is not None:
            min_rate, ok = decided["min_rate"], bool(decided.get("passed"))
        elif min_rate is not None:
            rate = rates[gate]["rate"]
            ok = rate is None or rate >= min_rate
        if min_rate is not None:
            ws.append([_t(lang, "门禁阈值", "gate threshold"), float(min_rate)], {1: book.pct})
            ws.append([_t(lang, "门禁结果", "gate result"), _t(lang, "通过", "PASS") if ok else _t(lang, "未通过", "FAIL")])
    ws.close()


def _findings(book: Book, report, df, lang: str, notes: dict, rename: dict | None = None) -> None:
    header = [_t(lang, "文件", "file"), _t(lang, "工作表", "sheet"), _t(lang, "行", "row"),
              _t(lang, "要素", "element"), _t(lang, "事项", "item"), _t(lang, "级别", "level"),
              _t(lang, "规则", "rule"), _t(lang, "当前值", "value"), _t(lang, "说明", "message"),
              _t(lang, "修改建议", "fix")]
    ws = book.sheet(_t(lang, "问题清单", "Findings"), header, freeze_cols=0)
    for f in report.iter_findings(lang, limit=EXCEL_MAX_ROWS - 1, frame=df):
        src = f["source"]
        if rename:
            f = _renamed(f, rename)
        if f["row"] is not None and notes:
            kept = notes.get((src, f["sheet"] or "", f["row"]))
            if kept is not None:
                kept.append((f["field"], f["severity"], f["message"], f["hint"]))
        ws.append([f["source"] and os.path.basename(f["source"]), f["sheet"], f["row"], label(f["field"], lang), f["item"],
                   level(f["severity"], lang), f["code"], f["value"], f["message"], f["hint"]],
                  {5: book.fill[f["severity"]]})
    if len(df) > EXCEL_MAX_ROWS - 1:
        ws.append(["…", None, None, None, None, None, None, None,
                   _t(lang, f"另有 {len(df) - EXCEL_MAX_ROWS + 1:,} 条超出 Excel 行数上限，请用 --format json 查看全部",
                      f"{len(df) - EXCEL_MAX_ROWS + 1:,} more exceed Excel's row limit; use --format json")])
    ws.close()


def _rules(book: Book, report, df, lang: str) -> None:
    ws = book.sheet(_t(lang, "规则统计", "Rules"),
                    [_t(lang, "规则", "rule"), _t(lang, "级别", "level"), _t(lang, "名称", "title"),
                     _t(lang, "发现数", "findings"), _t(lang, "涉及行", "rows"), _t(lang, "行合格率", "row pass rate"),
                     _t(lang, "修改建议", "fix")])
    checked = report.rows_checked
    groups = []
    for code, g in df.groupby("code", sort=True):
        rows = len(g[g["row"].notna()][["source", "sheet", "row"]].drop_duplicates())
        groups.append((code, g["severity"].iloc[0], len(g), rows))
    for code, sev, n, rows in sorted(groups, key=lambda t: (-Severity(t[1]).rank, -t[2], t[0])):
        t = rule_text(code, lang)
        rate = (checked - rows) / checked if checked else 1.0
        ws.append([code, level(sev, lang), t["title"], n, rows, rate, t.get("hint", "")], {5: book.pct})
    ws.close()


def _elements(book: Book, stats: dict, lang: str) -> None:
    ws = book.sheet(_t(lang, "要素合格率", "Elements"),
                    [_t(lang, "要素", "element"), _t(lang, "代码", "name"), _t(lang, "不合格行", "rows failed"),
                     _t(lang, "合格率", "pass rate")])
    for f, v in sorted(stats["per_element"].items(), key=lambda kv: (kv[1]["pass_rate"], kv[0])):
        ws.append([label(f, "zh") if lang != "en" else f, f, v["rows_failed"], v["pass_rate"]], {3: book.pct})
    ws.close()


def _units(book: Book, stats: dict, lang: str) -> None:
    ws = book.sheet(_t(lang, "实施主体", "Units"),
                    [_t(lang, "实施主体", "implementing body"), _t(lang, "行数", "rows"),
                     _t(lang, "有错误的行", "rows with errors"), _t(lang, "无错误行占比", "rows without errors")])
    for u, v in stats.get("per_unit", {}).items():
        ws.append([u, v["rows"], v["rows_with_errors"], v["clean_rate"]], {3: book.pct})
    ws.close()


def _conformity(book: Book, report, lang: str, min_rate) -> None:
    rates = report.extra.get("rates")
    if not isinstance(rates, dict):
        return
    ws = book.sheet(_t(lang, "符合率", "Conformity"),
                    [_t(lang, "指标", "index"), _t(lang, "分组", "group"), _t(lang, "名称", "name"),
                     _t(lang, "分子", "numerator"), _t(lang, "分母", "denominator"), _t(lang, "比率", "rate")])
    groups = (("per_body", ("实施主体", "body")), ("per_type", ("事项类型", "item type")),
              ("per_group", ("依申请/依职权", "applied/by authority")))
    for key in ("catalog_conformity", "task_conformity"):
        r = rates.get(key)
        if not isinstance(r, dict):
            continue
        name = _t(lang, *RATE_NAMES[key])
        ws.append([name, _t(lang, "全部", "all"), None, r["numerator"], r["denominator"], r["rate"]], {5: book.pct})
        for g, (zh, en) in groups:
            for k, v in (r.get(g) or {}).items():
                ws.append([name, _t(lang, zh, en), v.get("label") or k, v["numerator"], v["denominator"], v["rate"]],
                          {5: book.pct})
    cov = report.extra.get("coverage")
    if isinstance(cov, dict) and "numerator" in cov:
        name = _t(lang, *RATE_NAMES["coverage"])
        ws.append([name, _t(lang, "全部", "all"), cov.get("level"), cov["numerator"], cov["denominator"],
                   cov.get("rate")], {5: book.pct})
        for k, v in (cov.get("per_dept") or {}).items():
            ws.append([name, _t(lang, "中央业务指导部门", "central department"), k, v["numerator"],
                       v["denominator"], v["rate"]], {5: book.pct})
    ws.close()


def _marked_sheet(book: Book, df, tr, marked, lang: str, unit, notes: dict, rename: dict | None = None) -> None:
    """The rows of one table that have findings, offending cells coloured and commented."""
    kept = tr.frame()
    if kept is None:
        return
    if unit is not None:
        kept = kept[tr.kept_units() == marked.unit_code(unit)]
        if not len(kept):
            return
    sheet_key = tr.sheet or ""
    columns = [c for c in tr.columns if c in kept.columns]
    shown = (rename or {}).get(tr.source, tr.source)
    name = os.path.splitext(os.path.basename(shown))[0] + (f"-{tr.sheet}" if tr.sheet else "")
    ws = book.sheet(_t(lang, "标注-", "marked-") + name,
                    [_t(lang, "原行号", "row")] + [tr.columns[c] for c in columns] + [_t(lang, "问题", "problems")],
                    freeze_cols=1)
    col_of = {c: i + 1 for i, c in enumerate(columns)}
    extra_col = len(columns) + 1
    hint_word = _t(lang, "修改建议：", "Fix: ")
    values_by_col = [kept[c].to_numpy(dtype=object, na_value=None) for c in ["_row"] + columns]
    records = zip(*values_by_col, strict=True) if len(kept) else iter(())
    for rec in records:
        if ws.full:
            break
        row = int(rec[0])
        found = notes.get((tr.source, sheet_key, row))
        if not found:
            continue
        worst: dict[int, list] = {}
        for fld, sev, message, hint in found:
            col = col_of.get(fld, extra_col)
            entry = worst.setdefault(col, [sev, []])
            if Severity(sev).rank > Severity(entry[0]).rank:
                entry[0] = sev
            entry[1].append(message + (f"\n{hint_word}{hint}" if hint else ""))
        values = [row] + [v if v.__class__ is str else None if _missing(v) else v for v in rec[1:]] \
            + ["\n".join(f[2] for f in found)]
        r = ws.append(values, {col: book.fill[sev] for col, (sev, _) in worst.items()})
        for col, (_sev, texts) in worst.items():
            ws.comment(r, col, "\n\n".join(texts))
    dropped = tr.dropped if unit is None else 0
    if dropped:
        ws.append([None, _t(lang, f"另有 {dropped:,} 行有问题的行未在此标注（上限 {marked.max_rows:,} 行），见“问题清单”",
                            f"{dropped:,} more rows with findings are not marked here (limit {marked.max_rows:,}); "
                            "see Findings")])
    ws.close()


def _missing(v) -> bool:
    from validators.report.findings import is_missing

    return is_missing(v)

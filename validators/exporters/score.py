"""Exporters of ``sxcheck score``: terminal ranking, JSON, CSV and XLSX.

JSON follows the contract of the score command: ``{"tool", "summary", "units": [{"unit", "rows",
"rank", "tier", "score", "indices": {NAME: {"numerator", "denominator", "rate"}}}], "weights",
"cutoffs"}``; ``rate`` is exactly ``numerator / denominator`` of the printed numbers.  CSV and
XLSX carry the same figures, one line per unit, with every text cell neutralised (no formula from
a unit name).  HTML is :mod:`validators.exporters.html`.
"""
from __future__ import annotations

import json
from typing import TextIO

from validators.exporters.safety import cell_text, terminal_text
from validators.scoring.indices import index_label


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def write_json(result, fh: TextIO, *, lang: str = "zh") -> None:
    json.dump(result.to_dict(lang), fh, ensure_ascii=False, indent=1)
    fh.write("\n")


def _header(result, lang: str) -> list[str]:
    head = [_t(lang, "排名", "rank"), result.key.title(lang), _t(lang, "等级", "tier"),
            _t(lang, "综合得分", "score"), _t(lang, "事项数", "guides")]
    for name in _index_names(result):
        lbl = index_label(name, lang)
        head += [f"{lbl}{_t(lang, '·分子', ' numerator')}", f"{lbl}{_t(lang, '·分母', ' denominator')}",
                 f"{lbl}{_t(lang, '·比率', ' rate')}"]
    return head + [label for _code, label in revoked_columns(result, lang)]


def revoked_columns(result, lang: str) -> list[tuple[str, str]]:
    """(rule code, column label) of the revoked-check counts, when that check ran."""
    from validators.scoring.run import REVOKED_CODES

    if not result.units or "revoked" not in result.units[0].extra:
        return []
    return [(str(code), _t(lang, *names)) for code, names in REVOKED_CODES.items()]


def _index_names(result) -> list[str]:
    names: list[str] = []
    for u in result.units:
        for k in u.indices:
            if k not in names:
                names.append(k)
    return names


def _rows(result, lang: str):
    names = _index_names(result)
    for u in result.units:
        row = [u.rank, u.unit, u.tier_en if lang == "en" else u.tier, u.score, u.rows]
        for n in names:
            f = u.indices.get(n)
            row += [f["numerator"], f["denominator"], f["rate"]] if f else [None, None, None]
        row += [u.extra["revoked"][code] for code, _label in revoked_columns(result, lang)]
        yield row


def write_csv(result, fh: TextIO, *, lang: str = "zh") -> None:
    """UTF-8 CSV (the caller opens the file with ``utf-8-sig`` so Excel reads it); text cells that
    could start a formula get the ``'`` prefix OWASP recommends."""
    import csv

    w = csv.writer(fh, lineterminator="\r\n")
    w.writerow([cell_text(h) for h in _header(result, lang)])
    for row in _rows(result, lang):
        w.writerow(["" if v is None else v if isinstance(v, (int, float)) else cell_text(v) for v in row])


def write_xlsx(result, path: str, *, lang: str = "zh") -> None:
    from validators.exporters.xlsx import Book

    book = Book(path)
    try:
        head = _header(result, lang)
        ws = book.sheet(_t(lang, "排名", "Ranking"), head, freeze_cols=2)
        n_idx = 3 * len(_index_names(result))
        rate_cols = {i: book.pct for i in range(5, 5 + n_idx) if (i - 5) % 3 == 2}
        for row in _rows(result, lang):
            ws.append(row, rate_cols)
        ws.close()
        s = result.summary(lang)
        ws = book.sheet(_t(lang, "汇总", "Summary"), [_t(lang, "指标", "index"), _t(lang, "分子", "numerator"),
                                                     _t(lang, "分母", "denominator"), _t(lang, "比率", "rate"),
                                                     _t(lang, "权重", "weight")])
        for name, f in s["overall"].items():
            ws.append([index_label(name, lang), f["numerator"], f["denominator"], f["rate"],
                       result.weights.indices.get(name, 0)], {3: book.pct})
        ws.close()
        ws = book.sheet(_t(lang, "等级", "Tiers"), [_t(lang, "等级", "tier"), _t(lang, "最低分", "minimum"),
                                                   _t(lang, "单位数", "units")])
        counts = s["tiers"]
        key = "tier_en" if lang == "en" else "tier"
        for c in result.weights.cutoffs:
            name = c.get(key) or c["tier"]
            ws.append([name, c["min"], counts.get(name, 0)])
        low = result.weights.lowest.get(key) or result.weights.lowest["tier"]
        ws.append([low, None, counts.get(low, 0)])
        ws.close()
    finally:
        book.close()


def print_score(result, *, lang: str = "zh", file=None) -> None:
    """The ranking on a terminal: every index with its fraction on a wide one; on a narrow one the
    rates only (below 100 columns: score and 办事指南准确度 only; JSON/CSV hold every figure)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=file, highlight=False, width=None if file is None else 160)
    width = console.width
    s = result.summary(lang)
    title = _t(lang, f"sxcheck score · 按{s['by']} · {s['units']} 个单位 · {s['rows']:,} 个事项",
               f"sxcheck score · by {s['by']} · {s['units']} units · {s['rows']:,} items")
    t = Table(title=title, title_justify="left")
    t.add_column(_t(lang, "排名", "rank"), justify="right", no_wrap=True)
    t.add_column(result.key.title(lang), overflow="fold", min_width=8)
    t.add_column(_t(lang, "等级", "tier"), no_wrap=True)
    t.add_column(_t(lang, "得分", "score"), justify="right", no_wrap=True)
    names = _index_names(result)
    if width < 100:
        names = [n for n in names if n == "guide_accuracy"]
    fractions = width >= 140
    for n in names:
        t.add_column(index_label(n, lang), justify="right", no_wrap=not fractions)
    extra = revoked_columns(result, lang) if width >= 100 else []
    for _code, lbl in extra:
        t.add_column(lbl, justify="right")
    for u in result.units:
        cells = ["-" if u.rank is None else str(u.rank), escape(terminal_text(u.unit)),
                 (u.tier_en if lang == "en" else u.tier) or "-", "-" if u.score is None else f"{u.score:.2f}"]
        for n in names:
            f = u.indices.get(n)
            if not f or f["rate"] is None:
                cells.append("-")
            else:
                frac = f" ({_fmt(f['numerator'])}/{_fmt(f['denominator'])})" if fractions else ""
                cells.append(f"{f['rate']:.1%}{frac}")
        cells += [str(u.extra["revoked"][code]) for code, _lbl in extra]
        t.add_row(*cells)
    console.print(t)
    tiers = "  ".join(f"{k} {v}" for k, v in s["tiers"].items())
    console.print(_t(lang, f"等级分布：{tiers}", f"Tiers: {tiers}"))
    overall = "  ".join(f"{index_label(k, lang)} {f['rate']:.2%} ({_fmt(f['numerator'])}/{_fmt(f['denominator'])})"
                        for k, f in s["overall"].items() if f["rate"] is not None)
    console.print(_t(lang, f"总体：{overall}", f"Overall: {overall}"))
    if not fractions:
        console.print(_t(lang, "（终端较窄：分子/分母见 --format json 或 csv）",
                         "(narrow terminal: numerators and denominators in --format json or csv)"))


def _fmt(x) -> str:
    return f"{x:,}" if isinstance(x, int) else f"{x:,.2f}"

"""Which rows are blank (``row-blank``: counted, never checked as a guide) on the labelled corpus
``tests/corpus/blank_rows.csv``: rows as exports really leave them (empty cells, typed spaces,
full-width and no-break spaces, tabs and line breaks pasted from web pages and Word) labelled
``blank``, and rows that hold something, however little (a placeholder, a zero, a name behind
full-width spaces), labelled ``row``.  The rule is exact, so both precision and recall must be 1,
through the shared rule and end to end in every reader."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

CORPUS = Path(__file__).resolve().parent / "corpus" / "blank_rows.csv"
COLUMNS = ["事项名称", "实施编码", "办理时间"]


def corpus() -> list[dict]:
    with open(CORPUS, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["cells"] = json.loads(r["cells"])
    return rows


def test_the_corpus_holds_both_labels_in_several_forms():
    rows = corpus()
    assert {r["label"] for r in rows} == {"blank", "row"}
    assert sum(r["label"] == "blank" for r in rows) >= 8 and sum(r["label"] == "row" for r in rows) >= 6


def test_the_shared_rule_finds_exactly_the_blank_rows():
    from validators.core.ahead import blank_rows

    rows = corpus()
    chunk = pd.DataFrame({c: pd.Series([r["cells"][i] or None for r in rows], dtype="str")
                          for i, c in enumerate(["item_name", "task_code", "handling_hours"])})
    chunk["_row"] = range(2, 2 + len(rows))
    got = blank_rows(chunk).tolist()
    wrong = [r["form"] for r, g in zip(rows, got, strict=True) if g != (r["label"] == "blank")]
    assert wrong == []


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_every_reader_reports_exactly_the_blank_rows(tmp_path, kind):
    import openpyxl

    from validators import validate

    rows = corpus()
    path = tmp_path / f"guides.{kind}"
    if kind == "csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            w.writerows(r["cells"] for r in rows)
    elif kind == "xlsx":
        wb = openpyxl.Workbook()
        wb.active.append(COLUMNS)
        for r in rows:
            wb.active.append([v or None for v in r["cells"]])
        wb.save(path)
    else:
        path.write_text(json.dumps([dict(zip(COLUMNS, r["cells"], strict=True)) for r in rows],
                                   ensure_ascii=False), encoding="utf-8")
    first = 1 if kind == "json" else 2        # a JSON row is the record's number, a sheet's its line
    want = {first + i for i, r in enumerate(rows) if r["label"] == "blank"}
    report = validate(str(path))
    got = {f.row for f in report.findings() if f.code == "row-blank"}
    assert got == want
    assert report.summary()["rows"] == len(rows) and report.summary()["rows_blank"] == len(want)

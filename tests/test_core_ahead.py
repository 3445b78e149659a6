"""Views computed ahead by the reader thread (validators.core.ahead) are the views the checks
would compute themselves: the same findings, the coding scheme respected, blank rows handled."""
from __future__ import annotations

import pandas as pd

from validators.core import profiles
from validators.core.ahead import Ahead, prepared_rows
from validators.core.rows import Rows
from validators.pipeline import CHECKS, TableContext
from validators.read import open_tables

DEFECTS = "catalogs/sample_guides_gbk.csv"   # the planted defects, GBK


def first_chunk(path: str = DEFECTS):
    table = open_tables(path)[0]
    return table, next(iter(table._chunker(table)))


def hits(rows: Rows, table) -> pd.DataFrame:
    ctx = TableContext(table)
    frames = [f for check in CHECKS for f in check(rows, ctx) if f is not None]
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["_pos", "code", "field"], kind="stable").reset_index(drop=True)


def run_ahead(ahead: Ahead, chunk) -> Rows:
    prepared, steps = ahead(chunk)
    for commit in steps:
        commit()
    return prepared


def test_checks_find_the_same_on_rows_prepared_ahead():
    table, chunk = first_chunk()
    ahead = Ahead()
    learner = prepared_rows(None, chunk, None)
    expected = hits(learner, table)
    ahead.learn(learner)
    plan = ahead.learned[0]
    kinds = {method for method, _ in plan}
    assert kinds == {"present", "distinct", "matches"}       # what the checks asked for is learned
    prepared = run_ahead(ahead, chunk)
    # every learned view is in place before the checks run …
    assert set(prepared._present) == set(learner._present)
    assert set(prepared._matched) == set(learner._matched)
    assert prepared is prepared_rows(prepared, chunk, None)
    # … and the checks find exactly what they find computing the views themselves
    pd.testing.assert_frame_equal(hits(prepared, table), expected)


def test_code_views_ahead_read_the_tables_coding_scheme(tmp_path):
    # Guangdong's platform numbers 事项类型 its own way: its 20 is the national 10
    path = tmp_path / "gd.csv"
    pd.DataFrame({"事项名称": ["甲", "乙", "丙"], "事项类型": ["20", "21", " 20 "],
                  "实施编码": ["A", "B", "C"]}).to_csv(path, index=False, encoding="utf-8")
    table, chunk = first_chunk(str(path))
    guangdong = profiles.get("guangdong")
    learner = prepared_rows(None, chunk, guangdong)
    assert learner.code("item_type").tolist() == ["10", "20", "10"]
    ahead = Ahead()
    ahead.learn(learner)
    prepared = run_ahead(ahead, chunk)
    assert ("item_type", "code") in prepared._distinct
    assert prepared_rows(prepared, chunk, guangdong).code("item_type").tolist() == ["10", "20", "10"]


def test_rows_prepared_for_another_frame_are_not_used():
    table, chunk = first_chunk()
    ahead = Ahead()
    prepared = run_ahead(ahead, chunk)
    assert prepared._present                       # before learning: every column's presence
    trimmed = chunk.iloc[1:].reset_index(drop=True)   # blank rows dropped by the pipeline
    rows = prepared_rows(prepared, trimmed, None)
    assert rows is not prepared and rows.n == len(chunk) - 1 and not rows._present

"""Views computed ahead by the reader thread (validators.core.ahead) are the views the checks
would compute themselves: the same findings, the coding scheme respected, blank rows handled."""
from __future__ import annotations

import pandas as pd

from validators.core import profiles
from validators.core.ahead import Ahead, Prepared, prepared
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
    ready, steps = ahead(chunk)
    for commit in steps:
        commit()
    return ready.rows


def test_checks_find_the_same_on_rows_prepared_ahead():
    table, chunk = first_chunk()
    ahead = Ahead()
    learner = Rows(chunk)
    expected = hits(learner, table)
    ahead.learn(learner)
    plan = ahead.learned[0]
    kinds = {method for method, _ in plan}
    assert kinds == {"present", "distinct", "matches"}       # what the checks asked for is learned
    prepared = run_ahead(ahead, chunk)
    # every learned view is in place before the checks run …
    assert set(prepared._present) == set(learner._present)
    assert set(prepared._matched) == set(learner._matched)
    # … and the checks find exactly what they find computing the views themselves
    pd.testing.assert_frame_equal(hits(prepared, table), expected)


def test_code_views_ahead_read_the_tables_coding_scheme(tmp_path):
    # Guangdong's platform numbers 事项类型 its own way: its 20 is the national 10
    path = tmp_path / "gd.csv"
    pd.DataFrame({"事项名称": ["甲", "乙", "丙"], "事项类型": ["20", "21", " 20 "],
                  "实施编码": ["A", "B", "C"]}).to_csv(path, index=False, encoding="utf-8")
    table, chunk = first_chunk(str(path))
    guangdong = profiles.get("guangdong")
    learner = Rows(chunk, guangdong)
    assert learner.code("item_type").tolist() == ["10", "20", "10"]
    ahead = Ahead()
    ahead.learn(learner)
    prepared = run_ahead(ahead, chunk)
    assert ("item_type", "code") in prepared._distinct
    prepared.profile = guangdong       # as the pipeline sets the scheme it chose
    assert prepared.code("item_type").tolist() == ["10", "20", "10"]


def test_blank_rows_are_dropped_before_the_views_are_computed_ahead(tmp_path):
    # a line of commas, one of spaces and one of tabs between guides: blank rows, not guides
    # missing every element; the views computed ahead are those of the rows that are checked
    path = tmp_path / "blank.csv"
    path.write_text("事项名称,实施编码,办理时间\n甲,A,工作日\n,,\n乙,B,\n  ,\t, \n丙,C,全天\n", encoding="utf-8")
    table, chunk = first_chunk(str(path))
    ready, steps = Ahead()(chunk)
    for commit in steps:
        commit()
    assert ready.blank.tolist() == [3, 5]
    assert ready.rows.frame["item_name"].tolist() == ["甲", "乙", "丙"]
    assert ready.rows._present and all(len(v) == 3 for v in ready.rows._present.values())
    assert isinstance(ready, Prepared) and prepared(ready) is ready and ready.read == 5
    # when the reader thread could not prepare the chunk the consumer does the same
    own = prepared(chunk)
    assert own.blank.tolist() == [3, 5] and own.rows.frame["_row"].tolist() == [2, 4, 6]
    pd.testing.assert_frame_equal(own.rows.frame, chunk.iloc[[0, 2, 4]].reset_index(drop=True))
    clean = prepared(chunk.iloc[[0]].reset_index(drop=True))
    assert clean.blank is None and clean.rows.n == 1 and clean.read == 1

"""Rows' fast paths agree with the exact ones on edge values.

Elements whose values repeat are read on distinct values (dictionary-encoded, see
``schema.element_plans``), the others by whole-column kernels; both must give the same text,
presence, codes, lengths and numbers, and the element checks the same findings as jsonschema.
"""
import math
import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from validators.core import rows as rows_module
from validators.core.rows import (
    Rows,
    is_ascii,
    map_distinct,
    nfkc_arrow,
    normalised_record,
    trim_arrow,
)
from validators.core.schema import ElementPlan, element_plans, elements
from validators.report.findings import Hits, hits

EDGE = [None, "", " ", "\u3000", "\t", "\u3000无\u3000", "无", " 无", "－", "—", "——", "-", "/", "／", "\\",
        "N/A", "null", "NULL", "None", "空", "暂无", "待定", "略", " 1 ", "1", "１", "０１", "01", "02", "2",
        "20", "99", "是", "否", "是（收费）", "否。", "是否收费：否", "Yes", "2,3", "2，3", "1、9", "abc", "ABC",
        "aBc", "x" * 210, "汉" * 210, "行政许可", "行政许可类", "公共服务", "\u00a0x", "x\u2003", "①", "Ⅳ",
        "2024-01-01", "２０２４-０１-０１", "12a", "😀", "１２", " １２ ", "0", "00", "北京市", "国家级",
        "a\u3000b", "ＡＢＣ", "1,2,3,4,5,6", "窗口办理、网上办理", "法人,自然人", "㈠", "℃"]
SIMPLE = [v for v in EDGE if v is None or not any(c in v for c in "\u00a0\u2003")]  # Python strip == arrow trim


def _frame(values, seed=0, n=600, arrow=True):
    rnd = random.Random(seed)
    data = {c: [rnd.choice(values) for _ in range(n)] for c in elements()}
    data["item_type"] = [rnd.choice(["01", "02", "1", "行政许可", "20", None, "无", "99", "０２", " 05 "])
                         for _ in range(n)]
    if arrow:   # arrow-backed text in several chunks, as the CSV reader gives
        table = pa.table({c: pa.array(v, type=pa.string()) for c, v in data.items()})
        frame = pa.Table.from_batches(table.to_batches(max_chunksize=170)).to_pandas()
    else:
        frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()})
    frame["_row"] = np.arange(2, n + 2)
    return frame


def _plain(values):
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]


def _views(rows, col):
    out = {"text": _plain(rows.text(col).tolist()), "present": rows.present(col).tolist(),
           "code": _plain(rows.code(col).tolist()), "value": _plain(rows.value(col).tolist()),
           "length": rows.length(col).tolist(), "num": _plain(rows.num(col).tolist()),
           "over": rows.length_over(col, 3).tolist(), "text_arrow": rows.text_arrow(col).to_pylist(),
           "code_arrow": rows.code_arrow(col).to_pylist(),
           "dtypes": (str(rows.text(col).dtype), str(rows.code(col).dtype))}
    out["code_distinct"] = _expand(rows.distinct(col, "code"))
    out["text_distinct"] = _expand(rows.distinct(col, "text"))
    out["code_in"] = rows.code_in(col, "01", "1", "2,3", "ABC").tolist()
    return out


def _expand(dist):
    return [None if c < 0 else dist.values[c] for c in dist.codes.tolist()]


def _forced(monkeypatch, distinct: bool):
    plans = {n: ElementPlan(p.element, p.flag, distinct) for n, p in element_plans().items()}
    monkeypatch.setattr(rows_module, "element_plans", lambda: plans)


@pytest.mark.parametrize("arrow", [True, False], ids=["arrow", "object"])
def test_distinct_and_whole_column_paths_agree(monkeypatch, arrow):
    frame = _frame(EDGE, seed=1, arrow=arrow)
    _forced(monkeypatch, True)
    by_distinct = {c: _views(Rows(frame), c) for c in elements()}
    _forced(monkeypatch, False)
    by_column = {c: _views(Rows(frame), c) for c in elements()}
    for c in elements():
        assert by_distinct[c] == by_column[c], c
        v = by_column[c]
        assert v["text"] == v["text_arrow"] and v["code"] == v["code_arrow"] == v["code_distinct"]
        assert v["text"] == v["text_distinct"]
        assert v["present"] == [t is not None for t in v["text"]]
        assert v["code_in"] == [c in ("01", "1", "2,3", "ABC") for c in v["code"]]
        assert v["over"] == [n if n > 3 else 0 for n in v["length"]]


def test_rows_agree_with_normalised_record():
    frame = _frame(SIMPLE, seed=2, arrow=True)
    rows = Rows(frame)
    els = elements()
    for c, el in els.items():
        present, value = rows.present(c), rows.value(c).tolist()
        for i, raw in enumerate(frame[c].tolist()):
            rec = normalised_record({c: None if isinstance(raw, float) else raw})
            assert bool(present[i]) == (c in rec), (c, raw)
            if c in rec:
                expect = ",".join(rec[c]) if el.kind == "multi" else rec[c]
                assert value[i] == expect, (c, raw)


def test_missing_column_and_all_absent_column():
    frame = pd.DataFrame({"item_type": pd.Series(["无", " ", None], dtype="str"), "_row": [2, 3, 4]})
    rows = Rows(frame)
    assert rows.present("item_type").tolist() == [False] * 3
    assert rows.text("item_type").isna().all() and rows.code("item_type").isna().all()
    assert rows.present("item_name").tolist() == [False] * 3
    assert rows.text("item_name").isna().all() and rows.code("item_name") is rows.text("item_name")
    assert np.isnan(rows.num("legal_time_limit")).all()
    assert rows.length("item_name").tolist() == [0, 0, 0]


def test_flag_element_reads_wu_as_an_answer():
    frame = pd.DataFrame({"is_fee_charged": pd.Series(["无", " 无 ", "—", "是"], dtype="str"),
                          "item_name": pd.Series(["无", " 无 ", "—", "是"], dtype="str")})
    rows = Rows(frame)
    assert rows.present("is_fee_charged").tolist() == [True, True, False, True]
    assert rows.code("is_fee_charged").tolist()[:2] == ["0", "0"]
    assert rows.present("item_name").tolist() == [False, False, False, True]


def test_map_values_equals_map_distinct():
    frame = _frame(EDGE, seed=3)
    rows = Rows(frame)
    fn = lambda v: v[:1] + str(len(v))
    for c in ("item_type", "item_name", "exercise_levels", "handling_location", "legal_time_limit"):
        for out in ("object", "str", "bool"):
            f = (lambda v: v.isdigit()) if out == "bool" else fn
            got = rows.map_values(c, f, out=out)
            want = map_distinct(rows.text(c), f, out=out)
            assert str(got.dtype) == str(want.dtype)
            assert _plain(got.tolist()) == _plain(want.tolist()), (c, out)
        want = map_distinct(rows.code(c), fn)
        assert rows.map_values(c, fn, view="code").tolist() == want.tolist()


def test_is_ascii_reads_only_the_bytes_in_use():
    arr = pa.array(["汉字", "ab", "cd", "é"])
    assert not is_ascii(arr)
    assert is_ascii(arr.slice(1, 2))            # the shared buffer holds non-ASCII outside the slice
    assert is_ascii(pa.chunked_array([["a"], [None, "b"]]))
    assert not is_ascii(pa.chunked_array([["a"], ["\u3000"]]))
    assert is_ascii(pa.array([None, None], type=pa.large_string()))
    assert nfkc_arrow(pa.chunked_array([["ab"], ["１"]])).to_pylist() == ["ab", "1"]


def _rows_of(frame):
    return [tuple(None if isinstance(x, float) and math.isnan(x) else x for x in r)
            for r in frame[["_pos", "code", "field", "value", "params"]].itertuples(index=False)]


def test_hits_collector_equals_one_frame_per_rule():
    frame = _frame(EDGE, seed=4)
    obj = _frame(EDGE, seed=4, arrow=False)
    n = len(frame)
    rnd = np.random.default_rng(0)
    masks = [rnd.random(n) < p for p in (0.0, 0.02, 0.5, 1.0)]
    lengths = rnd.integers(0, 500, n)
    calls = [
        (masks[1], "element-missing", "item_name", None, {"family": "行政许可"}),
        (masks[0], "element-missing", "item_type", None, None),            # nothing hit
        (masks[2], "element-too-long", "legal_basis", None, {"max": 5, "length": lengths}),
        (pd.Series(masks[3]), "element-wrong-type", "legal_time_limit", None, {"kind": "integer"}),
        (masks[1], "element-not-in-codelist", "exercise_levels",
         pd.Series(["x" * 300] * n, dtype="str"), {"codelist": "exercise_levels"}),
        (masks[2], "element-not-in-codelist", "service_targets", np.array(["a", None] * (n // 2), dtype=object),
         {"codelist": "service_targets", "text": frame["item_name"]}),
        (masks[1], "element-missing", None, "scalar", pd.Series([{"k": i} for i in range(n)])),
    ]
    for chunk in (frame, obj):
        collected = Hits(chunk)
        separate = []
        for mask, code, field, value, params in calls:
            collected.add(mask, code, field, value=value, params=params)
            separate.append(hits(chunk, mask, code, field, value=value, params=params))
        one = collected.frame()
        many = pd.concat([f for f in separate if f is not None], ignore_index=True)
        assert _rows_of(one) == _rows_of(many)
        assert one["value"].map(lambda v: v is None or len(v) <= 200).all()
    assert Hits(frame).frame() is None
    assert hits(frame, masks[0], "element-missing", "item_name") is None


def test_element_checks_equal_jsonschema_on_edge_values():
    from validators.checks.elements import check_elements
    from validators.checks.jsonschema_path import record_findings, validator
    from validators.pipeline import TableContext

    frame = _frame(SIMPLE, seed=5, n=400)
    found = pd.concat([f for f in check_elements(Rows(frame), TableContext(table=None)) if f is not None])
    fast = {(int(p), str(c), str(f)) for p, c, f in zip(found["_pos"], found["code"], found["field"], strict=True)}
    v = validator()
    normative = set()
    for pos, rec in enumerate(frame.drop(columns=["_row"]).to_dict("records")):
        rec = {k: val for k, val in rec.items() if isinstance(val, str)}
        normative |= {(pos, code, field) for code, field in record_findings(rec, v)}
    els = elements()   # the fast path reports a long single-valued code as outside its list only
    normative = {(p, c, f) for p, c, f in normative
                 if not (c == "element-too-long" and els[f].codes and els[f].kind != "multi")}
    assert fast == normative


@pytest.mark.parametrize("wide_share", [0.01, 0.5])
def test_nfkc_arrow_equals_unicodedata(wide_share):
    import unicodedata

    rnd = random.Random(7)
    wide = ["１２", "℃", "Ⅳ", "汉字", "ＡＢＣ", "a\u3000b", "①", "㈠", "\u00a0x", "é"]
    vals = [rnd.choice(wide) if rnd.random() < wide_share else rnd.choice(["ab", "12", None, ""])
            for _ in range(400)]
    got = nfkc_arrow(pa.chunked_array([vals[:150], vals[150:]])).to_pylist()
    assert got == [None if v is None else unicodedata.normalize("NFKC", v) for v in vals]


# every code point Arrow's utf8_trim_whitespace strips, and look-alikes sharing their first bytes
_BLANKS = [chr(c) for c in (0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680,
                            *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000)]
_NEAR = list("。，、」「“”…—·中a1") + ["\u2026", "\u200b", "\u3001", "\u9a80", "\u00e9", "\u00c2", "\u1681"]


@pytest.mark.parametrize("large", [False, True])
def test_trim_arrow_equals_arrow_trim(large):
    rnd = random.Random(5)
    values = []
    for _ in range(20_000):
        if rnd.random() < 0.05:
            values.append(None)
            continue
        values.append("".join(rnd.choice(_BLANKS if rnd.random() < 0.1 else _NEAR)
                              for _ in range(rnd.randint(0, 5))))
    arr = pa.array(values, pa.large_string() if large else pa.string())
    for part in (arr, arr.slice(7, 1000), arr.slice(15_000), pa.chunked_array([arr.slice(0, 10), arr.slice(10)])):
        got = trim_arrow(part)
        assert got.type == part.type
        assert got.to_pylist() == pa.compute.utf8_trim_whitespace(part).to_pylist()
    assert set(trim_arrow(pa.array(_BLANKS)).to_pylist()) == {""}


def test_the_c_trim_test_knows_arrows_whitespace_exactly():
    """``_may_need_trim`` (the C walk of ``_textedges.c``) says a column needs trimming exactly
    when arrow's trim changes it: every code point arrow trims is in its list (so a new arrow
    with more whitespace fails here), at either end, in str and large_str arrays, slices and
    chunked arrays, next to look-alikes that share lead and continuation bytes."""
    pytest.importorskip("validators.core._textedges")
    from validators.core.rows import _may_need_trim

    trimmed = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF
               and pa.compute.utf8_trim_whitespace(pa.array([f"x{chr(c)}"])).to_pylist() != [f"x{chr(c)}"]]
    assert trimmed == sorted(map(ord, _BLANKS))
    near = _NEAR + ["\u0080", "\u00a1", "\u0100", "\u2081", "\u205e", "\u3080", "\u200c", "😀", "é\r"]
    rnd = random.Random(11)
    for _ in range(4000):
        values = ["".join(rnd.choice(_BLANKS if rnd.random() < 0.03 else near) for _ in range(rnd.randint(0, 4)))
                  for _ in range(rnd.randint(1, 6))]
        values = [None if rnd.random() < 0.1 else v for v in values]
        for kind in (pa.string(), pa.large_string()):
            arr = pa.array(values, kind)
            for part in (arr, arr.slice(1), arr.slice(0, len(arr) - 1),
                         pa.chunked_array([arr.slice(0, 1), arr.slice(1)], type=kind)):
                changed = pa.compute.utf8_trim_whitespace(part).to_pylist() != part.to_pylist()
                assert _may_need_trim(part) == changed, values
    for blank in _BLANKS:
        for text in (blank + "中文", "中文" + blank, blank):
            assert _may_need_trim(pa.array(["中文。"] * 5 + [text]))


def test_trim_arrow_leaves_a_clean_column_uncopied():
    arr = pa.array(["中文。", "“引号”", "—", "a…", None, ""] * 100, pa.large_string())
    assert trim_arrow(arr) is arr
    one = pa.array(["中文。"] * 99 + ["\u3000中文"], pa.large_string())
    assert trim_arrow(one).to_pylist() == ["中文。"] * 99 + ["中文"]


def test_map_pairs_on_arrow_and_object_series():
    from validators.core.rows import map_pairs

    frame = _frame(EDGE, seed=8)
    obj = _frame(EDGE, seed=8, arrow=False)
    rows, rows_obj = Rows(frame), Rows(obj)
    fn = lambda a, b: (a or "") < (b or "")
    got = map_pairs(rows.text("item_name"), rows.text("legal_basis"), fn)
    want = [fn(a, b) for a, b in zip(_plain(rows.text("item_name").tolist()),
                                     _plain(rows.text("legal_basis").tolist()), strict=True)]
    assert got.tolist() == want
    assert map_pairs(obj["item_name"], obj["legal_basis"], fn).tolist() == \
        [fn(a, b) for a, b in zip(obj["item_name"], obj["legal_basis"], strict=True)]
    assert _plain(rows_obj.text("item_name").tolist()) == _plain(rows.text("item_name").tolist())


def test_the_c_nfkc_marks_are_the_patterns_matches():
    """``_nfkc_marks`` (C) marks exactly the values RE2 finds ``_NFKC_NEEDED`` in: every code point
    from U+0080 up, alone and inside text, and random mixes with nulls, slices and both offset
    widths — so NFKC still touches only the values it did."""
    pytest.importorskip("validators.core._textedges")
    from validators.core.rows import _NFKC_NEEDED, _nfkc_marks, _nfkc_pattern_marks

    points = [chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    arr = pa.array(points + [f"中{c}文" for c in points[::5]], pa.large_string())
    want = pa.compute.fill_null(pa.compute.match_substring_regex(arr, _NFKC_NEEDED), False)
    assert _nfkc_marks(arr).equals(want)
    pool = list("中文。，a1 ") + ["\u00a0", "\u3000", "１", "①", "㈠", "Ⅳ", "\ufe30", "\uffee", "\uffef", "\u2190",
                                  "\u218f", "\u2190x", "\u00a1", "é", "😀"]
    rnd = random.Random(5)
    for _ in range(2000):
        values = [None if rnd.random() < 0.15 else "".join(rnd.choice(pool) for _ in range(rnd.randint(0, 5)))
                  for _ in range(rnd.randint(2, 8))]
        for kind in (pa.string(), pa.large_string()):
            arr = pa.array(values, kind)
            for part in (arr, arr.slice(1), arr.slice(0, len(arr) - 1)):
                assert _nfkc_marks(part).equals(_nfkc_pattern_marks(part)), values

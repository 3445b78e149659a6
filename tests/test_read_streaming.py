"""Issue 15.3: the streaming JSON, JSONL and XLSX readers give what the whole-document reads gave.

Each streaming read is compared with the exact path it replaced (``jsonfile._open_loaded`` keeps
the whole-document read; for XLSX the reference is calamine's ``to_python`` with merged blocks
filled as before) on edge values: None/null, "", whitespace-only, full-width space, placeholders
无 / — /, numbers, booleans, nested lists, leading zeros, Chinese, keys first seen late, buffers cut
mid-value, chunks and slices smaller than the file.
"""
import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validators.read import frames as frames_mod
from validators.read import jsonfile
from validators.read.base import Table

REC = {"事项名称": "固定资产投资项目节能审查", "实施编码": "11450721MB155808114000104002000", "事项类型": "001",
       "实施主体": "灵山县行政审批局", "办理地点": "灵山县政务服务中心"}

EDGE_VALUES = [None, "", "   ", "\u3000", "无", "—", "/", "001", 0, 12, 1.0, 1.5, True, False,
               [{"lawName": "行政许可法", "termsNumber": "第十二条"}], ["a", None, 3], {"k": "v"}, [],
               "灵山县\u2028行政审批局", "全角　空格", "x" * 3000]


def _records():
    out = []
    for i, v in enumerate(EDGE_VALUES):
        rec = dict(REC)
        rec["承诺办结时限"] = v
        rec["办理地点"] = v if isinstance(v, str) else REC["办理地点"]
        if i % 5 == 0:
            del rec["事项名称"]
        if i == 7:
            rec["法定办结时限"] = "20个工作日"   # a key first seen late
        out.append(rec)
    return out


def _frames(table: Table) -> pd.DataFrame:
    return pd.concat(list(table.chunks()), ignore_index=True)


def outcome(fn):
    """What a read gives: the refusal (key, params), or columns, problems and rows (a refusal may
    come while the records are read: after the header of a plain array)."""
    from validators.read import InputError

    try:
        t = fn()
        chunks = list(t.chunks())
    except InputError as exc:
        return exc.key, exc.params
    return t.columns, t.problems, [c.to_dict("list") for c in chunks]


def _same_tables(got: Table, want: Table) -> None:
    assert got.columns == want.columns and got.unknown == want.unknown
    got_chunks, want_chunks = list(got.chunks()), list(want.chunks())
    assert [len(c) for c in got_chunks] == [len(c) for c in want_chunks]   # the first chunk picks the profile
    pd.testing.assert_frame_equal(pd.concat(got_chunks, ignore_index=True), pd.concat(want_chunks, ignore_index=True))
    assert got.problems == want.problems      # found while reading: complete once the chunks are read


def _loaded(path, lines, json_path=None):
    return jsonfile._open_loaded(str(path), str(path), "utf-8", lines, "guide", json_path)


def _streamed(path, lines, json_path=None):
    t = jsonfile.open_json(str(path), None, lines, json_path=json_path)
    assert "records" not in t.state, "the streaming read fell back to the whole document"
    return t


@pytest.fixture
def small_pieces(monkeypatch):
    """Read buffers of a few characters, slices of 3 rows and chunks of 7: every boundary is crossed."""
    monkeypatch.setattr(jsonfile, "_READ", 5)
    monkeypatch.setattr(jsonfile, "CHUNK_ROWS", 7)
    monkeypatch.setattr(frames_mod, "SLICE_ROWS", 3)


@pytest.mark.parametrize("indent", [None, 2])
def test_json_array_streams_what_the_whole_read_gives(tmp_path, small_pieces, indent):
    path = tmp_path / "a.json"
    recs = _records() * 3 + ["not an object", 5]
    text = json.dumps(recs, ensure_ascii=False, indent=indent)
    text = text.replace('"实施主体": "灵山县行政审批局"', '"实施主体": "甲", "实施主体": "灵山县行政审批局"', 1)
    path.write_text(text, encoding="utf-8")
    got, want = _streamed(path, False), _loaded(path, False)
    _same_tables(got, want)
    codes = {p["code"] for p in got.problems}
    assert {"json-duplicate-key", "row-malformed"} <= codes
    frame = _frames(got)
    assert len(frame) == len(recs) and frame["_row"].tolist() == list(range(1, len(recs) + 1))
    assert "001" in set(frame["item_type"].dropna()) or "001" in set(frame["promised_time_limit"].dropna())


def test_jsonl_streams_what_the_whole_read_gives(tmp_path, small_pieces):
    path = tmp_path / "a.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in _records()]
    lines[3] = lines[3][:-5]                      # one bad line: a finding with its number
    lines.insert(6, "   ")                        # a blank line is no record
    lines.insert(8, "[1, 2]")
    text = "\ufeff" + "\r\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    got, want = _streamed(path, True), _loaded(path, True)
    _same_tables(got, want)
    bad = [p for p in got.problems if p["code"] == "row-malformed"]
    assert [p["row"] for p in bad] == [4, 8]


def test_leading_zeros_and_values_stay_text(tmp_path):
    path = tmp_path / "z.jsonl"
    recs = [dict(REC, 实施编码="0011", 事项类型=v) for v in ("001", "", None, "01")]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
    frame = _frames(_streamed(path, True))
    assert frame["task_code"].tolist() == ["0011"] * 4
    assert frame["item_type"].tolist()[0] == "001" and frame["item_type"].isna().tolist() == [False, True, True, False]


@pytest.mark.parametrize("json_path", [None, "data.list"])
def test_envelopes_stream_the_chosen_list(tmp_path, small_pieces, json_path):
    path = tmp_path / "env.json"
    doc = {"code": 200, "msg": "成功", "data": {"total": 123456789012345678901234567890,
                                              "tags": [{"name": "x"}], "list": _records(), "page": 1.5},
           "extra": [[1, 2], {"a": [3]}]}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _same_tables(_streamed(path, False, json_path), _loaded(path, False, json_path))


def test_surrogate_escapes_stream_as_before(tmp_path, small_pieces):
    path = tmp_path / "s.json"
    path.write_text('[{"事项名称": "a\\ud83d", "实施编码": "1", "事项类型": "01"},'
                    ' {"事项名称": "b", "实施编码": "2", "事项类型": "\\ud83d\\ude00"}]', encoding="utf-8")
    got = _streamed(path, False)
    _same_tables(got, _loaded(path, False))
    assert _frames(got)["item_name"].tolist() == ["a\\ud83d", "b"]


@pytest.mark.parametrize("text,lines", [
    ('[{"事项名称": "a", "实施编码": "1"}, ]', False),           # trailing comma: bad-json, as before
    ('[{"事项名称": "a", "实施编码": "1"}] x', False),           # extra data
    ('{"data": [1], "data": [{"事项名称": "a", "实施编码": "1"}]}', False),  # an envelope repeating a key
    ('[[{"事项名称": "a", "实施编码": "1"}]]', False),
])
def test_irregular_documents_fall_back_to_the_whole_read(tmp_path, text, lines):
    path = tmp_path / ("x.jsonl" if lines else "x.json")
    path.write_text(text, encoding="utf-8")

    assert outcome(lambda: jsonfile.open_json(str(path), None, lines)) == outcome(lambda: _loaded(path, lines))


# ----------------------------------------------------------------- XLSX

def _reference_excel(path, sheet):
    """The rows as the reader read them before streaming: to_python, trailing empties cut, merges filled."""
    from python_calamine import CalamineWorkbook

    from validators.read.excel import cell_text
    from validators.read.header import pick_header

    ws = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
    rows = ws.to_python(skip_empty_area=False)
    while rows and all(v is None or v == "" for v in rows[-1]):
        rows.pop()
    idx, mapping, _u, _d = pick_header(rows, str(path), sheet)
    labels = ["" if v is None else str(v) for v in rows[idx]]
    for (r0, c0), (r1, _c1) in ws.merged_cell_ranges:
        r1 = min(r1, len(rows) - 1)
        if r0 <= idx or r1 <= r0 or labels[c0] not in mapping.values() or rows[r0][c0] in (None, ""):
            continue
        for r in range(r0 + 1, r1 + 1):
            rows[r][c0] = rows[r0][c0]
    pos = [labels.index(lbl) for lbl in mapping.values()]
    data = [[cell_text(r[p]) for p in pos] for r in rows[idx + 1:]]
    frame = pd.DataFrame(data, columns=list(mapping), dtype="str")
    frame["_row"] = range(idx + 2, idx + 2 + len(data))
    frame["_row"] = frame["_row"].astype("int64")
    return frame


def _workbook(path, left: int, merged: bool = True):
    import datetime as dt

    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("清单")
    ws.write(1, left, "灵山县政务服务事项实施清单")
    header = ["事项名称", "实施编码", "事项类型", "实施主体", "承诺办结时限", "更新时间"]
    for c, h in enumerate(header):
        ws.write(2, left + c, h)
    values = [None, "", "   ", "\u3000", "无", "—", "/", "001", 0, 12, 1.5, 914403001922038016.0, True]
    r = 3
    for i, v in enumerate(values * 2):
        ws.write(r, left, f"事项{i}")
        ws.write_string(r, left + 1, f"{i:04d}")
        if v is not None:
            ws.write(r, left + 2, v)
        if i % 4:
            ws.write(r, left + 3, "灵山县行政审批局")
        ws.write_number(r, left + 4, i)
        ws.write_datetime(r, left + 5, dt.datetime(2024, 1, 1 + i % 28, 0 if i % 2 else 9, 30),
                          wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
        r += 1
    if merged:
        ws.merge_range(5, left + 3, 9, left + 3, "合并的实施主体")     # crosses slices and chunks
        ws.merge_range(12, left + 3, r + 3, left + 3, "到表尾")          # clipped to the last row
    else:   # rows of empty text (a formula's cached ""), inside the data and after its last row
        for at in (8, 9, *range(r + 2, r + 13)):
            ws.write_formula(at, left + 1, '=""', None, "")
    ws.write(r + 6, left + 10, "")                                 # formatted, empty rows below
    wb.close()
    if not merged:
        _empty_text_cells(path)
    return path


def _empty_text_cells(path) -> None:
    """The formulas ``=""`` as cells holding empty text, which calamine keeps in the sheet's range."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = re.sub(rb'<c r="([A-Z]+[0-9]+)"><f>""</f><v></v></c>',
                         rb'<c r="\1" t="inlineStr"><is><t></t></is></c>', parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


@pytest.mark.parametrize("left", [0, 2])
def test_xlsx_streams_what_the_whole_sheet_gave(tmp_path, monkeypatch, left):
    from validators.read import excel, open_tables

    monkeypatch.setattr(excel, "CHUNK_ROWS", 7)
    monkeypatch.setattr(frames_mod, "SLICE_ROWS", 3)
    path = _workbook(tmp_path / "w.xlsx", left)
    (table,) = open_tables(str(path))
    got = pd.concat(list(table.chunks()), ignore_index=True)
    pd.testing.assert_frame_equal(got, _reference_excel(path, "清单"))
    notes = [p for p in table.problems if p["code"] == "merged-cells-filled"]
    assert [(p["row"], p["params"]["rows"]) for p in notes] == [(6, 5), (13, len(got) + 3 - 12)]


@pytest.mark.parametrize("left", [0, 2])
def test_xlsx_without_merges_finds_its_last_row_as_the_rows_pass(tmp_path, monkeypatch, left):
    from validators.read import excel, open_tables

    monkeypatch.setattr(excel, "CHUNK_ROWS", 7)
    monkeypatch.setattr(frames_mod, "SLICE_ROWS", 3)
    path = _workbook(tmp_path / "w.xlsx", left, merged=False)
    (table,) = open_tables(str(path))
    assert table.state["height"] is None     # no survey pass at opening
    got = pd.concat(list(table.chunks()), ignore_index=True)
    pd.testing.assert_frame_equal(got, _reference_excel(path, "清单"))
    assert got["_row"].iloc[-1] == 3 + 26


def test_plain_jsonl_read_by_arrow_gives_the_python_frames(tmp_path, monkeypatch):
    """Objects of strings and nulls only: Arrow's JSON reader (explicit string schema) reads them."""
    monkeypatch.setattr(jsonfile, "CHUNK_ROWS", 4)
    path = tmp_path / "plain.jsonl"
    values = [None, "", "   ", "\u3000", "无", "—", "/", "001", "0", "灵山县\u2028政务", 'a"b\\c', "x" * 5000]
    recs = []
    for i, v in enumerate(values * 2):
        rec = {"事项名称": f"事项{i}", "实施编码": f"{i:05d}", "事项类型": v, "实施主体": "灵山县行政审批局"}
        if i % 3 == 0:
            del rec["实施主体"]
        if i == 5:
            rec["备注"] = "未知列"
        recs.append(rec)
    lines = [json.dumps(r, ensure_ascii=i % 2 == 0) for i, r in enumerate(recs)]
    lines.insert(4, "")
    lines.insert(7, " \t")
    path.write_text("\r\n".join(lines) + "\n", encoding="utf-8")
    got = _streamed(path, True)
    assert got.state.get("arrow_block"), "a plain JSONL file is read by Arrow"
    _same_tables(got, _loaded(path, True))
    assert [len(f) for f in got.chunks()] == [4] * 6


def test_jsonl_with_other_values_is_not_given_to_arrow(tmp_path):
    path = tmp_path / "typed.jsonl"
    recs = [dict(REC), dict(REC, 事项类型=1)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
    got = _streamed(path, True)
    assert not got.state.get("arrow_block")
    assert _frames(got)["item_type"].tolist() == ["001", "1"]


def test_jsonl_line_with_a_bom_keeps_its_message(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_text(json.dumps(REC, ensure_ascii=False) + "\n\ufeff" + json.dumps(REC, ensure_ascii=False),
                    encoding="utf-8")
    _same_tables(_streamed(path, True), _loaded(path, True))


def test_plain_list_in_an_envelope_spills_to_jsonl_read_by_arrow(tmp_path, monkeypatch):
    import gc
    import os

    monkeypatch.setattr(jsonfile, "CHUNK_ROWS", 5)
    recs = [{"事项名称": f"事项{i}", "实施编码": f"{i:05d}", "事项类型": ["01", "", None, "  ", "无"][i % 5],
             "实施主体": "灵山县\u2028行政审批局"} for i in range(23)]
    doc = {"code": "200", "data": {"list": recs}}
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    got = _streamed(path, False)
    spill = got.state["path"]
    assert got.state.get("arrow_block") and spill != str(path) and not spill.startswith(str(tmp_path))
    _same_tables(got, _loaded(path, False))
    del got
    gc.collect()
    assert not os.path.exists(spill), "the spilled records go with the table"


def _plain_records(n=23):
    return [{"事项名称": f"事项{i}", "实施编码": f"{i:05d}", "事项类型": ["01", "", None, "  ", "无"][i % 5],
             "实施主体": ["灵山县\u2028行政审批局", "全角　空格", "a},{b", 'q"},{"x', "\\", "—", "/"][i % 7]}
            for i in range(n)]


@pytest.mark.parametrize("ascii_only", [False, True])
@pytest.mark.parametrize("indent", [None, 1])
def test_plain_json_array_is_cut_and_parsed_as_chunks_are_read(tmp_path, monkeypatch, indent, ascii_only):
    monkeypatch.setattr(jsonfile, "CHUNK_ROWS", 5)
    monkeypatch.setattr(frames_mod, "SLICE_ROWS", 3)
    monkeypatch.setattr(jsonfile, "_FAST_BLOCK", 50)            # records cross the blocks
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 50)
    monkeypatch.setattr(jsonfile, "_HEAD_BLOCK", 30)
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(_plain_records(), ensure_ascii=ascii_only, indent=indent), encoding="utf-8")
    assert jsonfile._plain_array(str(path)) is not None
    got = _streamed(path, False)
    assert got.state.get("array_keys") and got.state["path"] == str(path)
    _same_tables(got, _loaded(path, False))


def _edge_records(n=160):
    """Plain records holding every edge value a string can be (and keys first seen late in the
    first hundred, written with escapes or not)."""
    values = [None, "", "   ", "\u3000", "无", "—", "/", "001", "全角　空格", "灵山县\u2028行政审批局", "a},{b",
              'q"},{"x', "\\", "\\\\\"", "行\n换\r行", "\t", "😀", "\u00e9", "x" * 3000, '{"k": "v"}', "}, {", ":"]
    out = []
    for i in range(n):
        rec = {"事项名称": f"事项{i}", "实施编码": f"{i:05d}", "事项类型": values[i % len(values)],
               "实施主体": values[(i * 7) % len(values)]}
        if i % 3 == 0:
            del rec["事项类型"]
        if i >= 40:
            rec["办理地点"] = values[(i * 5) % len(values)]
        out.append(rec)
    return out


@pytest.mark.parametrize("ascii_only", [False, True])
def test_plain_array_edge_values_read_as_the_whole_read(tmp_path, monkeypatch, ascii_only):
    monkeypatch.setattr(jsonfile, "CHUNK_ROWS", 7)
    monkeypatch.setattr(frames_mod, "SLICE_ROWS", 3)
    monkeypatch.setattr(jsonfile, "_FAST_BLOCK", 97)
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 97)
    path = tmp_path / "edge.json"
    path.write_text(json.dumps(_edge_records(), ensure_ascii=ascii_only), encoding="utf-8")
    got = _streamed(path, False)
    assert got.state.get("array_keys")
    _same_tables(got, _loaded(path, False))


_PLAIN = json.dumps(_plain_records(4), ensure_ascii=False)
_PLAIN_LATE = json.dumps(_plain_records(130), ensure_ascii=False)   # its first 100 records look plain
_LATE = '"事项名称": "事项120"'


@pytest.mark.parametrize("text", [
    _PLAIN.replace('"事项类型": "01"', '"事项类型": 1', 1),                      # a number
    _PLAIN.replace('"事项类型": "01"', '"事项类型": ["01"]', 1),                 # a list
    _PLAIN.replace('"事项类型": "01"', '"事项类型": {"a": "01"}', 1),            # an object
    _PLAIN.replace('"事项类型": "01"', '"事项类型": true', 1),
    _PLAIN.replace('"事项类型": "01"', '"事项类型": "01", "事项类型": "02"', 1),  # a key twice
    _PLAIN.replace('"事项名称": "事项3"', '"事项名称": "事项3", "其他": "x"', 1),  # a key the first lacks
    _PLAIN.replace('}, {', '} {', 1),                                          # a missing comma
    _PLAIN.replace('}, {', '},, {', 1),
    _PLAIN.replace('"a},{b"', '"a}\n,{b"'),                                   # a raw line break in a string
    _PLAIN.replace('"a},{b"', '"a\\x"'),                                     # a bad escape
    _PLAIN.replace('"a},{b"', '"a\\ud800"'),                                 # a lone surrogate
    _PLAIN[:-1] + ', "x"]', _PLAIN[:-1] + ", 5]", _PLAIN[:-1] + ",]", _PLAIN[:-1], _PLAIN + " x", "[]",
    "[" + _PLAIN[1:-1] + "]]", "[" + _PLAIN + "]", "\ufeff" + _PLAIN,
    # the same, after 100 plain records: found while the chunks are read
    _PLAIN_LATE.replace(_LATE, _LATE + ', "事项类型": 1', 1),
    _PLAIN_LATE.replace(_LATE, _LATE + ', "事项类型": 1.0', 1),
    _PLAIN_LATE.replace(_LATE, _LATE + ', "事项类型": ["01"]', 1),
    _PLAIN_LATE.replace(_LATE, _LATE + ', "事项类型": {"a": "01"}', 1),       # a key none of the first has
    _PLAIN_LATE.replace(_LATE, _LATE + ', "事项类型": {"实施编码": "01"}', 1),
    _PLAIN_LATE.replace(_LATE, _LATE + ', "事项类型": false', 1),
    _PLAIN_LATE.replace(_LATE, _LATE + ', "事项名称": "again"', 1),          # a key twice
    _PLAIN_LATE.replace(_LATE, _LATE + ', "其他": "x"', 1),                  # a key the first lack
    _PLAIN_LATE.replace(_LATE, _LATE + ', "其\\u4ed6": "x"', 1),
    _PLAIN_LATE.replace(_LATE, '"事\\u9879名称": "事项120"', 1),              # a known key, escaped
    _PLAIN_LATE.replace(_LATE, '"事项名称" : "事项120"', 1),
    _PLAIN_LATE.replace('{' + _LATE, '"not an object", {' + _LATE, 1),
    _PLAIN_LATE.replace('{' + _LATE, '5, {' + _LATE, 1),
    _PLAIN_LATE.replace('{' + _LATE, '{}, {' + _LATE, 1),
    _PLAIN_LATE.replace(_LATE, '"事项名称": "事项120\\ud800"', 1),           # a lone surrogate
    _PLAIN_LATE.replace(_LATE, '"事项名称": "事项\n120"', 1),                 # a raw line break in a string
    _PLAIN_LATE.replace(_LATE, '"事项名称": "事项\\x120"', 1),                # a bad escape
    _PLAIN_LATE.replace(_LATE + ",", _LATE + ",,", 1),
    _PLAIN_LATE.replace("}, {" + _LATE, "} {" + _LATE, 1),
    _PLAIN_LATE.replace("}, {" + _LATE, "}, {" + _LATE.replace('"事项名称"', '"事项名称", '), 1),
    _PLAIN_LATE[:-1] + ', "x"]', _PLAIN_LATE[:-1] + ",]", _PLAIN_LATE[:-1], _PLAIN_LATE + " x",
    _PLAIN_LATE[:-1] + "]]",
])
def test_what_is_no_plain_array_is_read_as_before(tmp_path, monkeypatch, text):
    monkeypatch.setattr(jsonfile, "_FAST_BLOCK", 256)
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 256)
    monkeypatch.setattr(jsonfile, "CHUNK_ROWS", 7)
    path = tmp_path / "x.json"
    path.write_text(text, encoding="utf-8")
    got = outcome(lambda: jsonfile.open_json(str(path), None, False))
    assert got == outcome(lambda: _loaded(path, False))
    if text.startswith(_PLAIN_LATE[:1000]):
        assert got == outcome(lambda: jsonfile.open_json(str(path), None, False))   # twice: the same problems


def test_late_irregular_records_are_read_exactly_from_there_on(tmp_path, monkeypatch):
    """Arrow reads the blocks before the first record it refuses, the exact scan the rest."""
    monkeypatch.setattr(jsonfile, "_FAST_BLOCK", 256)
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 256)
    monkeypatch.setattr(jsonfile, "CHUNK_ROWS", 7)
    text = _PLAIN_LATE.replace('"实施编码": "00120"', '"实施编码": 120', 1).replace(
        '"事项名称": "事项125"', '"事项名称": "事项125", "事项名称": "x"', 1)
    path = tmp_path / "late.json"
    path.write_text(text, encoding="utf-8")
    real, rest = jsonfile._array_rest, []

    def spy(table, frames, offset, row):
        rest.append(row)
        return real(table, frames, offset, row)

    monkeypatch.setattr(jsonfile, "_array_rest", spy)
    got = jsonfile.open_json(str(path), None, False)
    assert got.state.get("array_keys")
    _same_tables(got, _loaded(path, False))
    assert rest and set(rest) == {rest[0]} and 100 < rest[0] <= 121
    assert [(p["code"], p["row"]) for p in got.problems] == [("json-duplicate-key", 126)]
    assert _frames(got)["task_code"].tolist()[118:122] == ["00118", "00119", "120", "00121"]


@pytest.mark.parametrize("keep", [True, False])
@pytest.mark.parametrize("sep,end", [("\n", "\n"), ("\r\n", "\r\n"), ("\n", "")])
def test_plain_jsonl_is_read_by_arrow_in_the_first_pass(tmp_path, monkeypatch, keep, sep, end):
    monkeypatch.setattr(jsonfile, "CHUNK_ROWS", 5)
    monkeypatch.setattr(jsonfile, "_FAST_BLOCK", 64)            # lines cross the blocks
    monkeypatch.setattr(jsonfile, "_KEEP_BYTES", 1 << 30 if keep else 0)
    path = tmp_path / "plain.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in _plain_records(150)]
    path.write_bytes((sep.join(lines) + end).encode())
    assert jsonfile._fast_lines(str(path), keep) is not None
    got = _streamed(path, True)
    assert ("arrow_tables" in got.state) == keep
    _same_tables(got, _loaded(path, True))


_LINES = [json.dumps(r, ensure_ascii=False) for r in _plain_records(120)]


@pytest.mark.parametrize("lines", [
    _LINES[:5] + [""] + _LINES[5:],                                  # a blank line
    _LINES[:5] + ["  \u3000 "] + _LINES[5:],                        # blank to Python only
    _LINES[:110] + ['{"事项名称": "x", "其他": "y"}'] + _LINES[110:],   # a key first seen late
    _LINES[:3] + ['{"事项名称": "x", "事项名称": "y"}'] + _LINES[3:],   # a key twice
    _LINES[:103] + ['{"事项名称": "x", "事项名称": "y"}'] + _LINES[103:],
    _LINES[:103] + ['{"事项名称": 5}'] + _LINES[103:],
    _LINES[:103] + ['{"事项名称": "x"'] + _LINES[103:],                # no JSON
    _LINES[:103] + ['["x"]'] + _LINES[103:],
    _LINES[:103] + ['{"事项名称": "a\\ud800"}'] + _LINES[103:],      # a lone surrogate
    ["\ufeff" + _LINES[0]] + _LINES[1:],                            # a BOM
])
def test_what_is_no_plain_jsonl_is_read_as_before(tmp_path, monkeypatch, lines):
    monkeypatch.setattr(jsonfile, "_FAST_BLOCK", 256)
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert jsonfile._fast_lines(str(path), True) is None
    got = jsonfile.open_json(str(path), None, True)
    _same_tables(got, _loaded(path, True))


@pytest.mark.parametrize("late", [False, True])
def test_invalid_utf8_in_a_plain_array_is_refused_as_before(tmp_path, monkeypatch, late):
    monkeypatch.setattr(jsonfile, "_FAST_BLOCK", 256)
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 256)
    path = tmp_path / "bad.json"
    text = (_PLAIN_LATE if late else _PLAIN).encode()
    at = text.rindex("灵山县".encode())            # in the last record
    path.write_bytes(text[:at] + b"\xff\xfe" + text[at + 3:])
    got = outcome(lambda: jsonfile.open_json(str(path), None, False))
    assert got == outcome(lambda: _loaded(path, False)) and got[0] == "bad-encoding"


def test_json_table_states_the_input_size(tmp_path):
    import os

    path = tmp_path / "size.json"
    path.write_text(json.dumps([REC] * 3, ensure_ascii=False, indent=4), encoding="utf-8")
    assert _streamed(path, False).size_bytes == os.path.getsize(path) == _loaded(path, False).size_bytes


def test_a_table_reading_fewer_elements_notes_late_problems_as_the_whole_table(tmp_path, monkeypatch):
    """The case reader reads a copy of the table with fewer columns: a repeated key found late
    still names the element of the table as opened."""
    import dataclasses

    monkeypatch.setattr(jsonfile, "_FAST_BLOCK", 256)
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 256)
    text = _PLAIN_LATE.replace(_LATE, _LATE + ', "实施主体": "x"', 1)      # 实施主体 comes again after
    path = tmp_path / "late.json"
    path.write_text(text, encoding="utf-8")
    got = _streamed(path, False)
    assert got.state.get("array_keys")
    part = dataclasses.replace(got, columns={"item_name": got.columns["item_name"]})
    assert list(pd.concat(list(part.chunks())).columns) == ["item_name", "_row"]
    want = _loaded(path, False)
    assert got.problems == want.problems and [p["field"] for p in got.problems] == ["implementing_body"]


_LONG_KEYS = ["", "a", "abcdefgh", "abcdefghi", "é" * 8, "键" * 5 + "x", "k" * 32, "事项" * 6, "m" * 40 + "z"]


@pytest.mark.parametrize("where", range(9))
@pytest.mark.parametrize("late", [False, True])
def test_a_key_differing_anywhere_from_the_known_ones_is_seen(tmp_path, monkeypatch, where, late):
    """Keys of every length (none, within a word, across words, past 32 bytes): one byte changed
    anywhere in a key of a late record makes the document's header the exact read's."""
    monkeypatch.setattr(jsonfile, "_FAST_BLOCK", 128)
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 128)
    recs = [{"事项名称": f"事项{i}", "实施编码": f"{i:05d}", **{k: str(i) for k in _LONG_KEYS}} for i in range(130)]
    key = _LONG_KEYS[where]
    changed = (key[:len(key) // 2] + "Q" + key[len(key) // 2 + 1:]) if key else "Q"
    if late:
        recs[120] = {(changed if k == key else k): v for k, v in recs[120].items()}
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(recs, ensure_ascii=False), encoding="utf-8")
    assert (jsonfile._plain_array(str(path)) is None) == late
    got = jsonfile.open_json(str(path), None, False)
    _same_tables(got, _loaded(path, False))


# the key proof scanned on two threads: the serial scan's result in every case

_SPLIT_POINT, _SCAN_RANGE = jsonfile._split_point, jsonfile._scan_range
# strings where a split point must not fall: '{"' in strings (the quote escaped), "}, {", escaped
# quotes and backslashes before a quote or a brace, keys and values ending with "{" (the string's
# closing quote after it, then ":", ",", "}" or a line break)
_AWKWARD = ['{"x', '{"x": "y"}', "}, {", '"}, {"x', "},\n{", "\\", '\\"', '\\\\"}, {"a', '{\\"x', '{ "x',
            '{""', "a\\", "\\\\\\", "]", "}", "{", '{"事项名称": "v"}', "{\t\"k", '"{"', "{"]


def _awkward_records() -> list[dict]:
    """Plain records, then three holding the awkward strings as values and as keys, then plain
    records again."""
    keys = ["事项名称", "实施编码", "事项类型", "实施主体"]
    awkward = [dict(zip(keys + _AWKWARD[i:i + 4], _AWKWARD[i:i + 8], strict=False)) for i in (0, 6, 12)]
    return _plain_records(4)[:2] + awkward + _plain_records(4)[2:]


def _raw_keys(records: list[dict], ascii_only: bool) -> set[bytes]:
    return {json.dumps(k, ensure_ascii=ascii_only)[1:-1].encode() for r in records for k in r}


def _serial_scan(monkeypatch, path, known):
    monkeypatch.setattr(jsonfile, "_SPLIT_BLOCKS", 1 << 40)
    return jsonfile._scan_document(str(path), known)


def _two_thread_scan(monkeypatch, path, known, at=None):
    """The scan on two threads, the split point looked for from byte ``at`` (else from the
    middle), and what it did: its split point, whether it scanned the document again whole."""
    seen = {"split": None, "again": False}

    def split_point(real_path, start):
        seen["split"] = _SPLIT_POINT(real_path, start if at is None else at)
        return seen["split"]

    def scan_range(*args, **kwargs):
        try:
            return _SCAN_RANGE(*args, **kwargs)
        except jsonfile._SplitInString:
            seen["again"] = True
            raise

    monkeypatch.setattr(jsonfile, "_split_point", split_point)
    monkeypatch.setattr(jsonfile, "_scan_range", scan_range)
    monkeypatch.setattr(jsonfile, "_SPLIT_BLOCKS", 2)
    return jsonfile._scan_document(str(path), known), seen


def _same_commas(got, want) -> bool:
    import numpy as np

    return (got is None and want is None) or (
        got is not None and want is not None and got.dtype == want.dtype and np.array_equal(got, want))


@pytest.mark.parametrize("ascii_only", [False, True])
@pytest.mark.parametrize("layout", ["compact", "indent", "tabs", "crlf"])
def test_two_thread_scan_is_the_serial_scan_wherever_the_split_is_looked_for(tmp_path, monkeypatch, layout,
                                                                           ascii_only):
    """Looked for from every byte of the awkward records, the split point is the next record's
    "{"; scanned from each, the halves' commas (the one just before the split point included)
    are the serial scan's, and the document is not scanned again."""
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 64)            # records cross the blocks of both halves
    records = _awkward_records()
    indent = {"compact": None, "indent": 2, "tabs": "\t", "crlf": 1}[layout]
    text = json.dumps(records, ensure_ascii=ascii_only, indent=indent)
    raw = (text.replace("\n", "\r\n") if layout == "crlf" else text).encode()   # line breaks only between tokens
    path = tmp_path / "awkward.json"
    path.write_bytes(raw)
    known = _raw_keys(records, ascii_only)
    want = _serial_scan(monkeypatch, path, known)
    assert want is not None and len(want) == len(records) - 1
    starts = [raw.index(b"{")] + [raw.index(b"{", c) for c in want.tolist()]   # the records' "{"
    splits = set()
    for at in range(starts[2] - 3, starts[5] + 1):
        split = _SPLIT_POINT(str(path), at)
        assert split == min(s for s in starts if s >= at), at
        splits.add(split)
    assert len(splits) == 4
    for split in sorted(splits):
        got, seen = _two_thread_scan(monkeypatch, path, known, split)
        assert seen["split"] == split and not seen["again"]
        assert _same_commas(got, want), split


@pytest.mark.parametrize("where", ["first", "second"])
def test_two_thread_scan_finds_an_unknown_key_in_either_half(tmp_path, monkeypatch, where):
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 64)
    records = _plain_records(40)
    known = _raw_keys(records, False)
    records[5 if where == "first" else 35]["其他"] = "x"
    path = tmp_path / "unknown.json"
    raw = json.dumps(records, ensure_ascii=False).encode()
    path.write_bytes(raw)
    assert _serial_scan(monkeypatch, path, known) is None
    got, seen = _two_thread_scan(monkeypatch, path, known)
    assert got is None and not seen["again"]
    assert (raw.index("其他".encode()) < seen["split"]) == (where == "first")
    # the same document with the key known: the commas, from either thread
    known.add("其他".encode())
    got, _seen = _two_thread_scan(monkeypatch, path, known)
    assert _same_commas(got, _serial_scan(monkeypatch, path, known)) and len(got) == 39


@pytest.mark.parametrize("stray", ['"', '\\"', '"\n'])
def test_two_thread_scan_of_no_json_split_inside_a_string_scans_again_whole(tmp_path, monkeypatch, stray):
    """A quote too many before the split point (no JSON): the split point lies inside a string as
    the serial scan counts, so the document is scanned again whole, giving the serial result."""
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 64)
    records = _plain_records(40)
    known = _raw_keys(records, False)
    raw = json.dumps(records, ensure_ascii=False).encode()
    at = raw.index("事项3".encode())
    path = tmp_path / "stray.json"
    path.write_bytes(raw[:at] + stray.encode() + raw[at:])
    got, seen = _two_thread_scan(monkeypatch, path, known)
    assert seen["again"] == (stray != '\\"')
    assert _same_commas(got, _serial_scan(monkeypatch, path, known))


def test_a_small_document_is_scanned_on_one_thread(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 1 << 20)
    records = _plain_records(40)
    path = tmp_path / "small.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(jsonfile, "_split_point", None)      # not looked for
    assert len(jsonfile._scan_document(str(path), _raw_keys(records, False))) == 39


@pytest.mark.parametrize("split", [False, True])
def test_many_keys_alike_but_for_a_byte_are_each_found_and_told_apart(tmp_path, monkeypatch, split):
    """Hundreds of known keys, many alike but for one byte anywhere (the words hashed set them
    apart): every one is found, and a key one byte off any of them is not."""
    monkeypatch.setattr(jsonfile, "_SCAN_BLOCK", 4096)
    monkeypatch.setattr(jsonfile, "_SPLIT_BLOCKS", 2 if split else 1 << 40)
    keys = [f"{'事项' * (i % 9)}{i}" for i in range(300)] + [f"{'m' * 40}{c}" for c in "abc"] + [
        f"{c}{'m' * 40}" for c in "abc"] + ["", "键" * 20]
    records = [{k: str(n) for k in keys} for n in range(6)]
    path = tmp_path / "keys.json"
    raw = json.dumps(records, ensure_ascii=False).encode()
    path.write_bytes(raw)
    known = _raw_keys(records, False)
    assert len(jsonfile._scan_document(str(path), known)) == 5
    for key in ["事项事项7", f"{'m' * 40}d", f"d{'m' * 40}", "键" * 19 + "建", "事项事项事项事项事项事项事项事项308"]:
        path.write_bytes(raw.replace(json.dumps(keys[-1], ensure_ascii=False).encode(),
                                     json.dumps(key, ensure_ascii=False).encode(), 4))
        assert jsonfile._scan_document(str(path), known) is None, key



def _lets_go_of_its_chunk(table, least: int) -> None:
    """The table's chunker frees a chunk's arrow buffers once the chunk is dropped, while it waits
    at its yield (the pipeline keeps a copy without the blank rows: the chunk as read must go)."""
    import gc

    import pyarrow as pa

    gen = table._chunker(table)
    chunk = next(gen)
    gc.collect()
    held = pa.total_allocated_bytes()
    size = sum(chunk[c].array._pa_array.nbytes for c in chunk.columns if c != "_row")
    assert size > least
    del chunk
    gc.collect()
    assert pa.total_allocated_bytes() <= held - 0.9 * size
    gen.close()


def _guides_csv(path, rows: int, repeat: int, blank_every: int = 0):
    """A CSV of ``rows`` guides whose 办理流程 is a sentence ``repeat`` times, a line of commas
    every ``blank_every`` rows (none for 0), read in chunks of 2,000 rows (``CHUNK_ROWS``)."""
    text = "申请人向窗口提交材料，窗口工作人员当场受理并出具受理通知书。" * repeat
    with open(path, "w", encoding="utf-8") as f:
        f.write("事项名称,实施编码,办理流程\n")
        f.writelines(",,\n" if blank_every and i % blank_every == 0 else f"事项{i},C{i:08d},{text}{i}\n"
                     for i in range(rows))
    return path


def test_the_csv_reader_lets_go_of_a_chunk_once_it_is_handed_over(tmp_path, monkeypatch):
    from validators.read import csvfile, open_tables

    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 2000)
    path = _guides_csv(tmp_path / "guides.csv", 6000, 20, blank_every=7)
    _lets_go_of_its_chunk(open_tables(str(path))[0], 2_000_000)


def test_the_csv_reader_holds_little_raw_text_ahead(tmp_path, monkeypatch):
    # pyarrow's streaming CSV reader queues up to 32 blocks of raw text, read in a background
    # thread (Python bytes from our file object: tracemalloc sees them, with no Python frame).
    # At 4 MiB a block that was up to 128 MB on top of every chunk: here most of the 72 MB file
    import time
    import tracemalloc

    from validators.read import csvfile, open_tables

    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 2000)
    path = _guides_csv(tmp_path / "guides.csv", 50_000, 16)
    assert path.stat().st_size > 70_000_000
    table = open_tables(str(path))[0]
    tracemalloc.start()
    try:
        gen = table._chunker(table)
        next(gen)
        time.sleep(0.5)    # the background thread fills its queue
        snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, "<unknown>")])
        gen.close()
    finally:
        tracemalloc.stop()
    ahead = sum(stat.size for stat in snap.statistics("filename"))
    assert ahead < 48 << 20, f"{ahead >> 20} MB of raw text read ahead"


def test_xlsx_reader_lets_go_of_a_chunk_once_it_is_handed_over(tmp_path, monkeypatch):
    import random

    import openpyxl

    from validators.read import excel, open_tables

    monkeypatch.setattr(excel, "CHUNK_ROWS", 1500)
    path = tmp_path / "guides.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("清单")
    ws.append(["事项名称", "实施编码", "办理流程"])
    rng = random.Random(15)
    chars = "申请人向窗口提交材料工作员当场受理并出具通知书审查决定送达证照办结时限地点"
    for i in range(4000):
        text = "".join(rng.choice(chars) for _ in range(300))    # varied: not a zip bomb
        ws.append([f"事项{i}", f"C{i:08d}", text] if i % 9 else [None, None, None])
    wb.save(path)
    (table,) = open_tables(str(path))
    _lets_go_of_its_chunk(table, 1_000_000)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", None, "甲", " ", "事项名称", ""]), max_size=40),
       st.integers(0, 10), st.integers(0, 40), st.booleans(), st.booleans())
def test_empty_text_is_made_null_without_copying_the_text(values, start, length, large, chunked):
    # the readers' "" → missing: the same as if_else(equal(col, ""), null, col), on slices (an
    # offset into the buffers), chunked columns and both text types; the text buffer is shared
    import pyarrow as pa
    import pyarrow.compute as pc

    from validators.read.frames import without_empty

    arr = pa.array(values, type=pa.large_string() if large else pa.string()).slice(start, length)
    col = pa.chunked_array([arr, arr], type=arr.type) if chunked else arr
    got = without_empty(col)
    want = pc.if_else(pc.fill_null(pc.equal(col, ""), False), pa.scalar(None, col.type), col)
    assert got.type == col.type and got.to_pylist() == want.to_pylist()
    for g, c in zip(got.chunks if chunked else [got], col.chunks if chunked else [col], strict=True):
        if c.buffers()[2] is not None and g.buffers()[2] is not None:
            assert g.buffers()[2].address == c.buffers()[2].address

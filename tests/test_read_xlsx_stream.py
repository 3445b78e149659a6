"""The streaming XLSX reader (validators/read/xlsxsheet.py) gives exactly the calamine path's
frames and reading problems: shared and inline strings, rich text and phonetic runs, entities,
``_xHHHH_`` escapes, edge whitespace, numbers, booleans, dates, merged cells, title rows, skipped
sheets, namespace prefixes; and it counts the archive guard's limits as the sheet streams.  Every
test runs on both cell scanners: the C accelerator (``_xlsxcells.c``) and the numpy scan."""
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validators.read import excel


@pytest.fixture(autouse=True, params=["c", "numpy"])
def cell_scanner(request, monkeypatch):
    from validators.read import xlsxsheet

    if request.param == "numpy":
        monkeypatch.setattr(xlsxsheet, "_cells", None)
    elif xlsxsheet._cells is None:
        pytest.skip("the C accelerator is not built (no C compiler at install)")
    return request.param


HEADER = ["事项名称", "实施编码", "实施主体", "办理地点", "受理条件", "备注"]


def _frames(path, streaming: bool, sheet=None):
    tables = (excel.open_excel(str(path), sheet) if streaming
              else excel._open_calamine(str(path), sheet, "guide", str(path)))
    return [(t.sheet, t.columns, t.unknown, t.header_row, t.problems, list(t.chunks()), t._chunker.__name__)
            for t in tables]


def assert_same(path, sheet=None, streamed=True):
    got, want = _frames(path, True, sheet), _frames(path, False, sheet)
    assert [g[:5] for g in got] == [w[:5] for w in want]
    for g, w in zip(got, want, strict=True):
        assert len(g[5]) == len(w[5])
        for a, b in zip(g[5], w[5], strict=True):
            pd.testing.assert_frame_equal(a, b)
    if streamed:
        assert any(g[6] == "_stream_chunks" for g in got)
    return got


ODD = ["  lead and trail  ", "a&b<c>\"'", "x_x0041_y", "全角\u3000空格\u3000", "无", "—", "/", " ", "",
       "line\r\nbreak", "tab\there", "&#x41;", "https://x.gov.cn/?a=1&b=2", "\xa0nbsp\xa0", "_x005F_x0041_"]


def _rows(n=40):
    out = []
    for i in range(n):
        out.append([f"事项{i}", f"11450721MB1558081140001040020{i % 10}", "灵山县民政局" if i % 3 else None,
                    ODD[i % len(ODD)], i * 1.5 if i % 4 == 0 else (True if i % 4 == 1 else f"条件{i}"),
                    123456789012345678 if i == 5 else (1e15 if i == 6 else (0.1 + 0.2 if i == 7 else None))])
    return out


@pytest.mark.parametrize("shared", [True, False])
def test_openpyxl_and_xlsxwriter_workbooks_read_the_same(tmp_path, shared):
    import xlsxwriter

    path = tmp_path / "x.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": not shared, "strings_to_numbers": False})
    ws = wb.add_worksheet("办事指南")
    ws.write_row(0, 0, ["灵山县政务服务事项实施清单"])
    ws.write_row(2, 1, HEADER)          # header in row 3, a column left of the used area empty
    for r, row in enumerate(_rows(), start=3):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.write(r, c, v)
    ws2 = wb.add_worksheet("说明")
    ws2.write(0, 0, "只是说明")
    wb.close()
    assert_same(path)
    assert_same(path, sheet="办事指南")


def test_openpyxl_inline_strings_dates_and_empty_trailing_rows(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet"
    ws.append(HEADER)
    for row in _rows(30):
        ws.append(row)
    for r in range(40, 60):
        ws.cell(row=r, column=2).style = "Normal"    # formatted but empty rows after the data
    path = tmp_path / "o.xlsx"
    wb.save(path)
    assert_same(path)
    ws.cell(row=10, column=5, value=dt.datetime(2023, 3, 15))
    ws.cell(row=11, column=5, value=dt.date(2020, 1, 1))
    wb.save(path)
    assert_same(path, streamed=False)        # a date-styled number: the rest goes to calamine


def test_merged_cells_are_filled_as_calamine_does(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["标题"])
    ws.merge_cells("A1:F1")                  # a merged title: nothing to fill, the sheet streams
    ws.append(HEADER)
    for row in _rows(10):
        ws.append(row)
    path = tmp_path / "m.xlsx"
    wb.save(path)
    assert_same(path)
    ws.merge_cells("C4:C8")                  # a merged 实施主体 below the header: filled, one note
    wb.save(path)
    got = assert_same(path, streamed=False)
    assert [p["code"] for p in got[0][4]].count("merged-cells-filled") == 1


def _raw_book(tmp_path, cells_xml: str, sst=None, prefix=""):
    from test_hostile_archives import make_xlsx

    p = prefix
    ns = (f'<{p}worksheet xmlns{":" + p[:-1] if p else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          f"<{p}sheetData>")
    head = "".join(f'<{p}c r="{chr(65 + i)}1" t="inlineStr"><{p}is><{p}t>{h}</{p}t></{p}is></{p}c>'
                   for i, h in enumerate(HEADER))
    xml = ns + f'<{p}row r="1">{head}</{p}row>' + cells_xml + f"</{p}sheetData></{p}worksheet>"
    return make_xlsx(tmp_path / "raw.xlsx", xml, sst)


TEXTS = ["<t>  a b  </t>", '<t xml:space="preserve">  a b  </t>', "<t>a&amp;lt;&amp;b</t>", "<t>&#32;x&#x41;</t>",
         "<t>_x0020_a_x0020_</t>", "<t>a\r\nb\rc</t>", '<r><t> a </t></r><r><t xml:space="preserve"> b </t></r>',
         '<t>x_x0041_</t><rPh sb="0" eb="1"><t>P</t></rPh>', "<t/>", "<t>灵山县</t>", "<t>&quot;q&apos;</t>"]


def test_odd_strings_inline_and_shared(tmp_path):
    rows = "".join(f'<row r="{i + 2}"><c r="A{i + 2}" t="inlineStr"><is>{t}</is></c>'
                   f'<c r="B{i + 2}" t="s"><v>{i}</v></c><c r="D{i + 2}" t="str"><v> s{i}_x0041_ </v></c>'
                   f'<c r="E{i + 2}" t="b"><v>{i % 2}</v></c><c r="F{i + 2}"><v>{i}.25</v></c></row>'
                   for i, t in enumerate(TEXTS))
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + "".join(f"<si>{t}</si>" for t in TEXTS) + "</sst>")
    assert_same(_raw_book(tmp_path, rows, sst))


@pytest.mark.parametrize("p", ["x:", "x" * 31 + ":", "x" * 32 + ":"])    # the C scanner takes prefixes up to 32
def test_namespace_prefix_and_skipped_rows(tmp_path, p):
    rows = "".join(f'<{p}row r="{r}"><{p}c r="B{r}" t="inlineStr"><{p}is><{p}t>编码{r}</{p}t></{p}is></{p}c></{p}row>'
                   for r in (2, 5, 9))
    assert_same(_raw_book(tmp_path, rows, prefix=p))


@pytest.mark.parametrize("rows", [
    '<row r="2"><c t="inlineStr"><is><t>事项</t></is></c></row>',                       # no reference
    '<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c></row>',     # CDATA
    '<row r="2"><c r="A2" t="d"><v>2024-01-01</v></c></row>',                           # ISO date
    '<row r="2"><c r="A2"><v>1e400x</v></c></row>',                                     # odd number
    '<row r="3"><c r="A3" t="inlineStr"><is><t>b</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c></row>',                   # rows out of order
])
def test_what_the_scanner_does_not_read_goes_to_calamine(tmp_path, rows):
    from validators.read import InputError

    path = _raw_book(tmp_path, rows)
    try:
        _frames(path, False)
    except InputError as exc:      # calamine refuses it: the streaming reader refuses it the same way
        with pytest.raises(InputError) as got:
            _frames(path, True)
        assert (got.value.key, got.value.params) == (exc.key, exc.params)
        return
    assert_same(path, streamed=False)


def test_chunks_of_a_long_sheet_match(tmp_path, monkeypatch):
    import xlsxwriter

    monkeypatch.setattr(excel, "CHUNK_ROWS", 7)
    path = tmp_path / "long.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER)
    for r in range(1, 60):
        if r % 13:
            ws.write_row(r, 0, [f"事项{r}", "", f"主体{r % 5}"])
    wb.close()
    got = assert_same(path)
    assert len(got[0][5]) > 5


NUMBERS = ["1", "-0", "2.5", "1e+16", "1.234567890123457e+17", "0.30000000000000004", "1e-07", "123456789012345",
           "999999999999999.9", "1e400", "-1e400", ".5", "5.", "007", "1E3"]


@pytest.mark.parametrize("typed", ["", ' t="n"', ' s="0"', ' s="0" t="n"'])
def test_numbers_read_as_calamine_floats(tmp_path, typed):
    rows = "".join(f'<row r="{i + 2}"><c r="A{i + 2}" t="inlineStr"><is><t>事项{i}</t></is></c>'
                   f'<c r="B{i + 2}"{typed}><v>{v}</v></c></row>' for i, v in enumerate(NUMBERS))
    assert_same(_raw_book(tmp_path, rows))


def test_character_references_as_some_writers_store_chinese(tmp_path):
    def refs(text):
        return "".join(f"&#{ord(c)};" for c in text)

    odd = ["&#32;x&#32;", "a&#13;b", "&#95;x0041_", "&#0023454;", "&#128512;", "&#x5B9E;", "&#65;&amp;", refs(" 灵山 ")]
    rows = "".join(f'<row r="{i + 2}"><c r="A{i + 2}" t="inlineStr"><is><t>{refs("实施学前教育的民办学校设立审批")}{i}</t></is></c>'
                   f'<c r="B{i + 2}" t="inlineStr"><is><t>{odd[i % len(odd)]}</t></is></c>'
                   f'<c r="C{i + 2}" t="inlineStr"><is><t xml:space="preserve">{odd[(i + 3) % len(odd)]}</t></is></c></row>'
                   for i in range(40))
    assert_same(_raw_book(tmp_path, rows))


def test_shared_strings_read_in_numpy_match_the_python_reading_and_the_guard_lengths(tmp_path):
    import zipfile

    import numpy as np

    from validators.read import xlsxsheet
    from validators.read.archive import _shared_lengths

    many = TEXTS * 3 + [f"<t>{'&#23454;' * (i % 4)}事项{i}&amp;x</t>" for i in range(40)]
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + "".join(f"<si>{t}</si>" for t in many) + '<si><t xml:space="preserve"> p </t></si></sst>')
    rows = "".join(f'<row r="{i + 2}"><c r="A{i + 2}" t="s"><v>{i}</v></c></row>' for i in range(len(many) + 1))
    path = _raw_book(tmp_path, rows, sst)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/sharedStrings.xml")
        texts, lengths = xlsxsheet._shared_fast(zf.read(info))
        assert texts.to_pylist() == xlsxsheet._shared_texts(zf.read(info))
        assert np.array_equal(lengths, np.frombuffer(_shared_lengths(zf, info), dtype=np.int64))
    assert_same(path)


@pytest.mark.parametrize("block, piece", [(64, 16), (200, 7), (1000, 1 << 20), (37, 5)])
def test_blocks_end_at_row_ends_and_give_the_sheet_back(tmp_path, monkeypatch, block, piece):
    """Blocks joined from small inflated pieces: each ends after a ``</row>`` (a tag may straddle
    two pieces), carries the scan padding, and together they are the member's bytes."""
    import zipfile

    from validators.read import xlsxsheet
    from validators.read.limits import current

    monkeypatch.setattr(xlsxsheet, "BLOCK", block)
    monkeypatch.setattr(xlsxsheet, "_PIECE", piece)
    path = _raw_book(tmp_path, "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>事项{"x" * (i % 17)}</t></is></c></row>'
                                       for i in range(2, 80)))
    with zipfile.ZipFile(path) as zf:            # deflated: the inflater's pieces are what is cut
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    path = tmp_path / "deflated.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    book = xlsxsheet.Book(str(path))
    member = book.sheets[next(iter(book.sheets))]
    scanner = xlsxsheet.SheetScanner(book, member, str(path), current())
    parts = list(scanner.blocks())
    assert len(parts) > 3 or block >= 1000
    assert all(p.endswith(xlsxsheet._PAD) for p in parts)
    assert all(p[:-len(xlsxsheet._PAD)].endswith(b"</row>") for p in parts[:-1])
    with zipfile.ZipFile(path) as zf:
        assert b"".join(p[:-len(xlsxsheet._PAD)] for p in parts) == zf.read(member)
    book.close()


def test_shared_indexes_read_as_words_match_the_digit_loop():
    import numpy as np

    from validators.read import xlsxsheet

    values = [0, 7, 10, 99, 12345678, 40000000, 5, 99999999, 1000, 20406080, 123456789] + [(7 ** k) % 10 ** (k % 8 + 1) for k in range(60)]
    text = b"".join(b"<v>%d</v>" % v for v in values) + xlsxsheet._PAD
    a = np.frombuffer(text, np.uint8)
    W = np.ndarray((len(text) - 8,), dtype="<u8", buffer=text, strides=(1,))
    starts = np.array([m.start() + 3 for m in __import__("re").finditer(rb"<v>", text)], np.int64)
    lengths = np.array([len(str(v)) for v in values], np.int64)
    assert xlsxsheet._digits(a, W, starts, lengths, 9, "x").tolist() == values
    short = lengths <= 8
    assert xlsxsheet._digits(a, W, starts[short], lengths[short], 9, "x").tolist() == [v for v, s in zip(values, short) if s]
    with pytest.raises(xlsxsheet.Irregular):
        xlsxsheet._digits(a, W, starts[:2] - 1, lengths[:2], 9, "x")      # ">0" is no number


def _scanner(path, opts=None):
    from validators.read import xlsxsheet
    from validators.read.limits import current

    book = xlsxsheet.Book(str(path))
    return xlsxsheet.SheetScanner(book, book.sheets[next(iter(book.sheets))], str(path), opts or current())


_SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{a}</t></si><si><t>{b}</t></si></sst>'


def _serial_and_parallel(path, opts=None):
    """(cells of every block scanned one at a time, the same by scan_all on two threads)."""
    out = []
    for parallel in (False, True):
        s = _scanner(path, opts)
        parts = list(s.blocks())
        got = list(s.scan_all(iter(parts))) if parallel else [s.scan(p) for p in parts]
        out.append([(g.rows.tolist(), g.cols.tolist(), g.text.to_pylist(), g.raw) for g in got])
        out[-1].append((s.cells, s.max_row, s.max_col, s.referenced))
    return out


def test_blocks_scanned_on_two_threads_give_the_serial_cells_and_counts(tmp_path, monkeypatch):
    from validators.read import xlsxsheet

    monkeypatch.setattr(xlsxsheet, "BLOCK", 300)
    monkeypatch.setattr(xlsxsheet, "_PIECE", 64)
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>事项{i}</t></is></c>'
                   f'<c r="B{i}" t="s"><v>{i % 2}</v></c><c r="C{i}"><v>{i * 1.5}</v></c>'
                   f'<c r="D{i}" t="inlineStr"><is><t>{ODD[i % len(ODD)].replace("&", "&amp;").replace("<", "&lt;")}</t></is></c></row>'
                   for i in range(2, 400))
    path = _raw_book(tmp_path, rows, _SST.format(a="灵山县民政局", b="是"))
    serial, parallel = _serial_and_parallel(path)
    assert len(serial) > 20
    assert parallel == serial


def test_a_guard_refusal_comes_in_block_order_when_blocks_are_scanned_together(tmp_path, monkeypatch):
    """Shared-string text past the limit: refused with the total of the blocks up to the one
    that passes it, whichever block a thread scanned first."""
    import dataclasses

    from validators.read import xlsxsheet
    from validators.read.base import InputError
    from validators.read.limits import current

    monkeypatch.setattr(xlsxsheet, "BLOCK", 200)
    monkeypatch.setattr(xlsxsheet, "_PIECE", 64)
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>{i % 2}</v></c></row>' for i in range(2, 300))
    path = _raw_book(tmp_path, rows, _SST.format(a="条" * 40000, b="款" * 40000))   # 120 kB a reference
    opts = dataclasses.replace(current(), max_uncompressed_mb=3)                  # passed at the 27th row
    messages = []
    for parallel in (False, True):
        s = _scanner(path, opts)
        parts = list(s.blocks())
        assert len(parts) > 10
        seen = 0
        with pytest.raises(InputError) as err:
            for _got in (s.scan_all(iter(parts)) if parallel else (s.scan(p) for p in parts)):
                seen += 1
        messages.append((err.value.key, err.value.params, seen))
    assert messages[0] == messages[1], messages
    assert messages[0][0] == "archive-amplified" and 0 < messages[0][2]


def test_the_accelerator_is_built_where_a_compiler_is(cell_scanner):
    import importlib
    import shutil
    import sysconfig

    if cell_scanner != "c" or not (shutil.which("cc") or shutil.which("gcc")) or not sysconfig.get_paths().get("include"):
        pytest.skip("no C compiler here: the numpy scan is used")
    import os

    if not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")):
        pytest.skip("no Python headers here: the numpy scan is used")
    assert importlib.util.find_spec("validators.read._xlsxcells"), "the install did not build validators/read/_xlsxcells.c"


_SHAPES = [
    '<c r="{ref}" t="s"><v>{i2}</v></c>', '<c r="{ref}" s="1" t="s"><v>{i2}</v></c>',
    '<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>',
    '<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>',
    '<c r="{ref}" t="inlineStr"><is><r><t>{text}</t></r></is></c>', '<c r="{ref}"/>', '<c r="{ref}" s="2"/>',
    '<c r="{ref}"></c>', '<c r="{ref}" t="s"></c>', '<c r="{ref}"><v>{num}</v></c>', '<c r="{ref}" t="n"><v>{num}</v></c>',
    '<c r="{ref}" s="{style}"><v>{num}</v></c>', '<c r="{ref}" s="{style}" t="n"><v>{num}</v></c>',
    '<c r="{ref}" t="b"><v>1</v></c>', '<c r="{ref}" t="str"><v>{text}</v></c>', '<c r="{ref}" t="e"><v>#N/A</v></c>',
    '<c r="{ref}" s="3"><v>{num}</v></c>',
]
_ODD_SHAPES = ['<c r="{ref}" s="123456"><v>1</v></c>', '<c r="{ref}" t="inlineStr"><is><t>{text}</t></is><v>x</v></c>',
               '<c r="{ref}" s="1"><v>{num}</v></c>', '<c r="{ref}" t="s"><v>2</v></c>', '<c r="{ref}"><v>1e400</v></c>']
_TEXTS = ["事项", " 前后 ", "a&amp;b", "&lt;&gt;&quot;&apos;", "x_x0041_", "a\r\nb", "&#65;", "\t制表", "尾\n",
          "", "纯文本文本", "&amp;#65;", "_x", "a_b", "A&amp;amp;"]


def _random_rows(rng, n, width=9):
    out = []
    for r in range(2, n + 2):
        cols = sorted(rng.sample(range(width), rng.randint(0, width)))
        cells = []
        for c in cols:
            ref = ("" if c < 26 else "A") + chr(65 + c % 26) + str(r)
            # now and then a shape the scanners refuse (its block goes to calamine)
            shape = rng.choice(_ODD_SHAPES if rng.random() < 0.003 else _SHAPES)
            cells.append(shape.format(ref=ref, i2=rng.randint(0, 1), num=rng.choice(NUMBERS[:9]),
                                      text=rng.choice(_TEXTS).replace("\\r", "\r").replace("\\n", "\n")
                                      .replace("\\t", "\t"), style=rng.choice((0, 2, 3))))
        out.append(f'<row r="{r}" spans="1:9">' + "".join(cells) + "</row>")
    return "".join(out)


_STYLES = ('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="4">'
           '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="2"/><xf numFmtId="49"/></cellXfs></styleSheet>')


@pytest.mark.parametrize("seed", range(6))
def test_the_c_and_numpy_scans_give_the_same_cells(tmp_path, monkeypatch, cell_scanner, seed):
    """Blocks of random cell shapes (shared, inline plain / preserved / rich, entities, escapes,
    CR, edge whitespace, empty and closed cells, numbers in plain and date styles, booleans,
    errors): the accelerator classifies them as the numpy scan does, cell for cell."""
    import random

    from validators.read import xlsxsheet

    if cell_scanner != "c":
        pytest.skip("compares the two scanners once")
    monkeypatch.setattr(xlsxsheet, "BLOCK", 700)
    monkeypatch.setattr(xlsxsheet, "_PIECE", 128)
    rng = random.Random(seed)
    path = _raw_book(tmp_path, _random_rows(rng, 150), _SST.format(a="灵山县民政局", b=" 是 "))
    import zipfile

    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/styles.xml", _STYLES)
    got = {}
    for kind in ("c", "numpy"):
        if kind == "numpy":
            monkeypatch.setattr(xlsxsheet, "_cells", None)
        s = _scanner(path)
        out = []
        for part in s.blocks():
            try:
                g = s.scan(part)
                out.append((g.rows.tolist(), g.cols.tolist(), g.text.to_pylist(), g.raw))
            except xlsxsheet.Irregular:
                out.append("irregular")
        got[kind] = out
    assert len(got["c"]) > 20
    assert got["c"] == got["numpy"]


@pytest.mark.parametrize("xml", [
    '<row r="2"><c r="A2"><v>1</v></c><c r="A2"><v>2</v></c></row>',                # same column twice
    '<row r="2"><c r="A3"><v>1</v></c></row>',                                      # reference names another row
    '<row r="12"><c r="A13"><v>1</v></c></row>',                                    # … sharing the first digit
    '<row r="2"><c r="A2"> <v>1</v></c></row>',                                     # text between tags
    '<row r="2"><c r="A2" t="s"><v>x</v></c></row>',                                # shared index no number
    '<row r="2"><c r="ABCD2"><v>1</v></c></row>',                                   # four letters
    '<row r="2"><c r="2"><v>1</v></c></row>',                                       # no letter
    '<row><c r="A2"><v>1</v></c></row>',                                            # row without r
    '<row r="2" ><c r="A2"><v>1</v></c></row><row r="2"><c r="B2"><v>1</v></c></row>',  # a row twice
])
def test_irregular_blocks_go_to_calamine_on_both_scanners(tmp_path, xml):
    from validators.read import xlsxsheet

    s = _scanner(_raw_book(tmp_path, xml))
    with pytest.raises(xlsxsheet.Irregular):
        for part in s.blocks():
            s.scan(part)


def test_the_accelerator_reads_within_its_buffers_on_mangled_blocks(cell_scanner):
    """Cut, spliced and byte-flipped blocks: every call returns a tally or a reason, and every
    position it gives lies inside the block (a read past the buffer would crash the test run)."""
    import random

    import numpy as np

    from validators.read import xlsxsheet

    if cell_scanner != "c":
        pytest.skip("the accelerator only")
    rng = random.Random(7)
    good = _random_rows(rng, 40).encode()
    for trial in range(3000):
        data = bytearray(good[rng.randrange(len(good)):][:rng.randrange(1, 600)])
        for _ in range(rng.randrange(4)):
            if data:
                data[rng.randrange(len(data))] = rng.choice(b'<>"/= cr0123456789ABtsv&_x\r\n')
        if trial % 5 == 0:
            data = data[:rng.randrange(len(data) + 1)] + b'<c r="A'
        prefix = b"x:" if trial % 7 == 0 else b""
        if prefix:
            data = data.replace(b"<", b"<x:").replace(b"<x:/", b"</x:")
        part = bytes(data) + xlsxsheet._PAD
        out = xlsxsheet._Work().cells(len(data))
        got = xlsxsheet._cells.scan(part, len(data), prefix, b"\x01\x00\x01", False, *out)
        if isinstance(got, str):
            continue
        nc = got[0]
        _rows, _cols, at, kind, s, e = (x[:nc] for x in out)
        assert ((at >= 0) & (at < len(data))).all()
        text = np.isin(kind, (2, 3, 4))
        assert ((s[text] >= 0) & (s[text] <= e[text]) & (e[text] <= len(data))).all()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([b"&", b"#", b"a", b"&#", b"#&", "中".encode(), b"<c>", b"&amp;", b"#" * 200]),
                max_size=80))
def test_the_character_reference_test_is_find_of_ampersand_hash(pieces):
    from validators.read.xlsxsheet import _has_charref

    part = b"".join(pieces)
    assert _has_charref(part) == (part.find(b"&#") >= 0)
    assert _has_charref(b"#" * 300 + part) == (part.find(b"&#") >= 0)   # past the visited '#'


_REF_PIECES = [b"&#20107;", b"&#128512;", b"&#0023454;", b"&#00023454;", b"&#12345678;", b"&#55357;", b"&#65;", b"&#127;",
               b"&#128;", b"&#x5B9E;", b"&#;", b"&#", b"&", b"#", b";", b"7", "实".encode(), b"<t>", b"&amp;"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_REF_PIECES), max_size=120), st.booleans())
def test_the_c_and_numpy_reference_decoders_agree(pieces, many):
    # every form a decimal reference takes or nearly takes: too many digits, a surrogate, ASCII,
    # hex, no digits, no ";" (at the end of the block too), fewer than 16 "&#" in the block
    from validators.read import xlsxsheet

    if xlsxsheet._cells is None:     # the numpy run of the module's fixture, or no compiler
        pytest.skip("compares the C pass with the numpy one")
    part = b"".join(([b"&#23454;"] * 16 if many else []) + pieces)
    c = xlsxsheet._cells.charrefs(part)
    assert (part if c is None else c) == xlsxsheet._charrefs_numpy(part)

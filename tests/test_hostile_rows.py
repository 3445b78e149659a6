"""Issue 7.5: row accounting — every finding on the row a person sees, blank lines blank, the
delimiter guessed from more than line 1, a bad byte blamed on the right encoding and place."""
import pytest
from click.testing import CliRunner

import cli
from validators import validate

CODE_A = "11450721MB155808114000104002000"
CODE_B = "1145072100811537184452004020000"


def found(report):
    return sorted((f.row, f.code, f.field) for f in report.findings() if f.row is not None)


def test_title_row_with_quoted_newline_keeps_row_numbers(tmp_path):
    # Excel shows: row 1 the two-line title, row 2 the header, rows 3-4 data
    text = ('"灵山县政务服务事项\n实施清单（2024年）",,\n'
            "事项名称,实施编码,事项类型\n"
            f"固定资产投资项目节能审查,{CODE_A},\n"
            f"政府投资项目审批——可行性研究报告审批,{CODE_B},01\n")
    path = tmp_path / "title.csv"
    path.write_text(text, encoding="utf-8")
    report = validate(str(path))
    assert report.rows_read == 2
    assert found(report) == [(3, "element-missing", "item_type")]


def test_title_rows_with_several_quoted_newlines_on_the_exact_reader_too(tmp_path):
    text = ('"第一行\n第二行\n第三行",,\n"说明：\n带*为必填",,\n'
            "事项名称,实施编码,事项类型\n"
            f"甲,{CODE_A},01\n"
            f"乙,{CODE_B},20,多出的一列\n"     # ragged: the exact reader takes over
            f"丙,{CODE_A},\n")
    path = tmp_path / "title2.csv"
    path.write_text(text, encoding="utf-8")
    report = validate(str(path))
    rows = found(report)
    assert (5, "row-malformed", None) in rows
    assert (6, "element-missing", "item_type") in rows and (6, "task-code-duplicate", "task_code") in rows
    assert max(r for r, _c, _f in rows) == 6


def test_whitespace_only_line_is_a_blank_row(tmp_path):
    text = ("事项名称,实施编码,事项类型\n"
            f"固定资产投资项目节能审查,{CODE_A},01\n"
            "   \n"
            " ,\u3000, \n"
            f"政府投资项目审批——可行性研究报告审批,{CODE_B},01\n")
    path = tmp_path / "spaces.csv"
    path.write_text(text, encoding="utf-8")
    report = validate(str(path))
    assert report.rows_read == 4 and report.rows_blank == 2
    assert found(report) == [(3, "row-blank", None), (4, "row-blank", None)]


def test_tsv_whose_title_row_holds_a_comma(tmp_path):
    text = ("灵山县政务服务事项实施清单,2024年\n"
            "事项名称\t实施编码\t事项类型\n"
            f"固定资产投资项目节能审查\t{CODE_A}\t\n"
            f"政府投资项目审批，含可行性研究\t{CODE_B}\t20\n")
    path = tmp_path / "export.tsv"
    path.write_text(text, encoding="utf-8")
    report = validate(str(path))
    assert report.rows_read == 2
    assert report.sources[0].header_row == 2
    assert found(report) == [(3, "element-missing", "item_type")]


def test_invalid_utf8_deep_in_a_utf8_file_is_named_at_its_place(tmp_path):
    head = "事项名称,实施编码,事项类型\n".encode()
    row = f"固定资产投资项目节能审查,{CODE_A},01\n".encode()
    data = head + row * 40_000 + b"\xff\xfe," + row + row
    path = tmp_path / "deep.csv"
    path.write_bytes(data)
    offset = len(head) + len(row) * 40_000
    r = CliRunner().invoke(cli.main, ["validate", str(path), "-q"])
    assert r.exit_code == 3
    assert r.output.strip() == (f"{path} 不是 utf-8 编码（第 40002 行，字节位置 {offset} 处解码失败），"
                                "请用 --encoding 指定，如 --encoding gbk")


def test_invalid_utf8_early_is_not_blamed_on_gb18030(tmp_path):
    head = "事项名称,实施编码,事项类型\n".encode()
    row = f"固定资产投资项目节能审查,{CODE_A},01\n".encode()
    data = head + row * 3 + b"\xc3\x28," + row
    path = tmp_path / "early.csv"
    path.write_bytes(data)
    r = CliRunner().invoke(cli.main, ["validate", str(path), "-q", "--lang", "en"])
    assert r.exit_code == 3
    assert r.output.strip() == (f"{path} is not utf-8 (decoding failed at byte {len(head) + 3 * len(row)}, line 5); "
                                "pass --encoding, e.g. --encoding gbk")


def test_gbk_after_an_ascii_head_is_still_gbk(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(("事项名称,实施编码,事项类型\n" + f"审查,{CODE_A},01\n").encode("gbk"))
    assert validate(str(path)).rows_read == 1


def _exact_and_fast(path, monkeypatch):
    """(frames, problems) of the exact reader and of the default one, which must not use it."""
    import pandas as pd

    from validators.read import csvfile, open_tables

    exact = open_tables(str(path))[0]
    want = pd.concat(list(csvfile._csv_chunks_python(exact)), ignore_index=True)
    used = []
    real = csvfile._csv_chunks_python
    monkeypatch.setattr(csvfile, "_csv_chunks_python", lambda *a, **k: used.append(1) or real(*a, **k))
    table = open_tables(str(path))[0]
    got = pd.concat(list(table._chunker(table)), ignore_index=True)
    monkeypatch.setattr(csvfile, "_csv_chunks_python", real)
    assert not used, "the exact reader took over"
    return (want, exact.problems), (got, table.problems)


@pytest.mark.parametrize("seed", range(6))
def test_rows_of_another_width_are_read_in_place_as_the_exact_reader_reads_them(tmp_path, monkeypatch, seed):
    # a ragged row (an unquoted comma in a cell, a cell missing) no longer hands the rest of the
    # file to the slow exact reader: pyarrow skips it, it is read by the exact rules and put back
    # in its place, at chunk edges and at the end of the file too
    import random

    from validators.read import csvfile

    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 40)
    rng = random.Random(seed)
    lines = ['"灵山县政务服务事项\n实施清单",,,\n', "事项名称,实施编码,事项类型,办理地点\n"]
    for i in range(300):
        kind = rng.random()
        if kind < 0.08:
            lines.append(f"事项{i},{CODE_A},01,灵山县政务服务中心,二楼,3号窗口\n")      # too long
        elif kind < 0.14:
            lines.append(f"事项{i},{CODE_B}\n")                                       # too short
        elif kind < 0.18:
            lines.append(rng.choice(["\n", "   \n", ",,\n", ",,,,,,\n", "\u3000,,,\n"]))
        elif kind < 0.25:
            lines.append(f'"事项{i}\n（第二行）",{CODE_A},"01",办理"地点\n')
        elif kind < 0.3:
            lines.append(f'"多行,\n超长",{CODE_B},01,"甲\n乙",多余\n')                   # ragged, quoted newlines
        else:
            lines.append(f"事项{i},{CODE_A},{rng.choice(['01', '', '20'])},灵山县政务服务中心\r\n")
    if seed % 2:
        lines.append(f"末行,{CODE_A}\n")                                                # ragged last row
    path = tmp_path / "ragged.csv"
    path.write_bytes("".join(lines).encode("gbk" if seed == 3 else "utf-8"))
    (want, want_problems), (got, got_problems) = _exact_and_fast(path, monkeypatch)
    assert got["_row"].tolist() == want["_row"].tolist()
    assert got.fillna("<NA>").astype(str).equals(want.fillna("<NA>").astype(str))
    assert got_problems == want_problems and any(p["code"] == "row-malformed" for p in got_problems)

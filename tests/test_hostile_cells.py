"""Issue 7.2: valid CSVs with very large cells are read whole (over Python's 128 KiB field limit,
over pyarrow's block), every row keeps its number, and over-long elements are still findings."""
from click.testing import CliRunner

import cli
from validators import validate
from validators.read import InputError, read_options

CODE = "11450721MB155808114000104002000"


def _csv(path, cell: str, rows_after: int = 3):
    lines = ["事项名称,实施编码,事项类型,办理地点"]
    lines.append(f'固定资产投资项目节能审查,{CODE},01,"{cell}"')
    for i in range(rows_after):
        lines.append(f"事项{i},1145072100811537184452004020{i:03d},01,灵山县政务服务中心")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cell_over_128_kib_is_read_and_reported_too_long(tmp_path):
    path = _csv(tmp_path / "long.csv", "灵山县三海街道江南路5号" * 20_000)      # ≈ 260k characters
    report = validate(str(path))
    assert report.rows_read == 4
    too_long = [(f.row, f.field) for f in report.findings() if f.code == "element-too-long"]
    assert too_long == [(2, "handling_location")]
    assert not any(f.code == "row-malformed" for f in report.findings())


def test_cell_larger_than_the_reader_block_with_quoted_newlines(tmp_path):
    # 12 MB in one quoted cell, with newlines, quotes and delimiters: pyarrow's 1 MiB blocks cannot
    # hold it ("straddles two block boundaries"); the exact reader takes over from that row
    path = _csv(tmp_path / "huge.csv", '第一段，含逗号,\n“引号”""第二行' * 400_000, rows_after=5)
    report = validate(str(path))
    assert report.rows_read == 6
    assert {f.row for f in report.findings() if f.code == "element-too-long"} == {2}
    rows = sorted({f.row for f in report.findings() if f.row})
    assert max(rows) <= 7


def test_large_cell_after_many_rows_keeps_row_numbers(tmp_path):
    lines = ["事项名称,实施编码,事项类型"]
    lines += [f"事项{i},{CODE},01" for i in range(60_000)]
    lines.append(f'"{"长" * (5 << 20)}",{CODE},')     # row 60002: a 15 MB name, 事项类型 missing
    lines.append(f"末行,{CODE},01")
    path = tmp_path / "late.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate(str(path))
    assert report.rows_read == 60_002
    assert (60002, "element-missing", "item_type") in {(f.row, f.code, f.field) for f in report.findings()}


def test_cell_above_the_cell_limit_names_row_and_option(tmp_path):
    path = _csv(tmp_path / "limit.csv", '一行""\n' * (1 << 20))   # 9 MB: the exact reader checks it
    with read_options(max_cell_kb=1024):
        try:
            list(validate(str(path)).findings())
            raise AssertionError("not refused")
        except InputError as exc:
            assert exc.key == "cell-too-large"
            text = exc.render("zh")
            assert "第 2 行" in text and "1 MB" in text and "--max-cell-mb" in text
    r = CliRunner().invoke(cli.main, ["validate", str(path), "-q", "--max-cell-mb", "1"])
    assert r.exit_code == 3 and "--max-cell-mb" in r.output
    r = CliRunner().invoke(cli.main, ["validate", str(path), "-q", "--fail-on", "never"])
    assert r.exit_code == 0


def test_a_row_longer_than_the_block_is_read_again_with_larger_blocks(tmp_path, monkeypatch):
    # a 6 MB cell after two chunks: pyarrow goes on from that row with larger blocks (not the
    # slow exact reader for the rest of the file), every row once, numbered as the exact read
    import pandas as pd

    from validators.read import csvfile, open_tables

    monkeypatch.setattr(csvfile, "CHUNK_ROWS", 500)
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("事项名称,实施编码,办理流程\n")
        f.writelines(f"事项{i},C{i:08d},\"受理\n审查\"\n" if i % 3 else "\n" for i in range(1200))
        f.write(f'大,C1,"{"长，" * 1_000_000}"\n')
        f.writelines(f"事项{i},D{i:08d},决定\n" for i in range(700))
    exact = list(csvfile._csv_chunks_python(open_tables(str(path))[0]))
    used = []
    monkeypatch.setattr(csvfile, "_csv_chunks_python", lambda *a, **k: used.append(k) or iter(()))
    table = open_tables(str(path))[0]
    got = pd.concat(list(table._chunker(table)), ignore_index=True)
    want = pd.concat(exact, ignore_index=True)
    assert used == []
    assert len(got) == 1901 and got["_row"].tolist() == want["_row"].tolist() == list(range(2, 1903))
    assert got.fillna("").astype(str).equals(want.fillna("").astype(str))
    assert len(got.loc[got["_row"] == 1202, "handling_process"].item()) == 2_000_000

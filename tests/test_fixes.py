"""Suggestions on findings and `sxcheck fix`: checked against the documented truth of the planted
defects (catalogs/sample_defects.csv, clean_value), and round trips that keep the file's shape."""
import csv
import json

import openpyxl
import pytest
from conftest import CATALOGS, GUANGXI, run, write_csv

from validators import validate
from validators.fixes.suggest import suggest, uscc_corrections

MANIFEST = list(csv.DictReader(open(CATALOGS / "sample_defects.csv", encoding="utf-8")))


@pytest.fixture(scope="module")
def sample_findings():
    report = validate(str(CATALOGS / "sample_guides.xlsx"))
    return {(f["row"], f["code"]): f for f in report.iter_findings("zh")}


# rules whose planted defect has a derivable fix, and how sure it is
DERIVABLE = {"uscc-lowercase": "safe", "task-code-body-mismatch": "likely", "task-code-level-mismatch": "likely",
             "instant-case-type-mismatch": "likely", "uscc-check-digit": "candidates",
             "element-wrong-type": "safe"}


def test_every_derivable_planted_defect_carries_the_true_value(sample_findings):
    seen = set()
    for m in MANIFEST:
        if m["code"] not in DERIVABLE or not m["row"]:
            continue
        f = sample_findings[(int(m["row"]), m["code"])]
        s = f["suggestion"]
        assert s and s["confidence"] == DERIVABLE[m["code"]], (m, s)
        if m["code"] == "uscc-check-digit":
            assert m["clean_value"] in s["candidates"]
        elif m["code"] == "element-wrong-type":
            # the planted value is the numeral "二十": what was written converts to 20; the clean
            # record's 15 cannot be derived from the row, so the suggestion is the written number
            assert f["value"] == "二十" and s["value"] == "20"
        else:
            assert s["value"] == m["clean_value"], m
        seen.add(m["code"])
    assert seen == set(DERIVABLE)


def test_findings_without_a_derivable_fix_have_none(sample_findings):
    for (_row, code), f in sample_findings.items():
        if code in ("handling-location-unclear", "element-missing", "legal-basis-unclear", "phone-format-invalid"):
            assert f["suggestion"] is None, code


def test_uscc_candidates_are_every_single_character_correction():
    good = GUANGXI["A"]["implementing_body_code"]          # 11450721MB15580811
    broken = good[:17] + ("0" if good[17] != "0" else "1")
    cands = uscc_corrections(broken)
    assert good in cands and len(cands) > 1 and len(set(cands)) == len(cands)
    s = suggest("uscc-check-digit", broken, {})
    assert s.confidence == "candidates" and s.value is None
    # the row's 实施编码 embeds the right code: one likely value, not a guess among many
    s = suggest("uscc-check-digit", broken, {}, {"task_code": GUANGXI["A"]["task_code"]})
    assert (s.value, s.confidence) == (good, "likely")


@pytest.mark.parametrize("value,expected,confidence", [
    ("二十", "20", "safe"), ("十五", "15", "safe"), ("20天", "20", "likely"),
    ("二十个工作日", "20", "likely"), ("２０", "20", "safe"), ("约二十天左右", None, None)])
def test_numbers_written_in_words(value, expected, confidence):
    s = suggest("element-wrong-type", value, {"kind": "integer"})
    assert (s.value, s.confidence) == (expected, confidence) if expected else s is None


def test_fix_then_validate_removes_exactly_the_safe_findings(tmp_path):
    src = CATALOGS / "sample_guides.xlsx"
    out, log = tmp_path / "fixed.xlsx", tmp_path / "log.csv"
    r = run("fix", src, "-o", out, "--log", log)
    assert r.exit_code == 0, r.output
    before = {(f["row"], f["code"], f["field"]) for f in validate(str(src)).iter_findings("zh")}
    safe = {(f["row"], f["code"], f["field"]) for f in validate(str(src)).iter_findings("zh")
            if f["suggestion"] and f["suggestion"]["confidence"] == "safe"}
    after = {(f["row"], f["code"], f["field"]) for f in validate(str(out)).iter_findings("zh")}
    assert safe and after == before - safe
    rows = list(csv.DictReader(open(log, encoding="utf-8-sig")))
    assert {(int(x["行"]), x["规则"], x["要素"]) for x in rows} == safe
    assert all(x["把握"] == "safe" for x in rows)


def test_xlsx_round_trip_keeps_sheets_header_rows_order_and_formats(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填表说明"
    ws["A1"] = "请按模板填写"
    data = wb.create_sheet("实施清单")
    data.append(["灵山县政务服务事项实施清单（2024）"])
    from validators.core.schema import elements

    cols = list(GUANGXI["A"])
    data.append([elements()[c].title for c in cols])
    row = dict(GUANGXI["A"], implementing_body_code=GUANGXI["A"]["implementing_body_code"].lower(),
               acceptance_conditions="=HYPERLINK(\"http://x\")", legal_time_limit="二十")
    data.append([row[c] for c in cols])
    formula_like = data.cell(row=3, column=cols.index("acceptance_conditions") + 1)
    formula_like.data_type = "s"                              # text in the input that looks like a formula
    data["A3"].font = openpyxl.styles.Font(bold=True, color="FF0000")
    data.column_dimensions["A"].width = 33
    src, out = tmp_path / "in.xlsx", tmp_path / "out.xlsx"
    wb.save(src)
    r = run("fix", src, "-o", out)
    assert r.exit_code == 0, r.output
    got = openpyxl.load_workbook(out)
    assert got.sheetnames == ["填表说明", "实施清单"] and got["填表说明"]["A1"].value == "请按模板填写"
    d = got["实施清单"]
    assert d["A1"].value == "灵山县政务服务事项实施清单（2024）"
    assert [c.value for c in d[2]] == [elements()[c].title for c in cols]
    assert d["A3"].font.bold and d.column_dimensions["A"].width == 33
    j = cols.index("implementing_body_code") + 1
    assert d.cell(row=3, column=j).value == GUANGXI["A"]["implementing_body_code"]
    assert d.cell(row=3, column=cols.index("legal_time_limit") + 1).value == "20"
    k = cols.index("acceptance_conditions") + 1
    assert d.cell(row=3, column=k).data_type == "s"           # stays text, never a formula
    assert not any(c.data_type == "f" for rr in d.iter_rows() for c in rr)


def test_csv_keeps_encoding_delimiter_and_unchanged_rows(tmp_path):
    rec = dict(GUANGXI["A"], implementing_body_code=GUANGXI["A"]["implementing_body_code"].lower())
    src = write_csv(tmp_path / "in.csv", [GUANGXI["B"], rec], encoding="gbk")
    out = tmp_path / "out.csv"
    r = run("fix", src, "-o", out)
    assert r.exit_code == 0, r.output
    raw_in, raw_out = src.read_bytes(), out.read_bytes()
    raw_out.decode("gbk")                                       # still GBK
    lines_in, lines_out = raw_in.decode("gbk").splitlines(), raw_out.decode("gbk").splitlines()
    assert lines_in[:2] == lines_out[:2]                        # header and the untouched row
    assert GUANGXI["A"]["implementing_body_code"] in lines_out[2]
    assert validate(str(out)).summary()["errors"] < validate(str(src)).summary()["errors"]


def test_fix_refuses_to_overwrite_its_input_and_dry_run_writes_nothing(tmp_path):
    src = write_csv(tmp_path / "in.csv", [dict(GUANGXI["A"], legal_time_limit="二十")])
    r = run("fix", src, "-o", src)
    assert r.exit_code == 2 and "input" in r.output
    r = run("fix", src, "--dry-run")
    assert r.exit_code == 0 and "element-wrong-type" in r.stdout and "二十" in r.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_suggestion_is_in_the_json_report(tmp_path):
    src = write_csv(tmp_path / "in.csv", [dict(GUANGXI["A"], legal_time_limit="二十")])
    doc = json.loads(run("validate", src, "--format", "json", "-q").stdout)
    f = [x for x in doc["findings"] if x["code"] == "element-wrong-type"][0]
    assert f["suggestion"] == {"value": "20", "confidence": "safe"}


@pytest.mark.parametrize("code,value,expected", [
    ("legal-basis-doc-number-brackets", "《国务院关于第三批取消中央指定地方实施行政许可事项的决定》（国发【2017】7号）",
     "《国务院关于第三批取消中央指定地方实施行政许可事项的决定》（国发〔2017〕7号）"),
    ("legal-basis-doc-number-brackets", "依据粤府[2019]12号文第三条", "依据粤府〔2019〕12号文第三条"),
    ("legal-basis-leading-junk", ";1、《中华人民共和国行政许可法》第二十九条", "《中华人民共和国行政许可法》第二十九条"),
    ("legal-basis-leading-junk", "，《城镇燃气管理条例》第十五条", "《城镇燃气管理条例》第十五条"),
    ("legal-basis-wrapped-in-quotes", "“《城镇燃气管理条例》第十五条”", "《城镇燃气管理条例》第十五条"),
])
def test_legal_basis_hygiene_is_fixed_safely(code, value, expected):
    from validators.checks.clarity import check_clarity  # noqa: F401  (the rules exist)

    s = suggest(code, value, {})
    assert (s.value, s.confidence) == (expected, "safe")


def test_uscc_corrections_equal_the_brute_force_search():
    """The incremental check-sum search finds exactly the codes a full recomputation finds."""
    import random
    import re

    from validators.checks.codes import USCC_ALPHABET, uscc_check_char
    from validators.core.schema import USCC_PATTERN

    shape = re.compile(f"^{USCC_PATTERN}$")

    def brute(code):
        out = []
        if all(c in USCC_ALPHABET for c in code[:17]) and uscc_check_char(code[:17]) != code[17]:
            out.append(code[:17] + uscc_check_char(code[:17]))
        for i in range(17):
            for c in USCC_ALPHABET:
                cand = code[:i] + c + code[i + 1:]
                if c != code[i] and shape.match(cand) and uscc_check_char(cand[:17]) == cand[17]:
                    out.append(cand)
        return out

    rng = random.Random(7)
    found = 0
    for _ in range(1500):
        code = "".join(rng.choice(USCC_ALPHABET + "IOSZ-" if rng.random() < 0.05 else USCC_ALPHABET)
                       for _ in range(18))
        code = code[:2] + "".join(rng.choice("0123456789") for _ in range(6)) + code[8:]
        assert uscc_corrections(code) == brute(code), code
        found += len(brute(code))
    assert found > 1000


def test_csv_with_a_line_break_inside_a_cell_takes_the_record_path(tmp_path):
    """A quoted line break: records are not lines, so the file is rewritten record by record."""
    rec = dict(GUANGXI["A"], implementing_body_code=GUANGXI["A"]["implementing_body_code"].lower(),
               acceptance_conditions="项目已按规定编制节能报告\n（第二行）")
    src = write_csv(tmp_path / "in.csv", [GUANGXI["B"], rec])
    out = tmp_path / "out.csv"
    assert run("fix", src, "-o", out).exit_code == 0
    rows = list(csv.reader(open(out, encoding="utf-8-sig", newline="")))
    assert len(rows) == 3 and "（第二行）" in "".join(rows[2])
    assert GUANGXI["A"]["implementing_body_code"] in rows[2]


def test_line_spans_cross_blocks_crlf_and_an_open_last_line(tmp_path):
    from validators.fixes.apply import _line_spans

    data = "事项名称,实施编码\r\n" + "".join(f"事项{i},{i:031d}\n" for i in range(40)) + "末行,无换行"
    path = tmp_path / "l.csv"
    path.write_bytes(data.encode("gbk"))
    raw = path.read_bytes()
    lines = raw.splitlines(keepends=True)
    for block in (7, 64, 1 << 20):
        spans, total = _line_spans(str(path), {1, 2, 17, 41, 42}, block=block)
        assert total == 42
        assert {n: raw[a:b] for n, (a, b) in spans.items()} == {n: lines[n - 1] for n in (1, 2, 17, 41, 42)}
    path.write_bytes(b"a\nb\n")
    assert _line_spans(str(path), {2, 3})[0] == {2: (2, 4)} and _line_spans(str(path), set())[1] == 2

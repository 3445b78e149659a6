"""Coding rules on the real codes of domain.md §3 and §8 and the malformed ones of §3.4."""
import pytest

from conftest import found, write_csv
from validators import validate
from validators.checks.codes import classify_catalog, classify_task, classify_uscc, org_check_char, uscc_check_char


@pytest.mark.parametrize("code", ["11450721MB15580811", "114507210081153718", "11450721348531435D"])
def test_real_uscc_pass(code):
    assert uscc_check_char(code[:17]) == code[17]
    assert classify_uscc(code) is None


def test_worked_example_checksums():
    assert uscc_check_char("11450721348531435") == "D"  # a letter check character
    assert org_check_char("MB155808") == "1"


@pytest.mark.parametrize("code,rule", [
    ("11450721MB1558081", "uscc-length"),            # 17-character truncation
    ("MB1558081", "uscc-org-code-only"),             # organization code instead of USCC
    ("MB155808-1", "uscc-org-code-only"),            # printed XXXXXXXX-X
    ("11450721mb15580811", "uscc-lowercase"),
    ("2222222222222", "uscc-placeholder"),
    ("1111111111111111", "uscc-placeholder"),
    ("TE450721MB1558081", "uscc-placeholder"),       # prefixed junk
    ("11450721MB1558O811", "uscc-charset"),          # letter O is not in the GB 32100 set
    ("11450721MB15580812", "uscc-check-digit"),
])
def test_malformed_uscc(code, rule):
    assert classify_uscc(code)[0] == rule


def test_check_digit_params_name_expected_char():
    rule, params = classify_uscc("11450721MB15580812")
    assert params == {"expected": "1", "actual": "2"}


@pytest.mark.parametrize("code,rule", [
    ("000104002000", None), ("452004020000", None),
    ("00010400200", "catalog-code-format"),          # 11 digits
    ("001504002000", "catalog-code-format"),         # TT 15 is no item type
    ("511A0138000000", "catalog-code-local"),        # Sichuan local base code
    ("XK10010001", "catalog-code-local"),            # Guizhou 10-character scheme
])
def test_catalog_codes(code, rule):
    r = classify_catalog(code)
    assert (r[0] if r else None) == rule


@pytest.mark.parametrize("code,rule", [
    ("11450721MB155808114000104002000", None),
    ("11450721MB15580811400014100500001", None),   # 31 + 2-digit 办理项 number (issue 8, item 6)
    ("11450721MB1558081140001410050000", "task-code-length"),    # 32 characters
    ("511A0138000000-511602000000-000-11450721MB15580811-1-00", "task-code-local"),
    ("11450721MB1558081140001040020OO", "task-code-format"),
])
def test_task_codes(code, rule):
    r = classify_task(code)
    assert (r[0] if r else None) == rule


def test_guangxi_records_codes_pass(tmp_path, guangxi):
    report = validate(str(write_csv(tmp_path / "gx.csv", list(guangxi.values()))))
    code_rules = {f.code for f in report.findings() if f.code.startswith(("uscc-", "task-code", "catalog-code"))}
    assert code_rules == set()


def test_guangxi_negative_record_c(tmp_path, guangxi):
    report = validate(str(write_csv(tmp_path / "gx.csv", list(guangxi.values()))))
    errors = {(f.row, f.code, f.field) for f in report.findings() if f.severity.value == "error"}
    # only record C (row 4) has an error: online handling with the address "无"
    assert errors == {(4, "online-without-url", "online_url")}
    c = found(report, 4)
    assert (4, "time-limit-note-mismatch", "legal_time_limit_note") in c     # 66 vs 20个工作日
    assert (4, "time-limit-note-mismatch", "promised_time_limit_note") in c  # 24 vs 1个工作日
    assert (4, "legal-basis-no-article", "legal_basis") in c                 # 根据《全民健身法》
    assert (5, "element-not-in-codelist", "online_depth") in found(report, 5)  # D: 网办深度 9
    assert (3, "type-name-mismatch", "item_type") in found(report, 3)          # B: 审批 typed 20


@pytest.mark.parametrize("field,value,rule", [
    ("implementing_body_code", "11450721MB1558081", "uscc-length"),
    ("implementing_body_code", "MB155808-1", "uscc-org-code-only"),
    ("catalog_code", "000204002000", "catalog-code-type-mismatch"),
    ("task_code", "11450721MB155808113000104002000", "task-code-level-mismatch"),
    ("task_code", "11450721MB155808114000104003000", "task-code-catalog-mismatch"),
    ("task_code", "114507210081153718" + "4000104002000", "task-code-body-mismatch"),
])
def test_cross_field_codes(tmp_path, guangxi, field, value, rule):
    rec = guangxi["A"]
    rec[field] = value
    report = validate(str(write_csv(tmp_path / "one.csv", [rec])))
    assert rule in {f.code for f in report.findings() if f.row == 2}


def test_duplicate_task_code_points_to_first_row(tmp_path, guangxi):
    a = guangxi["A"]
    report = validate(str(write_csv(tmp_path / "dup.csv", [a, guangxi["B"], dict(a)])))
    dups = [f for f in report.findings() if f.code == "task-code-duplicate"]
    assert [(f.row, f.params["first_row"]) for f in dups] == [(4, 2)]
    assert "uniqueness-violated" in {f.code for f in report.findings() if f.row is None}


def test_catalog_code_that_lost_its_leading_zeros():
    assert classify_catalog("104002000") == ("catalog-code-leading-zeros", {"length": 9, "suggest": "000104002000"})
    assert classify_catalog("00010400200")[0] == "catalog-code-format"    # 11 digits, zfill gives TT 00


def test_excel_numeric_codes_give_one_finding_per_row(tmp_path, guangxi):
    rec = dict(guangxi["A"], catalog_code="104002000")                    # 000104002000 saved as a number
    report = validate(str(write_csv(tmp_path / "z.csv", [rec])))
    assert {(f.code, f.field) for f in report.findings() if f.severity.value == "error"} == \
        {("catalog-code-leading-zeros", "catalog_code")}


def test_code_segments_sliced_as_bytes_equal_the_character_slice():
    """实施编码 segments are cut as bytes when every code is ASCII; the text is the character
    slice's, on slices of arrays, nulls, short and long codes, and codes with a full-width or
    Chinese character (which take the character path)."""
    import random

    import pyarrow as pa
    import pyarrow.compute as pc

    from validators.checks.codes import _slice

    rnd = random.Random(1)
    for _ in range(1500):
        alphabet = "0123456789AB" if rnd.random() < 0.7 else "0123456789AB１号"
        values = [None if rnd.random() < 0.1 else "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
                  for _ in range(rnd.randint(0, 8))]
        arr = pa.array(values, pa.large_string())
        for part in (arr, arr.slice(1)):
            for start, stop in ((0, 18), (19, 31), (18, 19), (0, 31), (5, 2), (40, 50)):
                assert _slice(part, start, stop).equals(pc.utf8_slice_codeunits(part, start, stop)), values

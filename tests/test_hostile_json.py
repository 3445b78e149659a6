"""Issue 7.3: hostile JSON — deep nesting, huge integers, one bad JSONL line, raw line separators
inside strings, duplicate keys — and issue 16.6: channel API envelopes and --json-path."""
import json

from conftest import run
from validators import validate
from validators.read import InputError

REC = {"taskName": "固定资产投资项目节能审查", "taskCode": "11450721MB155808114000104002000", "taskType": "01",
       "implementOrg": "灵山县行政审批局"}


def test_nesting_100k_deep_is_one_clear_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" + "[" * 100_000 + "]" * 100_000 + "]")
    r = run("validate", path, "-q")
    assert r.exit_code == 3
    assert r.output.strip() == f"{path} 的 JSON 嵌套层数过深（数千层），不是事项数据，拒绝读取"
    assert "RecursionError" not in r.output and "内部错误" not in r.output


def test_5000_digit_integer_is_read_as_text(tmp_path):
    path = tmp_path / "bigint.json"
    path.write_text(json.dumps([REC]).replace('"01"', "1" + "0" * 5000))
    report = validate(str(path))
    assert report.rows_read == 1
    codes = {(f.row, f.code, f.field) for f in report.findings()}
    assert (1, "item-type-unknown", "item_type") in codes
    r = run("validate", path, "-q")
    assert r.exit_code == 1 and "ValueError" not in r.output


def test_one_bad_jsonl_line_is_one_finding_not_a_rejected_file(tmp_path):
    lines = [json.dumps(REC, ensure_ascii=False)] * 4
    lines[1] = '{"taskName": ' + "[" * 100_000 + "]" * 100_000 + "}"        # too deep
    lines[2] = '{"taskName": "x", "taskType": ' + "9" * 5000 + "}"           # long number: fine
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate(str(path))
    assert report.rows_read == 4
    malformed = [(f.row, f.params.get("detail")) for f in report.findings() if f.code == "row-malformed"]
    assert malformed == [(2, "nesting too deep")]


def test_raw_line_separators_inside_strings_stay_in_one_record(tmp_path):
    names = ["节能\u2028审查", "节能\u0085审查", "节能\u2029审查\x1c", "末条"]
    lines = [json.dumps(dict(REC, taskName=n, taskCode=f"11450721MB15580811400010400200{i}"), ensure_ascii=False)
             for i, n in enumerate(names)]
    path = tmp_path / "seps.jsonl"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")   # CRLF line ends too
    report = validate(str(path))
    assert report.rows_read == 4
    assert not any(f.code == "row-malformed" for f in report.findings())


def test_duplicate_keys_are_reported_with_row_and_key(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('[{"taskName":"甲","taskCode":"11450721MB155808114000104002000","taskType":"01"},'
                    '{"taskName":"乙","taskCode":"11450721MB155808114000104002001","taskName":"丙",'
                    '"taskType":"01","byLaws":[{"lawName":"a","lawName":"b"}]}]', encoding="utf-8")
    report = validate(str(path))
    dups = sorted((f.row, f.field, f.value) for f in report.findings() if f.code == "json-duplicate-key")
    assert dups == [(2, "item_name", "taskName"), (2, "legal_basis", "byLaws.lawName")]
    zh = [f["message"] for f in report.iter_findings("zh") if f["code"] == "json-duplicate-key"]
    en = [f["message"] for f in report.iter_findings("en") if f["code"] == "json-duplicate-key"]
    assert "该条记录中键“taskName”出现多次，只保留了最后一个值" in zh
    assert 'The key "taskName" appears more than once in this record; only the last value was kept' in en


def test_channel_envelopes_are_found(tmp_path):
    envelopes = {
        "data.list": {"code": 200, "msg": "成功", "data": {"total": 2, "pageNum": 1, "list": [REC, REC]}},
        "result.records": {"success": True, "result": {"records": [REC, REC], "tags": [{"id": 1}]}},
        "rows": {"total": 2, "rows": [REC, REC]},
    }
    for where, doc in envelopes.items():
        path = tmp_path / f"{where}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        report = validate(str(path))
        assert report.rows_read == 2, where
        assert report.sources[0].columns["item_name"] == "taskName"


def test_json_path_chooses_and_explains(tmp_path):
    doc = {"data": {"list": [REC], "history": [REC, REC, REC]}}
    path = tmp_path / "two.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = run("validate", path, "-q", "--json-path", "data.history", "--format", "json", "--fail-on", "never")
    assert r.exit_code == 0 and json.loads(r.output)["summary"]["rows"] == 3
    r = run("validate", path, "-q", "--json-path", "data.items")
    assert r.exit_code == 3
    assert r.output.strip() == f"{path} 中找不到 --json-path data.items（含对象数组的位置：data.list、data.history）"
    r = run("validate", path, "-q", "--json-path", "data", "--lang", "en")
    assert r.exit_code == 3 and "does not point to an array" in r.output


def test_lone_surrogate_escape_never_crashes(tmp_path):
    path = tmp_path / "sur.json"
    path.write_text('[{"taskName":"事项\\ud83d","taskCode":"11450721MB155808114000104002000","taskType":"01"}]')
    for fmt in ("table", "json", "junit", "sarif", "markdown"):
        r = run("validate", path, "-q", "--format", fmt, "--fail-on", "never", "--limit", "50")
        assert r.exit_code == 0, (fmt, r.output)
    try:
        validate(str(path))
    except InputError:  # pragma: no cover
        raise AssertionError("refused")

"""``sxcheck sources``: exit codes, the --min-rate gate, formats, usage errors, JSON figures."""
import json

from click.testing import CliRunner
from conftest import SOURCES_APP as APP, SOURCES_HALL as HALL, SOURCES_REF as REF
from jsonschema import Draft202012Validator

import cli
from schemas import load_json


def run(*args):
    return CliRunner().invoke(cli.main, ["sources", *[str(a) for a in args]])


def test_exit_codes_and_min_rate_gate(tmp_path):
    assert run(REF, APP, HALL, "-q").exit_code == 1                     # missing items are errors
    assert run(REF, APP, HALL, "-q", "--fail-on", "never").exit_code == 0
    # app 222/228 = 97.4 %, hall 212/216 = 98.1 %
    assert run(REF, APP, HALL, "-q", "--fail-on", "never", "--min-rate", "0.97").exit_code == 0
    assert run(REF, APP, HALL, "-q", "--fail-on", "never", "--min-rate", "0.975").exit_code == 1
    assert run(REF, HALL, "-q", "--fail-on", "never", "--min-rate", "0.98").exit_code == 0
    assert run(REF, REF, "-q").exit_code == 0                           # a source against itself


def test_usage_and_input_errors(tmp_path):
    assert run(REF).exit_code == 2                                       # no channel
    assert run(REF, APP, "--format", "xlsx").exit_code == 2              # needs --output
    assert run(REF, APP, "--format", "csv").exit_code == 2
    r = run(REF, APP, "--fields", "办理时间,颜色")
    assert r.exit_code == 2 and "颜色" in r.output
    assert run(REF, APP, "--key", "guess").exit_code == 2
    r = run(REF, tmp_path / "missing.json")
    assert r.exit_code == 3 and "找不到文件" in r.output and "Traceback" not in r.output


def test_json_report_carries_the_rates(tmp_path):
    out = tmp_path / "r.json"
    r = run(REF, APP, HALL, "--format", "json", "-o", out, "--fail-on", "never", "--lang", "en")
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    Draft202012Validator(load_json("report.schema.json")).validate(data)
    app = data["stats"]["same_source"]["channels"][0]
    assert app["same_source_rate"] == {"numerator": 222, "denominator": 228, "rate": round(222 / 228, 6)}
    codes = sorted(f["code"] for f in data["findings"] if f["code"].startswith("source-"))
    assert len(codes) == 17 and codes.count("source-item-missing") == 2


def test_xlsx_csv_and_table_outputs(tmp_path):
    assert run(REF, APP, "--format", "xlsx", "-o", tmp_path / "d.xlsx", "--fail-on", "never").exit_code == 0
    assert (tmp_path / "d.xlsx").stat().st_size > 0
    assert run(REF, APP, "--format", "csv", "-o", tmp_path / "d.csv", "--fail-on", "never").exit_code == 0
    assert (tmp_path / "d.csv").read_text(encoding="utf-8-sig").count("\n") == 1 + 9
    r = run(REF, APP, "--fields", "办理时间,申请材料", "--fail-on", "never")
    assert r.exit_code == 0 and "人力资源服务许可" in r.output and "(35/38)" in r.output
    for fmt in ("sarif", "junit", "markdown"):
        assert run(REF, APP, "--format", fmt, "-o", tmp_path / f"r.{fmt}", "--fail-on", "never").exit_code == 0


def test_help_and_explain():
    r = CliRunner().invoke(cli.main, ["sources", "--help"])
    assert r.exit_code == 0 and "同源率" in r.output and "sxcheck sources catalogs/sources_reference.csv" in r.output
    r = CliRunner().invoke(cli.main, ["explain", "sources"])
    assert r.exit_code == 0 and "同源率" in r.output
    r = CliRunner().invoke(cli.main, ["explain", "source-value-mismatch", "--lang", "en"])
    assert r.exit_code == 0 and "Element differs from the reference" in r.output


def test_pairs_file(tmp_path):
    out = tmp_path / "pairs.csv"
    assert run(REF, HALL, "--pairs", out, "-q", "--fail-on", "never").exit_code == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("渠道,状态,配对方式,渠道行号,参考源行号") and len(lines) == 1 + 21
    assert any(",已配对,事项名称+实施主体,12,11," in line for line in lines)

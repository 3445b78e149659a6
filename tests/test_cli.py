"""The command line: exit codes, formats, languages, help with examples, no heavy import for help."""
import json
import subprocess
import sys
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from conftest import GUANGXI, ROOT, run, write_csv
from schemas import load_json
import cli


@pytest.fixture
def files(tmp_path):
    good = write_csv(tmp_path / "good.csv", [GUANGXI["A"], GUANGXI["B"]])
    bad = write_csv(tmp_path / "bad.csv", [GUANGXI["A"], GUANGXI["C"]])
    return good, bad


def test_exit_codes(files, tmp_path):
    good, bad = files
    assert run("validate", good, "-q").exit_code == 0
    assert run("validate", bad, "-q").exit_code == 1
    assert run("validate", bad, "-q", "--fail-on", "never").exit_code == 0
    assert run("validate", good, "-q", "--fail-on", "warning").exit_code == 0   # B has an info finding only
    warn = write_csv(tmp_path / "warn.csv", [GUANGXI["D"]])                      # 网办深度 9: a warning
    assert run("validate", warn, "-q").exit_code == 0
    assert run("validate", warn, "-q", "--fail-on", "warning").exit_code == 1
    assert run("validate", good, "--format", "nope").exit_code == 2
    assert run("validate").exit_code == 2
    r = run("validate", tmp_path / "missing.csv")
    assert r.exit_code == 3 and "找不到文件" in r.output and "Traceback" not in r.output
    (tmp_path / "bad.xlsx").write_bytes(b"garbage")
    r = run("validate", tmp_path / "bad.xlsx", "--lang", "en")
    assert r.exit_code == 3 and "not a valid Excel file" in r.output


def test_json_output_matches_published_schema_and_library(files, tmp_path):
    _good, bad = files
    out = tmp_path / "r.json"
    r = run("validate", bad, "--format", "json", "-o", out, "--fail-on", "never")
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    errors = list(Draft202012Validator(load_json("report.schema.json")).iter_errors(doc))
    assert errors == []
    assert doc["tool"]["name"] == "sxcheck"
    f = next(x for x in doc["findings"] if x["code"] == "online-without-url")
    assert (f["row"], f["field"], f["value"], f["item"]) == (3, "online_url", "无", GUANGXI["C"]["task_code"])
    assert f["message"].startswith("是否网办为“是”")
    from validators import validate

    lib = validate(str(bad)).to_dict("zh")
    assert [(x["code"], x["row"], x["field"]) for x in lib["findings"]] == \
        [(x["code"], x["row"], x["field"]) for x in doc["findings"]]


def test_english_messages(files):
    _good, bad = files
    r = run("validate", bad, "--format", "json", "--lang", "en", "--fail-on", "never")
    doc = json.loads(r.stdout)
    msgs = {x["code"]: x["message"] for x in doc["findings"]}
    assert msgs["online-without-url"].startswith("Online handling is flagged")


def test_junit_and_sarif(files):
    _good, bad = files
    junit = ET.fromstring(run("validate", bad, "--format", "junit").stdout.split("\n", 1)[1])
    assert sum(int(s.get("failures")) for s in junit.iter("testsuite")) >= 1   # Ant: no totals on testsuites
    assert any(tc.get("name") == "online-without-url" and tc.find("failure") is not None for tc in junit.iter("testcase"))
    sarif = json.loads(run("validate", bad, "--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    res = [x for x in sarif["runs"][0]["results"] if x["ruleId"] == "online-without-url"]
    assert res[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert res[0]["level"] == "error"


def test_markdown_and_table(files):
    _good, bad = files
    md = run("validate", bad, "--format", "markdown").output
    assert "| ❌ | `online-without-url` |" in md
    table = run("validate", bad).output
    assert "online-without-url" in table and "第3行" in table


def test_rules_and_explain():
    r = run("rules")
    assert r.exit_code == 0 and "uscc-check-digit" in r.output
    r = run("explain", "handling-hours-unclear", "--lang", "en")
    assert r.exit_code == 0 and "Handling hours unclear" in r.output
    assert run("explain", "no-such-rule").exit_code == 2
    r = run("explain", "conform")
    assert r.exit_code == 0 and "基本目录符合率" in r.output and "实施清单符合率" in r.output


@pytest.mark.parametrize("cmd", [[], ["validate"], ["conform"], ["rules"], ["explain"]])
def test_every_help_has_an_example(cmd):
    r = run(*cmd, "--help")
    assert r.exit_code == 0 and "sxcheck " in r.output and ("示例" in r.output)


def test_help_imports_no_pandas_or_gx():
    code = ("import sys, cli, validators\n"
            "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pandas', 'great_expectations', 'pyarrow', 'jsonschema') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_unknown_severity_override_is_a_usage_error(files):
    good, _bad = files
    r = run("validate", good, "--severity", "no-such-rule=info")
    assert r.exit_code == 2 and "no-such-rule" in r.output


def test_gx_docs_requires_gx_engine(files, tmp_path):
    good, _bad = files
    assert run("validate", good, "--gx-docs", tmp_path / "d").exit_code == 2


def test_annotated_xlsx(files, tmp_path):
    import openpyxl

    _good, bad = files
    out = tmp_path / "marked.xlsx"
    assert run("validate", bad, "--format", "xlsx").exit_code == 2          # needs --output
    assert run("validate", bad, "--format", "xlsx", "-o", out).exit_code == 1
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["汇总", "问题清单"]
    marked = wb[next(n for n in wb.sheetnames if n.startswith("标注-"))]
    assert marked.cell(row=2, column=1).value == 3                          # record C's original row
    header = [c.value for c in marked[1]]
    url = marked.cell(row=2, column=header.index("网办地址") + 1)
    assert url.value == "无" and "网办地址" in url.comment.text
    assert url.fill.fgColor.rgb.endswith("FFC7CE")                          # error colour


def test_conform_cli_gate_json_and_matches(tmp_path):
    from conftest import CATALOGS

    local, base = CATALOGS / "local_catalog_sample.csv", CATALOGS / "national_base_sample.csv"
    out, matches = tmp_path / "c.json", tmp_path / "m.xlsx"
    r = run("conform", local, "--base", base, "--format", "json", "-o", out, "--matches", matches,
            "--fail-on", "never", "-q")
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert list(Draft202012Validator(load_json("report.schema.json")).iter_errors(doc)) == []
    rates = doc["stats"]["rates"]
    gate = rates[rates["gate"]]
    assert gate["numerator"] / gate["denominator"] == pytest.approx(gate["rate"], abs=1e-6)
    assert matches.exists()
    assert run("conform", local, "--base", base, "--fail-on", "never", "-q",
               "--min-rate", f"{gate['rate'] + 0.01:.4f}").exit_code == 1
    assert run("conform", local, "--base", base, "--fail-on", "never", "-q",
               "--min-rate", f"{max(gate['rate'] - 0.01, 0):.4f}").exit_code == 0
    assert run("conform", local, "--base", tmp_path / "nope.csv").exit_code == 3
    assert run("conform", local, "--base", base, "--review-threshold", "99").exit_code == 2


def test_unwritable_output_is_exit_3(files, tmp_path):
    good, _bad = files
    r = run("validate", good, "--format", "json", "-o", tmp_path / "no-such-dir" / "r.json")
    assert r.exit_code == 3 and "文件读写失败" in r.output


def test_streamed_json_equals_the_library_dict(files):
    import io

    from validators import validate
    from validators.exporters.json_report import write_json

    _good, bad = files
    report = validate(str(bad))
    buf = io.StringIO()
    write_json(report, buf, lang="en")
    assert json.loads(buf.getvalue()) == json.loads(json.dumps(report.to_dict("en"), ensure_ascii=False))


def test_engine_gx_without_the_extra_says_how_to_install(files, monkeypatch):
    good, _bad = files
    monkeypatch.setattr("validators.checks.gx_engine.gx_available", lambda: False)
    r = run("validate", good, "--engine", "gx", "-q")
    assert r.exit_code == 2
    assert "pip install 'sxcheck[gx]'" in r.output and "Traceback" not in r.output
    r = run("validate", good, "--engine", "gx", "-q", "--lang", "en")
    assert r.exit_code == 2 and "great_expectations" in r.output


def test_core_install_does_not_require_great_expectations():
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.startswith("great-expectations") for d in meta["dependencies"])
    assert any(d.startswith("great-expectations") for d in meta["optional-dependencies"]["gx"])
    assert "sxcheck[gx]" in meta["optional-dependencies"]["dev"]


def test_output_file_gets_an_outcome_line_on_stderr(files, tmp_path):
    _good, bad = files
    out = tmp_path / "r.json"
    r = CliRunner().invoke(cli.main, ["validate", str(bad), "--format", "json", "-o", str(out)])
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith(f"已写入 {out}（json）：错误 ")
    assert lines[-1].startswith("--fail-on error：错误 ") and lines[-1].endswith("未通过；退出码 1")
    r = CliRunner().invoke(cli.main, ["validate", str(bad), "--format", "json", "-o", str(out), "-q"])
    assert r.exit_code == 1 and r.stderr == ""


def test_rate_gate_says_which_gate_and_by_how_much(tmp_path):
    local, base = ROOT / "catalogs" / "local_catalog_sample.csv", ROOT / "catalogs" / "national_base_sample.csv"
    out = tmp_path / "c.json"
    r = CliRunner().invoke(cli.main, ["conform", str(local), "--base", str(base), "--fail-on", "never",
                                      "--min-rate", "0.9", "--format", "json", "-o", str(out), "--lang", "en"])
    assert r.exit_code == 1
    last = r.stderr.strip().splitlines()[-1]
    assert "--min-rate 90.00%: implementation-list conformity 52.60% (-37.40 points), failed" in last
    assert last.endswith("exit code 1")
    gate = json.loads(out.read_text(encoding="utf-8"))["stats"]["gate"]
    assert gate == {"rate_name": "task_conformity", "min_rate": 0.9, "rate": 0.526042, "passed": False}


def test_help_follows_lang_and_environment():
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    zh = subprocess.run([sys.executable, str(ROOT / "cli.py"), "validate", "--help"], capture_output=True,
                        text=True, env=env).stdout
    en = subprocess.run([sys.executable, str(ROOT / "cli.py"), "validate", "--help", "--lang", "en"],
                        capture_output=True, text=True, env=env).stdout
    env_en = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--help"], capture_output=True, text=True,
                            env={**env, "SXCHECK_LANG": "en"}).stdout
    assert "检查办事指南" in zh and "显示本帮助并退出" in zh
    assert "Check service-guide" in en and "检查办事指南" not in en and "Show this message" in en
    assert "data-quality checks" in env_en and "Show the version" in env_en


def test_lang_from_environment(files, monkeypatch):
    _good, bad = files
    monkeypatch.setenv("SXCHECK_LANG", "en")
    r = run("validate", bad, "--format", "json", "--limit", "5")
    assert r.exit_code == 1 and json.loads(r.stdout)["lang"] == "en"


def test_explain_conform_ships_what_it_cites():
    r = run("explain", "conform")
    assert r.exit_code == 0 and "sxcheck explain conform --full" in r.output and "docs/" not in r.output
    full = run("explain", "conform", "--full")
    assert full.exit_code == 0 and "基本目录符合率" in full.output and "domain" not in full.output


def test_duplicate_names_the_first_sheet(tmp_path):
    import openpyxl

    from conftest import GUANGXI
    from validators.core.schema import elements

    wb = openpyxl.Workbook()
    cols = list(GUANGXI["A"])
    for name in ("省直", "市直"):
        ws = wb.create_sheet(name)
        ws.append([elements()[c].title for c in cols])
        ws.append([GUANGXI["A"][c] for c in cols])
    del wb["Sheet"]
    p = tmp_path / "two.xlsx"
    wb.save(p)
    r = run("validate", p, "--format", "json")
    dup = [f for f in json.loads(r.stdout)["findings"] if f["code"] == "task-code-duplicate"]
    assert len(dup) == 1 and dup[0]["sheet"] == "市直"
    assert f"首次出现在 {p}[省直] 第 2 行" in dup[0]["message"]

"""sxcheck check as the gate of a catalog repository: configuration, selection, baseline, waivers,
--changed-since, and the end-to-end story of issue 12 in a temporary git repository."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from conftest import CATALOGS, ROOT

import cli

with open(CATALOGS / "clean_guides.csv", encoding="utf-8-sig") as _fh:
    CLEAN = list(csv.DictReader(_fh))
HEADER = list(CLEAN[0])
CONFIG = """\
inputs = ["depts/*.csv"]
scope = "per-file"

[outputs]
junit = "reports/junit.xml"
sarif = "reports/sxcheck.sarif"
codequality = "reports/gl-code-quality.json"
markdown = "reports/sxcheck.md"
json = "reports/sxcheck.json"
"""


def write_dept(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, HEADER)
        w.writeheader()
        w.writerows(rows)


def depts():
    """Two department files cut from the clean sample, each with one known defect."""
    a, b = [dict(r) for r in CLEAN[:60]], [dict(r) for r in CLEAN[60:]]
    a[10]["办理时间"] = "详见公告"                 # handling-hours-unclear, row 12
    b[30]["实施主体编码"] = "MB1558081"              # uscc-org-code-only, row 32
    return a, b


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"})


def run(repo, *args, monkeypatch=None):
    old = os.getcwd()
    os.chdir(repo)
    try:
        return CliRunner().invoke(cli.main, list(args))
    finally:
        os.chdir(old)


@pytest.fixture
def repo(tmp_path):
    if not shutil.which("git"):
        pytest.skip("git is not installed")
    (tmp_path / "sxcheck.toml").write_text(CONFIG, encoding="utf-8")
    a, b = depts()
    write_dept(tmp_path / "depts" / "甲局.csv", a)
    write_dept(tmp_path / "depts" / "乙局.csv", b)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "catalog")
    return tmp_path


def reports(repo):
    d = repo / "reports"
    junit = ET.parse(d / "junit.xml").getroot()
    sarif = json.loads((d / "sxcheck.sarif").read_text(encoding="utf-8"))
    cq = json.loads((d / "gl-code-quality.json").read_text(encoding="utf-8"))
    md = (d / "sxcheck.md").read_text(encoding="utf-8")
    return junit, sarif, cq, md


def test_end_to_end_baseline_new_defect_fixed_and_expired_waiver(repo):
    r = run(repo, "check")
    assert r.exit_code == 1, r.output
    junit, sarif, cq, md = reports(repo)
    assert {x["ruleId"] for x in sarif["runs"][0]["results"]} == {"handling-hours-unclear", "uscc-org-code-only"}

    r = run(repo, "check", "--write-baseline")
    assert r.exit_code == 0, r.output
    assert (repo / ".sxcheck-baseline.json").exists()
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "baseline")
    assert run(repo, "check").exit_code == 0

    # one new defect, committed
    a, b = depts()
    b[5]["办理时间"] = ""                            # element-missing, row 7 of 乙局.csv
    write_dept(repo / "depts" / "乙局.csv", b)
    git(repo, "commit", "-qam", "new defect")
    r = run(repo, "check")
    assert r.exit_code == 1, r.output
    assert "新增 1 条，已知 2 条，已修复 0 条" in r.output
    junit, sarif, cq, md = reports(repo)
    failures = [(tc.get("classname"), tc.get("name")) for tc in junit.iter("testcase") if tc.find("failure") is not None]
    assert failures == [("depts/乙局.csv", "element-missing")]
    assert "第7行" in junit.find(".//failure").text
    results = sarif["runs"][0]["results"]
    assert [(x["ruleId"], x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             x["locations"][0]["physicalLocation"]["region"]["startLine"]) for x in results] == \
        [("element-missing", "depts/%E4%B9%99%E5%B1%80.csv", 7)]
    assert [(x["check_name"], x["location"]["path"], x["location"]["lines"]["begin"]) for x in cq] == \
        [("element-missing", "depts/乙局.csv", 7)]
    assert md.count("`element-missing`") == 2          # once in the rule table, once in the findings
    assert "handling-hours-unclear" not in md and "uscc-org-code-only" not in md
    assert "新增 1，已知 2，已修复 0" in md
    # the SARIF fingerprint is the baseline fingerprint
    from validators.gate.baseline import fingerprint
    assert results[0]["partialFingerprints"]["sxcheck/v1"] == fingerprint("element-missing", b[5]["实施编码"],
                                                                          "handling_hours", None)

    # remove it, and fix a baseline finding too: exit 0 and the fixed count
    a[10]["办理时间"] = CLEAN[10]["办理时间"]
    write_dept(repo / "depts" / "甲局.csv", a)
    write_dept(repo / "depts" / "乙局.csv", depts()[1])
    r = run(repo, "check")
    assert r.exit_code == 0, r.output
    assert "新增 0 条，已知 1 条，已修复 1 条" in r.output
    assert json.loads((repo / "reports" / "sxcheck.json").read_text(encoding="utf-8"))["stats"]["baseline"] == \
        {"file": ".sxcheck-baseline.json", "known": 1, "fixed": 1, "new": 0}

    # a waiver past its expiry fails the run
    (repo / "sxcheck-waivers.toml").write_text(
        f'[[waiver]]\nrule = "uscc-org-code-only"\nitem = "{CLEAN[90]["实施编码"]}"\nelement = "实施主体编码"\n'
        'reason = "主体赋码中"\nexpires = 2020-01-31\n', encoding="utf-8")
    r = run(repo, "check")
    assert r.exit_code == 1, r.output
    _junit, sarif, _cq, _md = reports(repo)
    res = sarif["runs"][0]["results"]
    assert [x["ruleId"] for x in res] == ["waiver-expired"]
    assert "2020-01-31" in res[0]["message"]["text"]
    assert res[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sxcheck-waivers.toml"
    # the same waiver, still valid, accepts its finding
    (repo / "sxcheck-waivers.toml").write_text(
        (repo / "sxcheck-waivers.toml").read_text(encoding="utf-8").replace("2020-01-31", "2999-12-31"),
        encoding="utf-8")
    r = run(repo, "check")
    assert r.exit_code == 0, r.output
    assert "接受 1 条发现，过期 0 条" in r.output


def test_fingerprints_survive_row_reordering_and_unrelated_edits(repo):
    assert run(repo, "check", "--write-baseline").exit_code == 0
    a, _b = depts()
    a.reverse()
    a[0]["办理地点"] += "（二楼）"                    # unrelated edit
    write_dept(repo / "depts" / "甲局.csv", a)
    r = run(repo, "check")
    assert r.exit_code == 0, r.output
    assert "新增 0 条，已知 2 条，已修复 0 条" in r.output


def test_changed_since_checks_only_changed_files(repo):
    _a, b = depts()
    b[5]["办理时间"] = ""
    write_dept(repo / "depts" / "乙局.csv", b)
    r = run(repo, "check", "--changed-since", "HEAD", "--format", "json", "--quiet")
    doc = json.loads(r.stdout)
    assert doc["stats"]["scope"]["files"] == ["depts/乙局.csv"]
    assert {x["source"] for x in doc["findings"]} == {"depts/乙局.csv"}
    assert {x["code"] for x in doc["findings"]} == {"element-missing", "uscc-org-code-only"}
    assert run(repo, "check", "--changed-since", "no-such-rev").exit_code == 3


def test_changed_since_one_catalog_runs_catalog_checks_on_everything(repo):
    cfg = (repo / "sxcheck.toml").read_text(encoding="utf-8").replace('scope = "per-file"', 'scope = "one"')
    (repo / "sxcheck.toml").write_text(cfg, encoding="utf-8")
    a, b = depts()
    b[0]["实施编码"] = a[0]["实施编码"]                # duplicate across the two files
    write_dept(repo / "depts" / "乙局.csv", b)
    r = run(repo, "check", "--changed-since", "HEAD", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["stats"]["scope"]["catalog_wide"] == "whole-catalog"
    # 乙局.csv is read first, so the duplicate row is in 甲局.csv (unchanged): not listed, but the
    # catalog-wide expectation over both files is
    assert "uniqueness-violated" in {x["code"] for x in doc["findings"]}
    assert "task-code-duplicate" not in {x["code"] for x in doc["findings"]}
    assert {x["source"] for x in doc["findings"] if x["row"]} == {"depts/乙局.csv"}
    assert "清单级检查（重复编码、期望、符合率）在全部输入上运行" in r.output


def test_select_ignore_by_code_and_category(repo):
    r = run(repo, "check", "--ignore", "code", "--format", "json", "-q")
    assert {x["code"] for x in json.loads(r.stdout)["findings"]} == {"handling-hours-unclear"}
    r = run(repo, "check", "--select", "code", "--format", "json", "-q")
    assert {x["code"] for x in json.loads(r.stdout)["findings"]} == {"uscc-org-code-only"}
    # ruff-style: a code is more specific than its category
    r = run(repo, "check", "--ignore", "clarity", "--select", "handling-hours-unclear", "--format", "json", "-q")
    assert {x["code"] for x in json.loads(r.stdout)["findings"]} == {"handling-hours-unclear"}
    assert run(repo, "check", "--ignore", "no-such-rule").exit_code == 3


def test_validate_select_ignore_and_per_file(tmp_path):
    a, _b = depts()
    write_dept(tmp_path / "a.csv", a)
    shutil.copy(tmp_path / "a.csv", tmp_path / "b.csv")
    r = CliRunner().invoke(cli.main, ["validate", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"),
                                      "--format", "json", "-q"])
    assert "task-code-duplicate" in {x["code"] for x in json.loads(r.stdout)["findings"]}
    r = CliRunner().invoke(cli.main, ["validate", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"),
                                      "--per-file", "--format", "json", "-q"])
    assert [x["code"] for x in json.loads(r.stdout)["findings"]] == ["handling-hours-unclear"] * 2
    r = CliRunner().invoke(cli.main, ["validate", str(tmp_path / "a.csv"), "--ignore", "handling-hours-unclear",
                                      "--format", "json", "-q"])
    assert r.exit_code == 0 and json.loads(r.stdout)["findings"] == []


@pytest.mark.parametrize("text, expected", [
    ('inputs = ["*.csv"]\nscop = "one"\n', "未知配置项 scop"),
    ('inputs = ["*.csv"]\n[thresholds]\nmin_task_conformity = "95%"\n',
     "配置项 thresholds.min_task_conformity 应为 number，实际为 '95%'"),
    ('inputs = "*.csv"\n', "配置项 inputs 应为 array"),
    ('inputs = ["*.csv"]\n[outputs]\npdf = "r.pdf"\n', "未知配置项 outputs.pdf"),
    ('inputs = ["*.csv"]\n[severity]\nhandling-hours-unclear = "fatal"\n',
     "配置项 severity.handling-hours-unclear 应为 error | warning | info"),
    ('scope = "one"\n', "缺少配置项 inputs"),
    ('inputs = [\n', "不是有效的 TOML"),
    ('inputs = ["*.csv"]\n[mostly]\nelement-missing = 0.9\n', "配置项 mostly.element-missing"),
    ('inputs = ["*.csv"]\n[thresholds]\nmin_task_conformity = 0.9\n', "thresholds.min_task_conformity 需要同时配置 base"),
])
def test_config_errors_exit_3_with_dotted_key(tmp_path, text, expected):
    a, _b = depts()
    write_dept(tmp_path / "a.csv", a)
    (tmp_path / "sxcheck.toml").write_text(text, encoding="utf-8")
    r = run(tmp_path, "check")
    assert r.exit_code == 3, r.output
    assert expected in r.output and "Traceback" not in r.output


def test_pyproject_table_and_dotted_path(tmp_path):
    write_dept(tmp_path / "a.csv", depts()[1])
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.sxcheck]\ninputs = ["*.csv"]\nlang = "en"\n',
                                             encoding="utf-8")
    r = run(tmp_path, "check")
    assert r.exit_code == 1 and "exit code 1" in r.output
    (tmp_path / "pyproject.toml").write_text('[tool.sxcheck]\ninputs = ["*.csv"]\nfail_on = 1\n', encoding="utf-8")
    r = run(tmp_path, "check")
    assert r.exit_code == 3 and "tool.sxcheck.fail_on" in r.output


def test_smallest_config_and_init(tmp_path):
    write_dept(tmp_path / "a.csv", depts()[1])
    assert run(tmp_path, "check").exit_code == 3                      # no configuration yet
    assert run(tmp_path, "init").exit_code == 0
    starter = (tmp_path / "sxcheck.toml").read_text(encoding="utf-8")
    assert starter.count("#") > 10
    assert run(tmp_path, "init").exit_code == 2                       # never overwrites
    assert (tmp_path / "sxcheck.toml").read_text(encoding="utf-8") == starter
    r = run(tmp_path, "check")                                       # the starter file works as written
    assert r.exit_code == 1, r.output
    assert (tmp_path / "sxcheck-junit.xml").exists() and (tmp_path / "sxcheck.sarif").exists()
    (tmp_path / "sxcheck.toml").write_text('inputs = ["*.csv"]\n', encoding="utf-8")
    r = run(tmp_path, "check", "--format", "json", "-q")
    assert r.exit_code == 1 and json.loads(r.stdout)["summary"]["errors"] == 1


def test_mostly_and_severity_from_config(tmp_path):
    a, _b = depts()
    for r in a[:10]:
        r["办理时间"] = ""
    write_dept(tmp_path / "a.csv", a)
    (tmp_path / "sxcheck.toml").write_text('inputs = ["*.csv"]\n', encoding="utf-8")
    doc = json.loads(run(tmp_path, "check", "--format", "json", "-q").stdout)
    assert "completeness-below-threshold" in {x["code"] for x in doc["findings"]}
    (tmp_path / "sxcheck.toml").write_text(
        'inputs = ["*.csv"]\nignore = ["handling-hours-unclear"]\n[severity]\nelement-missing = "warning"\n'
        '[mostly]\ncompleteness-below-threshold = { handling_hours = 0.8 }\n', encoding="utf-8")
    r = run(tmp_path, "check", "--format", "json", "-q")
    doc = json.loads(r.stdout)
    assert {x["code"] for x in doc["findings"]} == {"element-missing"}
    assert {x["severity"] for x in doc["findings"]} == {"warning"}
    assert r.exit_code == 0


def test_waiver_file_errors(repo):
    (repo / "sxcheck-waivers.toml").write_text('[[waiver]]\nrule = "no-such-rule"\nreason = "x"\n', encoding="utf-8")
    r = run(repo, "check")
    assert r.exit_code == 3 and "waiver[1].rule" in r.output
    (repo / "sxcheck-waivers.toml").write_text('[[waiver]]\nrule = "uscc-org-code-only"\n', encoding="utf-8")
    r = run(repo, "check")
    assert r.exit_code == 3 and "waiver[1].reason" in r.output


def test_starter_config_is_valid_against_the_schema():
    import tomllib

    from validators.gate.config import STARTER, check_config

    check_config(tomllib.loads(STARTER), "sxcheck.toml")
    assert (ROOT / "schemas" / "config.schema.json").exists()


def test_revoked_check_runs_when_configured(tmp_path):
    from validators.core.rulebook import get

    shutil.copy(CATALOGS / "revoked_sample.csv", tmp_path / "local.csv")
    (tmp_path / "sxcheck.toml").write_text('inputs = ["*.csv"]\n', encoding="utf-8")
    doc = json.loads(run(tmp_path, "check", "--format", "json", "-q").stdout)
    assert not [x for x in doc["findings"] if get(x["code"]).category == "revoked"]
    (tmp_path / "sxcheck.toml").write_text('inputs = ["*.csv"]\nrevocations = []\n', encoding="utf-8")
    doc = json.loads(run(tmp_path, "check", "--format", "json", "-q").stdout)
    assert "revoked-item-listed" in {x["code"] for x in doc["findings"]}
    assert "skipped" not in doc["stats"]


def test_check_json_report_matches_the_report_schema(repo):
    from jsonschema import Draft202012Validator

    from schemas import load_json

    assert run(repo, "check", "--write-baseline", "-q").exit_code == 0
    (repo / "sxcheck-waivers.toml").write_text('[[waiver]]\nrule = "element-missing"\nreason = "x"\n', encoding="utf-8")
    doc = json.loads(run(repo, "check", "--format", "json", "--ignore", "clarity", "-q").stdout)
    assert doc["command"] == "check" and doc["stats"]["baseline"]["known"] == 1
    assert list(Draft202012Validator(load_json("report.schema.json")).iter_errors(doc)) == []


@pytest.mark.parametrize("floor, code", [(0.99, 1), (0.5, 0)])
def test_task_conformity_threshold_gate(tmp_path, floor, code):
    shutil.copy(CATALOGS / "local_catalog_sample.csv", tmp_path / "本地.csv")
    shutil.copy(CATALOGS / "national_base_sample.csv", tmp_path / "base.csv")
    (tmp_path / "sxcheck.toml").write_text(
        f'inputs = ["本地.csv"]\nbase = "base.csv"\nfail_on = "never"\n[thresholds]\nmin_task_conformity = {floor}\n'
        '[outputs]\nsarif = "r.sarif"\njson = "r.json"\n', encoding="utf-8")
    r = run(tmp_path, "check")
    assert r.exit_code == code, r.output
    rate = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["stats"]["rates"]["task_conformity"]["rate"]
    assert 0.5 < rate < 0.99
    assert f"thresholds.min_task_conformity {floor:.2%}：实施清单符合率 {rate:.2%}" in r.output
    sarif = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
    gate = [x for x in sarif["runs"][0]["results"] if x["ruleId"] == "sxcheck-gate"]
    assert [g["kind"] for g in gate] == ["fail" if code else "pass"]


def test_partial_runs_neither_write_the_baseline_nor_count_fixed(repo):
    assert run(repo, "check", "--write-baseline", "--changed-since", "HEAD").exit_code == 2
    assert run(repo, "check", "--write-baseline", "depts/甲局.csv").exit_code == 2
    assert run(repo, "check", "--write-baseline", "-q").exit_code == 0
    r = run(repo, "check", "depts/甲局.csv")
    assert r.exit_code == 0 and "新增 0 条，已知 1 条，已修复 — 条" in r.output


def test_profile_from_config_is_applied(tmp_path):
    from pathlib import Path

    names = sorted(p.stem for p in (Path(ROOT) / "schemas" / "profiles").glob("*.json"))
    if not names:
        pytest.skip("no coding profiles shipped")
    write_dept(tmp_path / "a.csv", depts()[0])
    (tmp_path / "sxcheck.toml").write_text(f'inputs = ["*.csv"]\nprofile = "{names[0]}"\n', encoding="utf-8")
    r = run(tmp_path, "check", "--format", "json", "-q")
    assert r.exit_code in (0, 1), r.output
    assert "skipped" not in json.loads(r.stdout)["stats"]


@pytest.mark.parametrize("floor, code", [(0.999, 1), (0.5, 0)])
def test_accuracy_threshold_is_the_score_commands_guide_accuracy(tmp_path, floor, code):
    from validators.scoring import score

    shutil.copy(CATALOGS / "sample_guides_gbk.csv", tmp_path / "灵山县.csv")
    (tmp_path / "sxcheck.toml").write_text(
        f'inputs = ["*.csv"]\nfail_on = "never"\n[thresholds]\nmin_accuracy = {floor}\n[outputs]\njson = "r.json"\n',
        encoding="utf-8")
    r = run(tmp_path, "check")
    assert r.exit_code == code, r.output
    expected = score(str(tmp_path / "灵山县.csv")).overall["guide_accuracy"]["rate"]
    assert 0.5 < expected < 0.999
    assert f"thresholds.min_accuracy {floor:.2%}：办事指南准确度 {expected:.2%}，{'未通过' if code else '通过'}" in r.output
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [(g["rate_name"], g["rate"], g["passed"]) for g in doc["stats"]["gates"]] == \
        [("guide_accuracy", pytest.approx(expected), not code)]
    assert "skipped" not in doc["stats"]


@pytest.mark.parametrize("floor, code", [(0.99, 1), (0.95, 0)])
def test_channels_run_the_same_source_check_with_a_gate_per_channel(tmp_path, floor, code):
    from jsonschema import Draft202012Validator

    from schemas import load_json

    shutil.copy(CATALOGS / "sources_reference.csv", tmp_path / "reference.csv")
    (tmp_path / "channels").mkdir()
    shutil.copy(CATALOGS / "sources_channel_app.json", tmp_path / "channels" / "app.json")
    (tmp_path / "sxcheck.toml").write_text(
        f'inputs = ["reference.csv"]\nchannels = ["channels/*.json"]\nfail_on = "never"\n'
        f'[thresholds]\nmin_same_source_rate = {floor}\n[outputs]\njson = "r.json"\nsarif = "r.sarif"\n',
        encoding="utf-8")
    r = run(tmp_path, "check")
    assert r.exit_code == code, r.output
    assert f"thresholds.min_same_source_rate {floor:.2%}：同源率 [app.json] 97.37%" in r.output
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["stats"]["same_source"]["channels"][0]["same_source_rate"]["numerator"] == 222
    assert doc["stats"]["same_source"]["reference"]["source"] == "reference.csv"
    assert list(Draft202012Validator(load_json("report.schema.json")).iter_errors(doc)) == []
    located = {x["source"] for x in doc["findings"] if x["code"].startswith("source-")}
    assert located and located <= {"channels/app.json", "reference.csv"}
    sarif = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
    assert [x["kind"] for x in sarif["runs"][0]["results"] if x["ruleId"] == "sxcheck-gate"] == \
        ["fail" if code else "pass"]


@pytest.mark.parametrize("text, expected", [
    ('inputs = ["*.csv"]\n[thresholds]\nmin_same_source_rate = 0.9\n',
     "thresholds.min_same_source_rate 需要同时配置 channels"),
    ('inputs = ["*.csv"]\nchannels = ["none/*.json"]\n', "channels 没有匹配到任何文件（none/*.json）"),
    ('inputs = ["*.csv"]\nchannels = ["*.csv"]\n', "inputs 匹配到 2 个文件"),
])
def test_channel_config_errors_exit_3(tmp_path, text, expected):
    a, b = depts()
    write_dept(tmp_path / "a.csv", a)
    write_dept(tmp_path / "b.csv", b)
    (tmp_path / "sxcheck.toml").write_text(text, encoding="utf-8")
    r = run(tmp_path, "check")
    assert r.exit_code == 3, r.output
    assert expected in r.output and "Traceback" not in r.output

"""The CI formats every parser accepts, on the reports of every command: JUnit against Jenkins'
junit-10.xsd and the Apache Ant schema, SARIF 2.1.0 against the OASIS schema with format checks
(percent-encoded URI references), GitLab Code Quality; each states every gate and its result."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import CATALOGS, ROOT

import cli

etree = pytest.importorskip("lxml.etree")
jsonschema = pytest.importorskip("jsonschema")

XSD = ROOT / "tests" / "data" / "xsd"
SCHEMAS = {name: etree.XMLSchema(etree.parse(str(XSD / name))) for name in ("junit-10.xsd", "JUnit.xsd")}
SARIF = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def sarif_errors(doc) -> list[str]:
    checker = jsonschema.FormatChecker()
    assert "uri-reference" in checker.checkers, "install rfc3986-validator (dev extra) for URI format checks"
    v = jsonschema.Draft4Validator(SARIF, format_checker=checker)
    return [f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(doc)]


def junit_errors(text: str) -> dict[str, list[str]]:
    doc = etree.fromstring(text.encode("utf-8"))
    out = {}
    for name, schema in SCHEMAS.items():
        schema.validate(doc)
        out[name] = [str(e) for e in schema.error_log][:5]
    return out


def invoke(*args) -> str:
    r = CliRunner().invoke(cli.main, list(args))
    assert r.exit_code in (0, 1), r.output[-2000:]
    return r.stdout


@pytest.fixture(scope="module")
def odd_inputs(tmp_path_factory):
    """Inputs with non-ASCII names and spaces, and a value holding XML-illegal control characters."""
    d = tmp_path_factory.mktemp("ci")
    shutil.copy(CATALOGS / "sample_guides_gbk.csv", d / "灵山县 实施清单.csv")
    text = (CATALOGS / "clean_guides.csv").read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    lines[3] = lines[3].replace("11450721MB15580811,", "MB15\x01\x0b<b>&,", 1)   # 实施主体编码
    (d / "控制字符.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return d


def commands(d):
    return {
        "validate": ["validate", str(CATALOGS / "sample_guides.xlsx")],
        "validate-odd": ["validate", str(d / "灵山县 实施清单.csv"), str(d / "控制字符.csv")],
        "validate-per-file": ["validate", str(d / "灵山县 实施清单.csv"), str(d / "控制字符.csv"), "--per-file"],
        "conform": ["conform", str(CATALOGS / "local_catalog_sample.csv"), "--base",
                    str(CATALOGS / "national_base_sample.csv"), "--min-rate", "0.99"],
        "certificates": ["certificates", str(CATALOGS / "certificate_samples" / "region_a_guides.xlsx")],
    }


CASES = ["validate", "validate-odd", "validate-per-file", "conform", "certificates"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_junit_is_valid_against_jenkins_and_ant(case, lang, odd_inputs):
    text = invoke(*commands(odd_inputs)[case], "--format", "junit", "--lang", lang, "-q")
    assert junit_errors(text) == {"junit-10.xsd": [], "JUnit.xsd": []}


@pytest.mark.parametrize("case", CASES)
def test_sarif_is_valid_with_format_checks(case, odd_inputs):
    doc = json.loads(invoke(*commands(odd_inputs)[case], "--format", "sarif", "-q"))
    assert sarif_errors(doc) == []
    for res in doc["runs"][0]["results"]:
        for loc in res.get("locations", []):
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            assert uri.isascii() and "catalog" != uri.rsplit("/", 1)[-1]
        assert res["partialFingerprints"]["sxcheck/v1"]
    assert all(r["help"]["text"] for r in doc["runs"][0]["tool"]["driver"]["rules"])


def test_sarif_catches_a_raw_non_ascii_uri():
    """The schema test can fail: a raw file name is not a URI reference."""
    doc = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "灵山县 清单.csv"}}}]}]}]}
    assert any("uri-reference" in e for e in sarif_errors(doc))


def test_junit_schema_test_can_fail():
    """What issue 12 found: no errors attribute (Jenkins) and a testcase without time (Ant)."""
    bad = '<testsuites><testsuite name="a" tests="1" failures="0"><testcase name="x"/></testsuite></testsuites>'
    errors = junit_errors(bad)
    assert errors["junit-10.xsd"] and errors["JUnit.xsd"]


def test_catalog_level_findings_sit_on_the_input_files(odd_inputs):
    text = invoke("validate", str(odd_inputs / "灵山县 实施清单.csv"), "--format", "sarif", "-q")
    doc = json.loads(text)
    catalog = [r for r in doc["runs"][0]["results"] if r["ruleId"] in ("uniqueness-violated", "completeness-below-threshold",
                                                                        "value-set-violated")]
    assert catalog, "the sample has catalog-level findings"
    for r in catalog:
        assert [loc["physicalLocation"]["artifactLocation"]["uri"].rsplit("/", 1)[-1] for loc in r["locations"]] == \
            ["%E7%81%B5%E5%B1%B1%E5%8E%BF%20%E5%AE%9E%E6%96%BD%E6%B8%85%E5%8D%95.csv"]


def test_xml_illegal_characters_are_shown_not_dropped(odd_inputs):
    text = invoke("validate", str(odd_inputs / "控制字符.csv"), "--format", "junit", "-q")
    assert "\x01" not in text and "\\x01" in text and "&lt;b&gt;&amp;" in text


def test_every_format_states_the_failing_gate():
    args = ["conform", str(CATALOGS / "local_catalog_sample.csv"), "--base", str(CATALOGS / "national_base_sample.csv"),
            "--min-rate", "0.99", "--fail-on", "never", "-q"]
    rate = json.loads(CliRunner().invoke(cli.main, args + ["--format", "json"]).stdout)["stats"]["gate"]["rate"]
    shown = f"{rate:.2%}"
    assert rate < 0.99
    r = CliRunner().invoke(cli.main, args + ["--format", "junit"])
    assert r.exit_code == 1
    root = etree.fromstring(r.stdout.encode("utf-8"))
    gate = root.xpath("//testcase[@name='gate-task-conformity']")
    assert gate and gate[0].find("failure") is not None and shown in gate[0].find("failure").get("message")
    doc = json.loads(CliRunner().invoke(cli.main, args + ["--format", "sarif"]).stdout)
    gates = [x for x in doc["runs"][0]["results"] if x["ruleId"] == "sxcheck-gate"]
    assert [(g["kind"], g["level"]) for g in gates] == [("fail", "error")]
    cq = json.loads(CliRunner().invoke(cli.main, args + ["--format", "codequality"]).stdout)
    assert [x["severity"] for x in cq if x["check_name"] == "sxcheck-gate"] == ["blocker"]
    md = CliRunner().invoke(cli.main, args + ["--format", "markdown"]).stdout
    assert "❌ `--min-rate`" in md and f"实施清单符合率 {shown}，门槛 99.00%" in md
    doc = json.loads(CliRunner().invoke(cli.main, args + ["--format", "json"]).stdout)
    assert doc["stats"]["gate"]["passed"] is False
    # a passing gate is stated too
    ok = args[:4] + ["--min-rate", "0.5", "-q", "--format", "junit"]
    root = etree.fromstring(CliRunner().invoke(cli.main, ok).stdout.encode("utf-8"))
    gate = root.xpath("//testcase[@name='gate-task-conformity']")
    assert gate and gate[0].find("failure") is None


def test_codequality_shape(odd_inputs):
    cq = json.loads(invoke(*commands(odd_inputs)["validate-odd"], "--format", "codequality", "-q"))
    assert cq
    for issue in cq:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in cq}) == len(cq)


def test_check_reports_are_valid(tmp_path):
    shutil.copy(CATALOGS / "sample_guides_gbk.csv", tmp_path / "灵山县.csv")
    (tmp_path / "sxcheck.toml").write_text(
        'inputs = ["*.csv"]\n[thresholds]\nmin_accuracy = 0.999\n[outputs]\njunit = "r/j.xml"\nsarif = "r/s.sarif"\n'
        'codequality = "r/cq.json"\n', encoding="utf-8")
    r = CliRunner().invoke(cli.main, ["check", "--config", str(tmp_path / "sxcheck.toml"), "-q"])
    assert r.exit_code == 1, r.output
    assert junit_errors((tmp_path / "r" / "j.xml").read_text(encoding="utf-8")) == {"junit-10.xsd": [], "JUnit.xsd": []}
    doc = json.loads((tmp_path / "r" / "s.sarif").read_text(encoding="utf-8"))
    assert sarif_errors(doc) == []
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for x in doc["runs"][0]["results"]
            for loc in x.get("locations", [])}
    assert uris == {"%E7%81%B5%E5%B1%B1%E5%8E%BF.csv"}
    assert "skipped" not in doc["runs"][0]["properties"]
    assert [x["kind"] for x in doc["runs"][0]["results"] if x["ruleId"] == "sxcheck-gate"] == ["fail"]


def test_sources_gate_in_junit_and_sarif():
    args = ["sources", str(CATALOGS / "sources_reference.csv"), str(CATALOGS / "sources_channel_app.json"),
            "--min-rate", "0.99", "--fail-on", "never", "-q"]
    r = CliRunner().invoke(cli.main, args + ["--format", "junit"])
    assert r.exit_code == 1
    assert junit_errors(r.stdout) == {"junit-10.xsd": [], "JUnit.xsd": []}
    gate = etree.fromstring(r.stdout.encode("utf-8")).xpath("//testcase[@name='gate-same-source-rate']")
    assert gate and "同源率" in gate[0].find("failure").get("message")
    doc = json.loads(CliRunner().invoke(cli.main, args + ["--format", "sarif"]).stdout)
    assert sarif_errors(doc) == []
    assert [x["kind"] for x in doc["runs"][0]["results"] if x["ruleId"] == "sxcheck-gate"] == ["fail"]

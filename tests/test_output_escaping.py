"""Issue 7.8: Markdown escapes HTML and Markdown syntax from the data and never lets a CR end a table
row; JUnit is well-formed XML 1.0; lone surrogates never crash a writer; the terminal never receives
escape sequences or bidi overrides from the data."""
import json
import os
import subprocess
import sys
from xml.etree import ElementTree as ET

import pytest
from conftest import ROOT, run

from validators.exporters.safety import markdown_text, terminal_text, xml_text

VALUES = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "![t](http://evil.example/t.png)",
          "[点我](javascript:alert(1))", "@everyone 请看", "a\rb|c\n| 伪造 | 行 |", "\x1b]8;;http://evil.example\x07链接\x1b]8;;\x07",
          "\x1b[2J\x1b[31m红字", "\u202egnp.exe", "nul\x00x\x0b\x0c", "半个表情\ud83d", "`code` **粗** _斜_ ~~删~~"]


@pytest.fixture
def hostile(tmp_path):
    recs = [{"taskName": v, "taskCode": f"11450721MB15580811400010400{i:04d}", "taskType": v, "implementOrg": v}
            for i, v in enumerate(VALUES)]
    path = tmp_path / "hostile.json"
    text = json.dumps(recs)            # \ud83d stays an escape in the file: legal JSON, a lone surrogate
    path.write_text(text, encoding="ascii")
    return path


def test_markdown_escapes_markup_and_keeps_rows(hostile):
    r = run("validate", hostile, "--format", "markdown", "--limit", "500", "-q", "--fail-on", "never")
    assert r.exit_code == 0, r.output
    md = r.output
    for raw in ("<script>", "<img", "![t]", "[点我](", "@everyone", "\r", "\x1b", "\u202e", "\x00"):
        assert raw not in md, raw
    assert "&lt;script&gt;" in md and "\\!\\[t\\]" in md and "&#64;everyone" in md
    table = [line for line in md.splitlines() if line.startswith("| ") and "item-type-unknown" in line
             and "hostile.json" in line]
    assert len(table) == len(VALUES)                      # one line per finding: nothing split a row
    assert all(line.count(" | ") == 5 for line in table)   # six cells (with the fix hint): escaped pipes split nothing


def test_junit_is_well_formed_xml_1_0(hostile, tmp_path):
    out = tmp_path / "junit.xml"
    r = run("validate", hostile, "--format", "junit", "-o", out, "-q", "--fail-on", "never")
    assert r.exit_code == 0, r.output
    root = ET.parse(out).getroot()                        # expat refuses anything not XML 1.0
    text = "".join(root.itertext())
    assert "\\x1b" in text and "\\x00" in text and "\\ud83d" in text


@pytest.mark.parametrize("fmt", ["json", "sarif", "codequality", "markdown", "junit", "table"])
def test_lone_surrogates_never_crash_a_writer(hostile, tmp_path, fmt):
    out = tmp_path / f"r.{fmt}"
    r = run("validate", hostile, "--format", fmt, "-o", out, "-q", "--fail-on", "never")
    assert r.exit_code == 0, r.output
    out.read_text(encoding="utf-8")                        # valid UTF-8
    if fmt in ("json", "sarif", "codequality"):
        doc = json.loads(out.read_text(encoding="utf-8"))   # the text SARIF / Code Quality assemble is JSON
        if fmt == "sarif":
            values = {x["properties"]["value"] for x in doc["runs"][0]["results"] if "properties" in x
                      and "value" in x["properties"]}
            assert "<script>alert(1)</script>" in values and "\x1b[2J\x1b[31m红字" in values
        if fmt == "codequality":
            assert any("<script>alert(1)</script>" in x["description"] for x in doc)


def test_terminal_receives_no_escape_sequence(hostile):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160"}
    r = subprocess.run([sys.executable, str(ROOT / "cli.py"), "validate", str(hostile), "--limit", "500",
                        "--fail-on", "never"], capture_output=True, env=env, timeout=120)
    assert r.returncode == 0
    for stream in (r.stdout, r.stderr):
        assert b"\x1b" not in stream and "\u202e".encode() not in stream and b"\x07" not in stream
        stream.decode("utf-8")
    assert b"\\x1b]8;;http://evil.example" in r.stdout and b"\\u202egnp.exe" in r.stdout


def test_error_lines_do_not_echo_escape_sequences(tmp_path):
    path = tmp_path / "\x1b[31mred.csv"
    path.write_text("序号\n1\n", encoding="utf-8")
    r = run("validate", path, "-q")
    assert r.exit_code == 3 and "\x1b" not in r.output and "\\x1b[31mred.csv" in r.output


def test_neutralisers():
    assert terminal_text("a\x1b[0mb\u202ec\u2066d\x9be") == "a\\x1b[0mb\\u202ec\\u2066d\\x9be"
    assert terminal_text("行一\n\t行二") == "行一\n\t行二"
    assert xml_text("a\x00b\ufffec\ud800") == "a\\x00b\\ufffec\\ud800"
    assert markdown_text("<b>|x|\r\ny") == "&lt;b&gt;\\|x\\| y"
    assert markdown_text("@张三 *强调*") == "&#64;张三 \\*强调\\*"

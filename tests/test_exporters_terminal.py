"""The terminal report at the widths people have: codes and row numbers are never cut, hints are
per finding unless shared, and Chinese mode shows no English labels."""
import io
import re

import pytest
from rich.console import Console

from conftest import CATALOGS
from validators import validate
from validators.exporters.terminal import render_report


@pytest.fixture(scope="module")
def report():
    return validate(str(CATALOGS / "sample_guides.xlsx"))


def _render(report, width, lang="zh", limit=50):
    buf = io.StringIO()
    render_report(Console(file=buf, width=width, highlight=False, soft_wrap=False, color_system=None),
                  report, lang=lang, limit=limit)
    return buf.getvalue()


@pytest.mark.parametrize("width", [60, 80, 160])
def test_codes_and_row_numbers_are_never_cut(report, width):
    text = _render(report, width)
    flat = text.replace("\n", "")
    for f in report.findings():
        assert f.code in text, (width, f.code)             # a code is a word: wrapped whole, never cut
        if f.row is not None:
            assert f"第{f.row}行" in flat, (width, f.row)
    assert "…" not in re.sub(r"…[（(]", "", text), "nothing is cut with an ellipsis"


@pytest.mark.parametrize("width", [60, 80, 160])
def test_messages_keep_their_text(report, width):
    text = re.sub(r"[\s│┃]", "", _render(report, width))
    for f in report.iter_findings("zh", limit=None):
        if f["row"] is not None and f["code"] == "uscc-org-code-only":
            assert re.sub(r"\s", "", f["message"]) in text


def test_hints_show_each_findings_own_values(report):
    text = _render(report, 160)
    # two uscc-org-code-only findings with different codes: each hint names its own code
    assert "（MB1559105）" in text and "（008114635）" in text


def test_chinese_mode_has_no_english_labels(report):
    text = _render(report, 160)
    for word in ("expectation", "unexpected", "error", "warning", "where", "element", "message"):
        assert not re.search(rf"(?<![a-z-]){word}(?![a-z-])", text), word
    en = _render(report, 160, lang="en")
    assert "where" in en and "message" in en and "位置" not in en

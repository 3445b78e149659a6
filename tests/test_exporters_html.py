"""The offline HTML report: self-contained, strict CSP, data escaped; rendered in headless Chromium.

The browser tests load a score report and a validate report made from a hostile file (unit
names and values holding ``<script>``, ``<img onerror>`` and formulas), check that the ranking
table, the findings table and the charts rendered (canvases with ink), that no injected script
ran and no CSP violation happened, and save screenshots to the test's tmp directory.  They skip
with the reason when Chromium or Selenium is absent; .ci/run installs both.
"""
from __future__ import annotations

import base64
import csv
import hashlib
import json
import re

import browser as chrome
import pytest
from conftest import CATALOGS, run

HOSTILE = ['<img src=x onerror="window.__pwned=1">', "</script><script>window.__pwned=2</script>",
           "=HYPERLINK(\"http://evil.example\")"]


@pytest.fixture
def hostile_csv(tmp_path):
    with open(CATALOGS / "clean_guides.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))[:30]
    for i, r in enumerate(rows):
        r["实施主体"] = HOSTILE[i % 3] if i < 9 else r["实施主体"]
    rows[0]["办理地点"] = ""                                       # findings whose value/unit is hostile
    rows[1]["受理条件"] = '<script>window.__pwned=3</script><img src=x onerror="window.__pwned=4">'
    rows[2]["咨询方式"] = "\u2028</script><b>x</b>&amp;"
    rows[3]["办理时间"] = "工作日<svg onload=window.__pwned=5>"
    path = tmp_path / "<b>hostile<i>.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _scripts(html: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>\n", html, flags=re.S)


def test_page_is_self_contained_with_strict_csp(hostile_csv, tmp_path):
    out = tmp_path / "s.html"
    assert run("score", hostile_csv, "--format", "html", "-o", out, "-q").exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html and "@import" not in html
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for body in _scripts(html):                 # every executable script is allowed by its hash only
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert len(_scripts(html)) == 2
    block = re.search(r'<script type="application/json" id="sxcheck-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block   # nothing can close the block
    data = json.loads(block)
    assert {u["unit"] for u in data["units"]} >= set(HOSTILE)             # the text itself is kept


def test_validate_report_embeds_findings_escaped(hostile_csv, tmp_path):
    out = tmp_path / "v.html"
    assert run("validate", hostile_csv, "--format", "html", "-o", out, "-q").exit_code == 1
    html = out.read_text(encoding="utf-8")
    block = re.search(r'id="sxcheck-data">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["kind"] == "report" and data["findings"] and data["has_units"]
    assert any(f["unit"] == HOSTILE[0] for f in data["findings"])
    assert "<title>sxcheck · 数据质量检查报告</title>" in html
    assert run("validate", hostile_csv, "--format", "html", "-q", "--lang", "en").output.count("<script>") == 2


needs_browser = pytest.mark.skipif(chrome.missing() is not None, reason=str(chrome.missing()))


@needs_browser
def test_score_and_validate_reports_render_and_nothing_injected_runs(hostile_csv, tmp_path):
    score_html, validate_html = tmp_path / "score.html", tmp_path / "validate.html"
    assert run("score", hostile_csv, "--format", "html", "-o", score_html, "-q").exit_code == 0
    assert run("validate", hostile_csv, "--format", "html", "-o", validate_html, "-q").exit_code == 1
    units = json.loads(re.search(r'id="sxcheck-data">(.*?)</script>', score_html.read_text(encoding="utf-8"),
                                 re.S).group(1))["units"]
    driver = chrome.browser()
    try:
        chrome.load(driver, score_html)
        rows = driver.execute_script("return Array.from(document.querySelectorAll('#ranking-table tbody tr'))"
                                     ".map(function (r) { return r.children[1].textContent; })")
        assert rows == [u["unit"] for u in units]                     # hostile names shown as text
        assert set(HOSTILE) <= set(rows)
        ranks = driver.execute_script("return Array.from(document.querySelectorAll('#ranking-table tbody tr'))"
                                      ".map(function (r) { return r.children[0].textContent; })")
        assert ranks == [str(u["rank"]) for u in units]
        inked = driver.execute_script(chrome.CANVAS_INKED)
        assert len(inked) >= 3 and all(n > 50 for n in inked), inked  # pie, score bars, index bars
        _assert_nothing_ran(driver)
        chrome.full_screenshot(driver, tmp_path / "score.png")

        chrome.load(driver, validate_html)
        inked = driver.execute_script(chrome.CANVAS_INKED)
        assert len(inked) >= 2 and all(n > 50 for n in inked), inked  # per rule, per element
        n_rows = driver.execute_script("return document.querySelectorAll('#findings-table tbody tr').length")
        assert n_rows > 0
        cells = driver.execute_script("return document.querySelector('#findings-table').textContent")
        assert "工作日<svg onload=window.__pwned=5>" in cells and "<b>hostile<i>.csv" in cells
        box = driver.find_element("id", "q")
        box.send_keys("办理时间")
        shown = driver.execute_script("return document.querySelectorAll('#findings-table tbody tr').length")
        assert 0 < shown < n_rows                                     # the search filters
        _assert_nothing_ran(driver)
        chrome.full_screenshot(driver, tmp_path / "validate.png")
    finally:
        driver.quit()
    assert (tmp_path / "score.png").stat().st_size > 10_000
    assert (tmp_path / "validate.png").stat().st_size > 10_000


def _assert_nothing_ran(driver):
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert driver.execute_script("return document.querySelectorAll('img, svg[onload], b').length") == 0
    assert driver.execute_script("return document.body.getAttribute('data-csp-violations')") is None
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe

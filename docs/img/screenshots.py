"""Regenerate the README screenshots of the HTML reports (needs chromium + chromium-driver).

    PYTHONPATH=. .venv/bin/python docs/img/screenshots.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import browser as chrome  # noqa: E402  (tests/browser.py)

from validators.exporters.html import report_html, score_html  # noqa: E402
from validators.pipeline import validate  # noqa: E402
from validators.report.marked import MarkedRows  # noqa: E402
from validators.scoring import score  # noqa: E402


def main() -> None:
    why = chrome.missing()
    if why:
        sys.exit(why)
    sample = str(ROOT / "catalogs" / "sample_guides.xlsx")
    pages = {"score_report.png": score_html(score(sample)),
             "validate_report.png": report_html(validate(sample, observers=[MarkedRows(max_rows=0)]))}
    driver = chrome.browser()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for png, html in pages.items():
                page = Path(tmp) / (png[:-4] + ".html")
                page.write_text(html, encoding="utf-8")
                chrome.load(driver, page)
                chrome.full_screenshot(driver, ROOT / "docs" / "img" / png)
                print("wrote", ROOT / "docs" / "img" / png)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()

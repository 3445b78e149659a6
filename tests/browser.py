"""Headless Chromium for the HTML report tests and the README screenshots (Selenium, Debian's
``chromium`` + ``chromium-driver``; Selenium is pointed at /usr/bin/chromedriver so it never
downloads a browser).  ``browser()`` returns None when either is missing."""
from __future__ import annotations

import os
import shutil
import time

CHROMIUM = os.environ.get("SXCHECK_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SXCHECK_CHROMEDRIVER", "/usr/bin/chromedriver")


def missing() -> str | None:
    """Why no browser test can run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(path) or shutil.which(path)):
            return f"{path} not found (apt-get install chromium chromium-driver)"
    return None


def browser(width: int = 1400, height: int = 1800):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=zh-CN", "--hide-scrollbars"):
        opts.add_argument(arg)
    opts.binary_location = CHROMIUM
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def load(driver, path, timeout: float = 20.0) -> None:
    """Open a local file and wait until the report script has rendered the page."""
    driver.get("file://" + os.path.abspath(str(path)))
    end = time.time() + timeout
    while time.time() < end:
        if driver.execute_script("return document.body && document.body.getAttribute('data-rendered')") == "1":
            time.sleep(0.3)   # let ECharts finish its first frame
            return
        time.sleep(0.1)
    raise AssertionError(f"{path}: the report did not render in {timeout} s")


CANVAS_INKED = """
return Array.from(document.querySelectorAll('canvas')).map(function (c) {
  var ctx = c.getContext('2d'); if (!ctx || !c.width || !c.height) return 0;
  var d = ctx.getImageData(0, 0, c.width, c.height).data, n = 0;
  for (var i = 3; i < d.length; i += 16) if (d[i] > 0) n++;
  return n;
});
"""


def full_screenshot(driver, path, width: int = 1400) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height, 800), 4000))
    time.sleep(0.5)
    driver.save_screenshot(str(path))

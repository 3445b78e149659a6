"""The page of `sxcheck serve` in Debian's headless chromium (Selenium with /usr/bin/chromedriver,
nothing downloaded): upload the defective sample, the CLI's counts, filter, a finding's row with
its offending cell, the annotated XLSX downloaded and opened, a corrupt file's message, English.

Screenshots go to tmp_path, and also to $SXCHECK_SCREENSHOTS when set (docs/img is made so)."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

CHROMIUM, DRIVER = shutil.which("chromium") or "/usr/bin/chromium", "/usr/bin/chromedriver"
if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
    pytest.skip("Debian's chromium and chromium-driver are not installed "
                "(apt-get install -y chromium chromium-driver)", allow_module_level=True)
pytest.importorskip("selenium", reason="selenium is not installed (pip install 'sxcheck[dev]')")
pytest.importorskip("uvicorn", reason="sxcheck[serve] is not installed")

from conftest import CATALOGS
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from webserver import Server

import cli

SAMPLE = CATALOGS / "sample_guides.xlsx"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with Server(tmp_path_factory.mktemp("serve")) as srv:
        yield srv


@pytest.fixture
def browser(tmp_path):
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1366,900", "--lang=zh-CN", "--no-first-run", "--disable-extensions"):
        opts.add_argument(a)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False,
                                           "intl.accept_languages": "zh-CN,zh"})
    try:
        d = webdriver.Chrome(service=Service(DRIVER), options=opts)
    except Exception as exc:  # noqa: BLE001 — a chromium that cannot start here is a skip, not a failure
        pytest.skip(f"chromium did not start: {str(exc).splitlines()[0]}")
    d.downloads = downloads
    d.shots = [tmp_path] + ([Path(os.environ["SXCHECK_SCREENSHOTS"])] if os.environ.get("SXCHECK_SCREENSHOTS") else [])
    try:
        yield d
    finally:
        d.quit()


def shot(d, name):
    for folder in d.shots:
        folder.mkdir(parents=True, exist_ok=True)
        d.save_screenshot(str(folder / f"serve-{name}.png"))


def wait(d, cond, timeout=60):
    return WebDriverWait(d, timeout).until(lambda d: cond(d))


def visible(d, id_):
    return d.find_element(By.ID, id_).is_displayed()


def upload(d, server, path):
    d.get(server.url + "/")
    d.find_element(By.ID, "file").send_keys(str(path))
    d.find_element(By.ID, "start").click()
    wait(d, lambda d: visible(d, "result") or visible(d, "failure"))


def tiles(d):
    return {t.find_element(By.CLASS_NAME, "tile-name").text: t.find_element(By.CLASS_NAME, "tile-value").text
            for t in d.find_elements(By.CSS_SELECTOR, "#tiles .tile")}


def test_upload_filter_open_download(server, browser):
    d = browser
    r = CliRunner().invoke(cli.main, ["validate", str(SAMPLE), "--format", "json", "-q"])
    ref = json.loads(r.stdout)
    d.get(server.url + "/")
    d.find_element(By.ID, "file").send_keys(str(SAMPLE))
    assert "sample_guides.xlsx" in d.find_element(By.ID, "chosen").text
    shot(d, "upload")
    d.find_element(By.ID, "start").click()
    wait(d, lambda d: visible(d, "result") or visible(d, "failure"))
    assert not visible(d, "failure"), d.find_element(By.ID, "failure-text").text
    s = ref["summary"]
    got = tiles(d)
    assert got["数据行"] == f"{s['rows']:,}" and got["错误"] == str(s["errors"]) and got["警告"] == str(s["warnings"])
    assert got["无错误行占比"] == f"{s['rows_clean_rate'] * 100:.2f}%"
    assert d.find_element(By.ID, "verdict").text == "未通过"
    rule_rows = d.find_elements(By.CSS_SELECTOR, "#rules-table tbody tr")
    assert {tr.find_elements(By.TAG_NAME, "td")[1].text: int(tr.find_elements(By.TAG_NAME, "td")[3].text)
            for tr in rule_rows} == {c: v["findings"] for c, v in ref["stats"]["per_rule"].items()}
    assert len(d.find_elements(By.CSS_SELECTOR, "#findings-table tbody tr")) == s["findings"]
    shot(d, "result")

    # filter by a rule, then by an element and a 实施主体
    Select(d.find_element(By.ID, "f-rule")).select_by_value("element-missing")
    rows = d.find_elements(By.CSS_SELECTOR, "#findings-table tbody tr")
    assert len(rows) == ref["stats"]["per_rule"]["element-missing"]["findings"] == 3
    assert {tr.find_elements(By.TAG_NAME, "td")[1].text for tr in rows} == {"element-missing"}
    Select(d.find_element(By.ID, "f-rule")).select_by_value("")
    Select(d.find_element(By.ID, "f-severity")).select_by_value("warning")
    assert len(d.find_elements(By.CSS_SELECTOR, "#findings-table tbody tr")) == s["warnings"]
    Select(d.find_element(By.ID, "f-severity")).select_by_value("")
    body = Select(d.find_element(By.ID, "f-body"))
    assert len(body.options) > 2
    body.select_by_index(1)
    chosen = body.first_selected_option.text
    rows = d.find_elements(By.CSS_SELECTOR, "#findings-table tbody tr")
    assert rows and {tr.find_elements(By.TAG_NAME, "td")[5].text for tr in rows} == {chosen}
    body.select_by_value("灵山县行政审批局")
    Select(d.find_element(By.ID, "f-severity")).select_by_value("error")
    d.execute_script("document.getElementById('findings-table').closest('.card').scrollIntoView()")
    shot(d, "filter")
    body.select_by_value("")
    Select(d.find_element(By.ID, "f-severity")).select_by_value("")
    Select(d.find_element(By.ID, "f-rule")).select_by_value("onsite-reason-missing")

    # open a finding: the row's values, the offending cell marked, the fix hint
    finding = next(f for f in ref["findings"] if f["code"] == "onsite-reason-missing")
    d.find_element(By.CSS_SELECTOR, "#findings-table tbody tr").click()
    wait(d, lambda d: visible(d, "detail") and d.find_elements(By.CSS_SELECTOR, "#detail-row tr.offending"))
    assert d.find_element(By.ID, "detail-message").text == finding["message"]
    assert finding["hint"] in d.find_element(By.ID, "detail-hint").text
    marked = d.find_elements(By.CSS_SELECTOR, "#detail-row tr.offending")
    assert len(marked) == 1 and marked[0].find_element(By.TAG_NAME, "th").text == "必须现场办理原因说明"
    cells = {tr.find_element(By.TAG_NAME, "th").text: tr.find_element(By.TAG_NAME, "td").text
             for tr in d.find_elements(By.CSS_SELECTOR, "#detail-row tr")}
    assert cells["到办事现场次数"] == finding["value"] and cells["实施编码"] == finding["item"]
    shot(d, "detail")
    d.find_element(By.ID, "detail-close").click()
    assert not visible(d, "detail")

    import importlib.util

    assert visible(d, "dl-html") == (importlib.util.find_spec("validators.exporters.html") is not None)

    # the annotated workbook, downloaded by the browser and opened with openpyxl
    d.find_element(By.ID, "dl-xlsx").click()
    target = None
    for _ in range(200):
        done = [p for p in d.downloads.iterdir() if p.suffix == ".xlsx"]
        if done:
            target = done[0]
            break
        time.sleep(0.1)
    assert target is not None and target.name == "sample_guides-sxcheck.xlsx"
    from openpyxl import load_workbook

    wb = load_workbook(target)
    assert "问题清单" in wb.sheetnames
    issues = wb["问题清单"]
    assert issues.max_row - 1 == s["findings"]

    # English: the switch keeps the result on screen
    d.find_element(By.ID, "switch").click()
    wait(d, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en" and visible(d, "result"))
    assert tiles(d)["Errors"] == str(s["errors"])
    shot(d, "english")


def test_corrupt_workbook_shows_the_cli_message(server, browser, tmp_path):
    broken = tmp_path / "办事指南-损坏.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    r = CliRunner().invoke(cli.main, ["validate", str(broken), "-q"])
    assert r.exit_code == 3
    expected = r.stderr.strip().replace(str(broken), broken.name)
    upload(browser, server, broken)
    assert visible(browser, "failure") and not visible(browser, "result")
    assert browser.find_element(By.ID, "failure-text").text == expected
    shot(browser, "error")
    upload(browser, server, SAMPLE)          # and the server keeps serving
    assert visible(browser, "result")


def test_markup_in_the_data_stays_text(server, browser, tmp_path):
    import csv

    with open(CATALOGS / "clean_guides.csv", encoding="utf-8-sig") as fh:
        src = list(csv.DictReader(fh))[:3]
    evil = '<img src=x onerror="document.title=\'pwned\'">'
    src[0]["事项名称"] = evil
    src[1]["办理时间"] = evil        # a value that draws a finding, shown in the table and the detail
    path = tmp_path / "markup.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(src[0]))
        w.writeheader()
        w.writerows(src)
    upload(browser, server, path)
    assert visible(browser, "result")
    assert browser.find_elements(By.CSS_SELECTOR, "#result img") == []
    assert browser.title != "pwned"
    values = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#findings-table td.value")]
    assert evil in values


def test_conform_against_the_bundled_base_shows_the_rates(server, browser):
    local = CATALOGS / "local_catalog_sample.csv"
    r = CliRunner().invoke(cli.main, ["conform", str(local), "--base", str(CATALOGS / "national_base_sample.csv"),
                                      "--format", "json", "-q"])
    ref = json.loads(r.stdout)
    d = browser
    d.get(server.url + "/")
    d.find_element(By.CSS_SELECTOR, "input[name=command][value=conform]").click()
    assert d.find_element(By.CSS_SELECTOR, ".sub-opts[data-for=conform]").is_displayed()
    assert not d.find_element(By.CSS_SELECTOR, ".sub-opts[data-for=revoked]").is_displayed()
    d.find_element(By.ID, "file").send_keys(str(local))
    d.find_element(By.ID, "start").click()
    wait(d, lambda d: visible(d, "result") or visible(d, "failure"))
    assert visible(d, "result"), d.find_element(By.ID, "failure-text").text
    rates = {t.find_element(By.CLASS_NAME, "tile-name").text: t.find_element(By.CLASS_NAME, "tile-value").text
             for t in d.find_elements(By.CSS_SELECTOR, "#rates .tile")}
    for key, name in (("catalog_conformity", "基本目录符合率"), ("task_conformity", "实施清单符合率")):
        assert rates[name] == f"{ref['stats']['rates'][key]['rate'] * 100:.2f}%"
    assert tiles(d)["错误"] == str(ref["summary"]["errors"])
    shot(d, "conform")


def test_sources_with_two_channels_shows_each_same_source_rate(server, browser):
    pytest.importorskip("validators.channels")
    ref, app, hall = (CATALOGS / "sources_reference.csv", CATALOGS / "sources_channel_app.json",
                      CATALOGS / "sources_channel_hall.xlsx")
    d = browser
    d.get(server.url + "/")
    d.find_element(By.CSS_SELECTOR, "input[name=command][value=sources]").click()
    d.find_element(By.ID, "file").send_keys(str(ref))
    d.find_element(By.CSS_SELECTOR, "input[name=channel]").send_keys(f"{app}\n{hall}")
    d.find_element(By.ID, "start").click()
    wait(d, lambda d: visible(d, "result") or visible(d, "failure"))
    assert visible(d, "result"), d.find_element(By.ID, "failure-text").text
    rates = {t.find_element(By.CLASS_NAME, "tile-name").text: t.find_element(By.CLASS_NAME, "tile-value").text
             for t in d.find_elements(By.CSS_SELECTOR, "#rates .tile")}
    assert rates == {f"{app.name} 同源率": "97.37%", f"{hall.name} 同源率": "98.15%"}
    shot(d, "sources")


def test_cases_show_the_link_rate_and_never_a_cases_row(server, browser):
    cases, catalog = CATALOGS / "case_sample.csv", CATALOGS / "case_catalog_sample.csv"
    r = CliRunner().invoke(cli.main, ["cases", str(cases), "--catalog", str(catalog), "--as-of", "2026-03-31",
                                      "--format", "json", "-q"])
    ref = json.loads(r.stdout)
    d = browser
    d.get(server.url + "/")
    d.find_element(By.CSS_SELECTOR, "input[name=command][value=cases]").click()
    d.find_element(By.ID, "file").send_keys(str(cases))
    d.find_element(By.CSS_SELECTOR, "input[name=catalog]").send_keys(str(catalog))
    d.execute_script("document.querySelector('input[name=as_of]').value = '2026-03-31'")
    d.find_element(By.ID, "start").click()
    wait(d, lambda d: visible(d, "result") or visible(d, "failure"))
    assert visible(d, "result"), d.find_element(By.ID, "failure-text").text
    rates = {t.find_element(By.CLASS_NAME, "tile-name").text: t.find_element(By.CLASS_NAME, "tile-value").text
             for t in d.find_elements(By.CSS_SELECTOR, "#rates .tile")}
    assert rates == {"办件信息与事项关联比率": f"{ref['stats']['rates']['link_rate']['rate'] * 100:.2f}%"}
    assert tiles(d)["错误"] == str(ref["summary"]["errors"])
    assert len(d.find_elements(By.CSS_SELECTOR, "#findings-table tbody tr")) == ref["summary"]["findings"]
    row = next(tr for tr in d.find_elements(By.CSS_SELECTOR, "#findings-table tbody tr")
               if tr.find_elements(By.TAG_NAME, "td")[3].text)
    row.click()
    wait(d, lambda d: visible(d, "detail") and d.find_element(By.ID, "detail-norow").text)
    assert "个人信息" in d.find_element(By.ID, "detail-norow").text
    assert not d.find_elements(By.CSS_SELECTOR, "#detail-row tr")
    shot(d, "cases")

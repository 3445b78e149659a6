"""The JSON API of `sxcheck serve`, in process (Starlette's TestClient): same reports as the CLI,
jobs, uploads under a limit, the token guard, expiry and input errors."""
from __future__ import annotations

import io
import json
import os
import time

import pytest
from click.testing import CliRunner

pytest.importorskip("starlette", reason="sxcheck[serve] is not installed")
pytest.importorskip("httpx", reason="httpx (TestClient) is not installed")
from conftest import CATALOGS
from starlette.testclient import TestClient

import cli
from validators.web import create_app

SAMPLE = CATALOGS / "sample_guides.xlsx"


@pytest.fixture
def client(tmp_path):
    app = create_app(jobs=2, ttl_minutes=60, root=str(tmp_path / "jobs"))
    (tmp_path / "jobs").mkdir(exist_ok=True)
    with TestClient(app) as c:
        yield c


def cli_json(*args) -> dict:
    r = CliRunner().invoke(cli.main, [*args, "--format", "json", "-q"])
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


def comparable(doc: dict, *paths) -> dict:
    """A report without timings, with the inputs' paths shown by their names as the server shows them."""
    text = json.dumps(doc, ensure_ascii=False)
    for p in paths:
        text = text.replace(json.dumps(str(p), ensure_ascii=False)[1:-1], os.path.basename(p))
    doc = json.loads(text)
    doc["summary"].pop("seconds")
    for f in doc["findings"]:
        if f["source"]:
            f["source"] = os.path.basename(f["source"])
    for s in doc["stats"].get("sources", []):
        s["source"] = os.path.basename(s["source"])
    doc["stats"].pop("timing", None)
    doc["stats"].get("same_source", {}).pop("seconds", None)
    if "base" in doc["stats"]:
        doc["stats"]["base"]["source"] = os.path.basename(doc["stats"]["base"]["source"])
    return doc


def upload(client, command, path, data=None, name=None, field="file", **extra):
    with open(path, "rb") as fh:
        files = {field: (name or os.path.basename(path), fh.read())}
    for k, p in extra.items():
        with open(p, "rb") as fh:
            files[k] = (os.path.basename(p), fh.read())
    return client.post(f"/api/{command}", files=files, data=data or {})


def test_validate_returns_the_cli_json(client):
    r = upload(client, "validate", SAMPLE)
    assert r.status_code == 200
    assert r.headers["x-sxcheck-exit-code"] == "1"
    got = r.json()
    assert comparable(got) == comparable(cli_json("validate", str(SAMPLE)), SAMPLE)
    assert got["summary"]["errors"] == 28 and got["summary"]["warnings"] == 24
    assert {f["source"] for f in got["findings"] if f["source"]} == {"sample_guides.xlsx"}
    # English, as --lang en (a form field, or ?lang=en)
    r = upload(client, "validate", SAMPLE, data={"lang": "en"})
    assert comparable(r.json()) == comparable(cli_json("validate", str(SAMPLE), "--lang", "en"), SAMPLE)
    with open(SAMPLE, "rb") as fh:
        r2 = client.post("/api/validate?lang=en", files={"file": (SAMPLE.name, fh.read())})
    assert comparable(r2.json()) == comparable(r.json())


def test_options_as_form_fields(client):
    r = upload(client, "validate", SAMPLE, data={"severity": "legal-basis-no-article=info", "fail_on": "never"})
    assert r.status_code == 200 and r.headers["x-sxcheck-exit-code"] == "0"
    ref = cli_json("validate", str(SAMPLE), "--severity", "legal-basis-no-article=info")
    assert r.json()["summary"]["infos"] == ref["summary"]["infos"] >= 1
    gbk = CATALOGS / "sample_guides_gbk.csv"
    r = upload(client, "validate", gbk, data={"encoding": "gbk"})
    assert comparable(r.json()) == comparable(cli_json("validate", str(gbk), "--encoding", "gbk"), gbk)
    for bad in ({"severity": "no-such-rule=info"}, {"fail_on": "sometimes"}, {"lang": "fr"},
                {"encoding": "klingon"}, {"match_threshold": "80", "review_threshold": "90"}):
        r = upload(client, "validate", SAMPLE, data=bad)
        assert r.status_code == 400 and "无效" in r.json()["error"], bad


def test_conform_revoked_certificates_match_the_cli(client):
    local = CATALOGS / "local_catalog_sample.csv"
    base = CATALOGS / "national_base_sample.csv"
    r = upload(client, "conform", local)          # the bundled base sample by default
    assert r.status_code == 200
    assert comparable(r.json()) == comparable(cli_json("conform", str(local), "--base", str(base)), local, base)
    assert r.json()["stats"]["rates"]["task_conformity"]["rate"] is not None
    r = upload(client, "conform", local, base=str(base), data={"min_rate": "0.99"})
    assert r.json()["stats"]["gate"]["passed"] is False and r.headers["x-sxcheck-exit-code"] == "1"

    rev = CATALOGS / "revoked_sample.csv"
    r = upload(client, "revoked", rev)
    assert comparable(r.json()) == comparable(cli_json("revoked", str(rev)), rev)
    assert any(f["code"] == "revoked-item-listed" for f in r.json()["findings"])

    guides = CATALOGS / "certificate_samples" / "region_a_guides.xlsx"
    r = upload(client, "certificates", guides)
    assert comparable(r.json()) == comparable(cli_json("certificates", str(guides)), guides)


def test_long_runs_are_jobs_with_status(client):
    r = upload(client, "validate", SAMPLE, data={"wait": "0"})
    assert r.status_code == 202
    job = r.json()["job"]
    assert len(job) >= 32 and r.headers["location"] == f"/api/jobs/{job}"
    for _ in range(300):
        st = client.get(f"/api/jobs/{job}").json()
        if st["status"] == "done":
            break
        assert st["status"] in ("queued", "running")
        time.sleep(0.05)
    assert st["status"] == "done" and st["summary"]["errors"] == 28 and st["exit_code"] == 1
    rep = client.get(st["downloads"]["json"]).json()
    assert rep["summary"]["errors"] == 28
    first = client.get(st["downloads"]["json"] + "?limit=5").json()
    assert len(first["findings"]) == 5 and first["findings_truncated"] is True
    assert first["findings"] == rep["findings"][:5] and first["summary"] == rep["summary"]
    rows = client.get(f"/api/jobs/{job}/rows.json").json()
    f = next(f for f in rep["findings"] if f["code"] == "onsite-reason-missing")
    values = client.get(f"/api/jobs/{job}/row", params={"source": f["source"], "sheet": f["sheet"],
                                                         "row": f["row"]}).json()["values"]
    assert values["onsite_visits"] == f["value"] and values["task_code"] == f["item"]
    assert rows["bodies"][f"sample_guides.xlsx\t{f['sheet']}\t{f['row']}"] == values["implementing_body"] == "灵山县行政审批局"
    assert rows["kept"] == len({(g["sheet"], g["row"]) for g in rep["findings"] if g["row"] is not None})
    assert client.get(f"/api/jobs/{job}/row", params={"sheet": f["sheet"], "row": 99999}).status_code == 404
    x = client.get(st["downloads"]["xlsx"])
    assert x.status_code == 200 and x.content[:2] == b"PK"
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(x.content))
    assert len(wb.sheetnames) >= 3 and "标注-sample_guides-办事指南" in wb.sheetnames
    cells = [str(c) for r in wb["问题清单"].iter_rows(values_only=True) for c in r if c is not None]
    assert "sample_guides.xlsx" in cells
    assert not [c for c in cells if "file0" in c or "job-" in c]          # no stored name or path
    assert client.get("/api/jobs/not-a-job").status_code == 404
    assert client.get(f"/api/jobs/{job}x/report.json").status_code == 404


def test_malformed_file_gets_the_cli_line_and_the_server_keeps_serving(client, tmp_path):
    broken = tmp_path / "损坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    r = CliRunner().invoke(cli.main, ["validate", str(broken), "-q"])
    assert r.exit_code == 3
    expected = r.stderr.strip().replace(str(broken), "损坏.xlsx")
    got = upload(client, "validate", broken)
    assert got.status_code == 422
    assert got.json()["error"] == expected and str(tmp_path) not in got.json()["error"]
    assert upload(client, "validate", SAMPLE).status_code == 200


def test_uploads_are_checked(client):
    r = client.post("/api/validate", files={"file": ("../../etc/evil.exe", b"MZ")})
    assert r.status_code == 400 and "evil.exe" in r.json()["error"]
    r = client.post("/api/validate", data={"lang": "zh"})
    assert r.status_code == 400
    r = client.post("/api/validate", content=b"not a form", headers={"content-type": "text/plain"})
    assert r.status_code == 400
    r = client.post("/api/validate", files={"other": ("a.csv", b"x")})
    assert r.status_code == 400
    assert client.post("/api/nope", files={"file": ("a.csv", b"x")}).status_code in (404, 405)


def test_client_paths_never_reach_the_file_system(client, tmp_path):
    evil = "../../../../" + str(tmp_path / "escaped") + ".csv"
    r = client.post("/api/validate", files={"file": (evil, SAMPLE.with_name("clean_guides.csv").read_bytes())},
                    data={"wait": "30"})
    assert r.status_code == 200
    assert not (tmp_path / "escaped.csv").exists()
    job = client.app.state.store.get(r.headers["x-sxcheck-job"])
    assert job.input_path.parent == job.dir and job.input_path.name == "file0.csv"
    assert r.json()["findings"] == [] or {f["source"] for f in r.json()["findings"] if f["source"]} == {"escaped.csv"}


def test_too_large_is_413(tmp_path):
    app = create_app(jobs=1, max_upload_mb=0.01, root=str(tmp_path))
    with TestClient(app) as c:
        big = b"a" * (2 * 1024 * 1024)
        r = c.post("/api/validate", files={"file": ("big.csv", big)})
        assert r.status_code == 413 and "MB" in r.json()["error"]
        assert not any(tmp_path.glob("*/job-*/*"))          # nothing kept of it


def test_jobs_expire_with_their_files(tmp_path):
    app = create_app(jobs=1, ttl_minutes=1, root=str(tmp_path))
    with TestClient(app) as c:
        r = upload(c, "validate", SAMPLE)
        job_id = r.headers["x-sxcheck-job"]
        store = c.app.state.store
        job = store.get(job_id)
        assert job.dir.exists() and job.input_path.exists()
        assert store.sweep(time.time() + 30) == 0
        assert store.sweep(time.time() + 61) == 1
        assert not job.dir.exists()
        assert c.get(f"/api/jobs/{job_id}").status_code == 404


def test_two_jobs_never_share_files(client):
    a = upload(client, "validate", SAMPLE, data={"wait": "30"})
    b = upload(client, "validate", CATALOGS / "sample_guides_gbk.csv", data={"wait": "30"})
    store = client.app.state.store
    ja, jb = store.get(a.headers["x-sxcheck-job"]), store.get(b.headers["x-sxcheck-job"])
    assert ja.dir != jb.dir and not set(os.listdir(ja.dir)) & {str(jb.input_path)}
    assert ja.input_path.parent == ja.dir and jb.input_path.parent == jb.dir
    assert a.json()["stats"]["sources"][0]["source"] == "sample_guides.xlsx"
    assert b.json()["stats"]["sources"][0]["source"] == "sample_guides_gbk.csv"


def test_rules_and_health(client):
    rules = client.get("/api/rules").json()["rules"]
    by = {r["code"]: r for r in rules}
    assert by["uscc-check-digit"]["title"] and by["uscc-check-digit"]["basis"]
    en = client.get("/api/rules?lang=en").json()["rules"]
    assert {r["code"] for r in en} == set(by)
    h = client.get("/healthz").json()
    assert h["status"] == "ok" and h["workers"] == 2


def test_page_is_escaped_and_has_no_outside_resources(client):
    r = client.get("/")
    assert r.status_code == 200 and "办事指南" in r.text
    assert "http://" not in r.text.replace("http://testserver", "") and "https://" not in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "English" in r.text
    en = client.get("/?lang=en")
    assert "Drop a file here" in en.text
    js = client.get("/static/app.js").text
    for sink in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in js
    assert "http" not in js


def test_token_guard(tmp_path):
    app = create_app(jobs=1, token="s3cret-token", root=str(tmp_path))
    with TestClient(app) as c:
        assert c.get("/healthz").status_code == 401
        page = c.get("/")
        assert page.status_code == 401 and "令牌" in page.text and "token" in page.text
        assert c.get("/healthz", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/healthz", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        r = c.post("/api/validate", files={"file": ("a.csv", b"x")})
        assert r.status_code == 401
        r = c.get("/?token=s3cret-token&lang=en", follow_redirects=False)
        assert r.status_code == 303 and "token" not in r.headers["location"]
        assert "sxcheck_token" in r.headers["set-cookie"] and "HttpOnly" in r.headers["set-cookie"]
        c.cookies.set("sxcheck_token", "s3cret-token")
        assert c.get("/").status_code == 200
        assert upload(c, "validate", SAMPLE).status_code == 200


def test_serve_refuses_a_public_address_without_a_token():
    r = CliRunner().invoke(cli.main, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2 and "--token" in r.output
    r = CliRunner().invoke(cli.main, ["serve", "--host", "192.0.2.1", "--lang", "en"])
    assert r.exit_code == 2 and "needs --token" in r.output


def test_serve_without_the_extra_says_how_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "uvicorn" else real(name, *a))
    r = CliRunner().invoke(cli.main, ["serve"])
    assert r.exit_code == 2 and "pip install 'sxcheck[serve]'" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_status_as_server_sent_events(client):
    r = upload(client, "validate", SAMPLE, data={"wait": "0"})
    job = r.json()["job"]
    with client.stream("GET", f"/api/jobs/{job}/events") as s:
        assert s.headers["content-type"].startswith("text/event-stream")
        text = "".join(s.iter_text())
    events = [json.loads(line[len("data: "):]) for line in text.splitlines() if line.startswith("data: ")]
    assert events and events[-1]["status"] == "done" and events[-1]["summary"]["errors"] == 28
    assert all(e["status"] in ("queued", "running", "done") for e in events)


def test_the_server_starts_without_the_library(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    code = (f"import sys; from validators.web import create_app; app = create_app(jobs=1, root={str(tmp_path)!r}); "
            "app.state.store.close(); "
            "print(sorted(m for m in ('pandas', 'pyarrow', 'openpyxl', 'great_expectations') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_sources_compares_channels_like_the_cli(client):
    pytest.importorskip("validators.channels")
    ref, app, hall = (CATALOGS / "sources_reference.csv", CATALOGS / "sources_channel_app.json",
                      CATALOGS / "sources_channel_hall.xlsx")
    files = [("file", (ref.name, ref.read_bytes())), ("channel", (app.name, app.read_bytes())),
             ("channel", (hall.name, hall.read_bytes()))]
    r = client.post("/api/sources", files=files, data={"min_rate": "0.98"})
    assert r.status_code == 200, r.text
    expected = cli_json("sources", str(ref), str(app), str(hall), "--min-rate", "0.98", "--fail-on", "never")
    got = r.json()
    assert comparable(got) == comparable(expected, ref, app, hall)
    rates = {c["channel"]: c["same_source_rate"]["rate"] for c in got["stats"]["same_source"]["channels"]}
    assert rates == {app.name: 0.973684, hall.name: 0.981481}
    assert got["stats"]["gate"]["passed"] is False and r.headers["x-sxcheck-exit-code"] == "1"
    # a channel finding's row is shown from the channel file it is in
    job = r.headers["x-sxcheck-job"]
    f = next(f for f in got["findings"] if f["source"] == hall.name and f["row"] is not None)
    values = client.get(f"/api/jobs/{job}/row", params={"source": f["source"], "sheet": f["sheet"] or "",
                                                         "row": f["row"]})
    assert values.status_code == 200 and values.json()["values"]
    x = client.get(f"/api/jobs/{job}/report.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    # a channel is needed; the reference cannot repeat
    r = client.post("/api/sources", files=[("file", (ref.name, ref.read_bytes()))])
    assert r.status_code == 400 and "channel" in r.json()["error"]
    r = client.post("/api/validate", files=[("file", (ref.name, b"a")), ("file", (ref.name, b"b"))])
    assert r.status_code == 400


def test_loopback_server_answers_only_its_own_names(tmp_path):
    app = create_app(jobs=1, root=str(tmp_path), allowed_hosts=("127.0.0.1", "localhost", "::1"))
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/healthz", headers={"Host": "localhost:8000"}).status_code == 200
        assert c.get("/healthz", headers={"Host": "evil.example:8000"}).status_code == 400


def test_a_full_queue_is_503(tmp_path):
    app = create_app(jobs=1, root=str(tmp_path), max_queued=0)
    with TestClient(app) as c:
        r = upload(c, "validate", SAMPLE)
        assert r.status_code == 503 and r.headers["retry-after"] == "30"
        assert not any(tmp_path.glob("*/job-*"))


def test_html_report_download(client):
    pytest.importorskip("validators.exporters.html", reason="the HTML exporter is not on this branch")
    hostile = '<img src=x onerror=alert(1)>".xlsx'
    r = client.post("/api/validate", files={"file": (hostile, SAMPLE.read_bytes())})
    job = r.headers["x-sxcheck-job"]
    st = client.get(f"/api/jobs/{job}").json()
    assert st["downloads"]["html"] == f"/api/jobs/{job}/report.html"
    h = client.get(st["downloads"]["html"])
    assert h.status_code == 200 and h.headers["content-type"].startswith("text/html")
    assert "attachment" in h.headers["content-disposition"]
    assert "file0" not in h.text and "<img src=x" not in h.text
    assert "_img src=x onerror=alert(1)_" in h.text          # the name, defused


def test_jobs_beyond_the_pool_wait_in_the_queue(tmp_path):
    app = create_app(jobs=1, root=str(tmp_path))
    with TestClient(app) as c:
        store = c.app.state.store
        gate = __import__("threading").Event()
        store.pool.submit(gate.wait, 30)            # the only worker is busy
        try:
            r = upload(c, "validate", SAMPLE, data={"wait": "0"})
            st = c.get(f"/api/jobs/{r.json()['job']}").json()
            assert st["status"] == "queued" and st["queued_before"] == 0
        finally:
            gate.set()
        for _ in range(300):
            st = c.get(f"/api/jobs/{r.json()['job']}").json()
            if st["status"] == "done":
                break
            time.sleep(0.05)
        assert st["status"] == "done"


def test_cases_report_the_cli_link_rate_and_never_a_cases_row(client):
    cases, catalog = CATALOGS / "case_sample.csv", CATALOGS / "case_catalog_sample.csv"
    files = [("file", (cases.name, cases.read_bytes())), ("catalog", (catalog.name, catalog.read_bytes()))]
    r = client.post("/api/cases", files=files, data={"as_of": "2026-03-31", "near_days": "5", "min_rate": "0.99"})
    assert r.status_code == 200, r.text
    expected = cli_json("cases", str(cases), "--catalog", str(catalog), "--as-of", "2026-03-31",
                        "--near-days", "5", "--min-link-rate", "0.99", "--fail-on", "never")
    got = r.json()
    assert comparable(got) == comparable(expected, cases, catalog)
    assert 0 < got["stats"]["rates"]["link_rate"]["rate"] < 0.99
    assert got["stats"]["gate"]["passed"] is False and r.headers["x-sxcheck-exit-code"] == "1"
    # personal data stays out of the page: no case row is kept for the row view
    job = r.headers["x-sxcheck-job"]
    rows = client.get(f"/api/jobs/{job}/rows.json").json()
    assert rows["tables"] == [] and rows["kept"] == 0
    f = next(f for f in got["findings"] if f["row"] is not None)
    assert client.get(f"/api/jobs/{job}/row", params={"source": f["source"], "row": f["row"]}).status_code == 404
    # a catalog is needed, the day must be a date
    r = client.post("/api/cases", files=files[:1])
    assert r.status_code == 400 and "catalog" in r.json()["error"]
    r = client.post("/api/cases", files=files, data={"as_of": "31/03/2026"})
    assert r.status_code == 400 and "as_of" in r.json()["error"]

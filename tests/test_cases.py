"""sxcheck cases: case records against the 实施清单 (link rate, working-day time limits, masking).

The bundled sample (catalogs/case_sample.csv / .xlsx, catalogs/case_catalog_sample.csv) has its
truth in catalogs/case_truth.csv, computed by catalogs/make_case_samples.py with
chinese_calendar.is_workday day by day (not with sxcheck's calendar).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from tests.conftest import CATALOGS, ROOT

CASES_CSV = CATALOGS / "case_sample.csv"
CASES_XLSX = CATALOGS / "case_sample.xlsx"
CATALOG = CATALOGS / "case_catalog_sample.csv"
TRUTH = CATALOGS / "case_truth.csv"
AS_OF = "2026-03-31"


def run(path=CASES_CSV, catalog=CATALOG, **kw):
    from validators import check_cases

    kw.setdefault("as_of", AS_OF)
    return check_cases(str(path), str(catalog), **kw)


def sample_rows():
    with open(CASES_CSV, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def truth():
    with open(TRUTH, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def found(report):
    return {(f.item, f.row, f.code, f.field) for f in report.findings()}


@pytest.fixture(scope="module")
def report():
    return run()


# ------------------------------------------------------------------ the sample's truth
def test_truth_reproduced_exactly(report):
    expected = {(t["case_id"], int(t["row"]), t["code"], t["field"]) for t in truth()}
    assert len(expected) == 39
    assert found(report) == expected


def test_xlsx_with_excel_datetimes_gives_the_same_findings(report):
    xlsx = run(CASES_XLSX)
    assert found(xlsx) == found(report)
    assert xlsx.extra["rates"] == report.extra["rates"]


def test_link_rate_numerator_and_denominator_by_hand(report):
    # 326 cases; unlinked by hand from the truth: 4 malformed + 3 unknown + 3 body + 5 version = 15
    assert report.extra["rates"]["link_rate"] == {"numerator": 311, "denominator": 326, "rate": 0.953988}
    assert report.extra["link"]["unlinked"] == {"case-code-malformed": 4, "case-item-unknown": 3,
                                                "case-body-mismatch": 3, "case-version-unknown": 5}
    per_unit = report.extra["link"]["per_unit"]
    # 民政局: 32 cases accepted, two unlinked (the 低保 case before publication, the 临时救助 case
    # after cancellation); 公安局: 39 cases, one unlinked (the 户口迁移 case accepted by 审批局 is
    # counted at 审批局, the 企业变更登记 case with a 公安局 code is unknown)
    assert per_unit["114507210081144753"] == {"name": "灵山县民政局", "numerator": 30, "denominator": 32,
                                              "rate": 0.9375}
    assert per_unit["11450721008115195B"]["numerator"] == 38
    assert per_unit["11450721008115195B"]["denominator"] == 39
    # every group recomputed from the raw file and the truth
    unlinked = {t["case_id"] for t in truth() if t["code"] in report.extra["link"]["unlinked"]}
    counts: dict[str, list[int]] = {}
    for r in sample_rows():
        c = counts.setdefault(r["受理单位统一社会信用代码"], [0, 0])
        c[1] += 1
        c[0] += r["办件编号"] not in unlinked
    assert {k: [v["numerator"], v["denominator"]] for k, v in per_unit.items()} == counts
    assert sum(v["denominator"] for v in report.extra["link"]["per_body"].values()) == 326


def test_holidays_and_adjusted_weekends_decide_overdue(report):
    by_id = {f.item: f.code for f in report.findings()}
    rows = {r["办件编号"]: r for r in sample_rows()}

    def day(text):   # every form in the sample starts with the date's 8 digits
        d = re.sub(r"\D", "", text)[:8]
        return np.datetime64(f"{d[:4]}-{d[4:6]}-{d[6:]}", "D")

    def accepted(cid):
        return day(rows[cid]["受理时间"])

    def finished(cid):
        return day(rows[cid]["办结时间"])

    # 5 working days from 2025-09-29: a weekday-only count says 10-06 (overdue on 10-10);
    # National Day (10-01…10-08) and the worked Saturday 10-11 make it 10-13: on time
    national = next(c for c, r in rows.items() if r["受理时间"].startswith(("20250929T100000", "2025-09-29 10:00")))
    assert np.busday_offset(accepted(national), 5, roll="forward") < finished(national)
    assert national not in by_id
    # 10 working days from 2026-02-11 across the Spring Festival (02-15…02-23, 调休 02-14, 02-28)
    spring = next(c for c, r in rows.items() if r["受理时间"].startswith(("20260211T093000", "2026-02-11 09:30")))
    assert np.busday_offset(accepted(spring), 10, roll="forward") < finished(spring)
    assert spring not in by_id
    # the worked Sunday 2025-09-28 counts: 2 working days from Friday 09-26 end on 09-29
    sunday = next(c for c, r in rows.items() if r["受理时间"].startswith(("20250926T140000", "2025-09-26 14:00")))
    assert np.busday_offset(accepted(sunday), 2, roll="forward") >= finished(sunday)
    assert by_id[sunday] == "case-overdue"


def test_time_limit_figures(report):
    t = report.extra["time_limits"]
    assert (t["overdue"], t["open_overdue"], t["near_deadline"], t["instant_late"], t["uncovered"]) == (9, 3, 3, 2, 1)
    assert t["as_of"] == AS_OF and t["near_days"] == 3
    assert report.extra["calendar"]["years"] == "2004–2026"


def test_near_days_is_configurable():
    codes = [f.code for f in run(near_days=0).findings()]
    assert codes.count("case-near-deadline") == 1      # only the case due on the as-of day itself


# ------------------------------------------------------------------ calendar
def test_calendar_agrees_with_chinese_calendar_and_names_its_years():
    import chinese_calendar

    from validators.caserecords.workdays import china_calendar, day_number

    cal = china_calendar()
    years = sorted({d.year for d in chinese_calendar.constants.holidays})
    assert (cal.first_year, cal.last_year) == (years[0], years[-1]) == (2004, 2026)
    rng = random.Random(7)
    starts, ns, expected = [], [], []
    for _ in range(400):
        d = dt.date(2004, 1, 1) + dt.timedelta(days=rng.randrange(0, 8000))
        n = rng.randrange(0, 30)
        e, k = d, 0
        while k < n:
            e += dt.timedelta(days=1)
            if chinese_calendar.is_workday(e):
                k += 1
        starts.append(day_number(d))
        ns.append(n)
        expected.append(day_number(e))
    assert cal.add_workdays(np.array(starts), np.array(ns)).tolist() == expected
    assert cal.add_workdays(np.array([day_number(dt.date(2026, 12, 30))]), np.array([5]))[0] == -1


def test_year_outside_the_calendar_is_not_guessed(tmp_path):
    rows = sample_rows()
    base = next(r for r in rows if r["办件编号"] == "LS202512260160")   # 5 工作日, overdue in 2026
    late = dict(base, 办件编号="LS2027", 申请时间="2027-01-04 09:00:00", 受理时间="2027-01-04 10:00:00",
                承诺办结时间="", 办结时间="2027-01-20 10:00:00")
    path = tmp_path / "c.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerow(late)
    rep = run(path, as_of="2026-12-01")
    assert [(f.code, f.params["day"]) for f in rep.findings()] == [("case-calendar-uncovered", "2027-01-04")]


# ------------------------------------------------------------------ dates, aliases, masks
def test_date_forms_and_invalid_dates():
    from validators.caserecords.dates import parse_datetimes, stamp_text

    good = {"20251009T093000": "2025-10-09 09:30:00", "2025100909:30:00": "2025-10-09 09:30:00",
            "2025-10-09 09:30:00": "2025-10-09 09:30:00", "2025/10/9": "2025-10-09",
            "2025年10月9日 9时30分": "2025-10-09 09:30:00", "45939.375": "2025-10-09 09:00:00",
            "２０２５－１０－０９": "2025-10-09", "2024-02-29": "2024-02-29"}
    bad = ["2025-02-29", "2025-11-31 10:00:00", "20251309T000000", "上周五", "2025-10-09 25:00:00", "12345"]
    s = parse_datetimes(list(good) + bad + [None, ""])
    assert [stamp_text(v) for v in s.sec[: len(good)]] == list(good.values())
    assert s.ok[: len(good)].all() and s.bad[len(good): len(good) + len(bad)].all()
    assert not s.present[-2:].any() and not s.bad[-2:].any()


def test_case_profile_reads_case_headers_differently_from_guides():
    from validators.read.aliases import canonical_name

    assert canonical_name("受理时间", "case") == "accepted_at"
    assert canonical_name("受理时间") == "handling_hours"
    assert canonical_name("联系电话", "case") == "contact_phone"
    assert canonical_name("联系电话") == "consultation_channel"
    assert canonical_name("applyTime", "case") == "applied_at"
    assert canonical_name("实施编码", "case") == "task_code"


def test_case_elements_file_is_generated(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "schemas" / "_generate.py"), "--out", str(tmp_path)],
                   check=True, cwd=tmp_path)
    assert (tmp_path / "case_elements.json").read_text(encoding="utf-8") == \
        (ROOT / "schemas" / "case_elements.json").read_text(encoding="utf-8")


def test_mask_forms():
    from validators.caserecords.mask import mask_value

    assert mask_value("applicant_id", "110101199001011234") == "110***********1234"
    assert mask_value("applicant_name", "张三") == "张*"
    assert mask_value("contact_phone", "13812345678") == "138****5678"
    assert mask_value("address", "广西壮族自治区钦州市灵山县三海街道江南路5号") == "广西壮族自治区钦州市灵山县****"
    assert mask_value("task_code", "11450721MB155808114000104002000") == "11450721MB155808114000104002000"


def _personal_values():
    vals = set()
    for r in sample_rows():
        for col in ("申请者名称", "申请者证件号码", "联系人手机号码", "通讯地址"):
            if r[col]:
                vals.add(r[col])
    assert len(vals) > 900
    return vals


def test_no_personal_data_in_any_output(tmp_path):
    """Every format, both languages, plus a ragged row whose raw text a reader would quote."""
    from click.testing import CliRunner

    import cli

    text = CASES_CSV.read_text(encoding="utf-8-sig").splitlines()
    text[5] = text[5] + ",多出的一格"            # a malformed row (its raw text holds personal data)
    ragged = tmp_path / "cases.csv"
    ragged.write_text("\n".join(text) + "\n", encoding="utf-8")
    personal = _personal_values()
    runner = CliRunner()
    outputs = {}
    for src in (ragged, CASES_XLSX):
        for fmt in ("table", "json", "junit", "sarif", "markdown", "codequality", "xlsx", "html"):
            for lang in ("zh", "en"):
                out = tmp_path / f"{src.stem}.{fmt}.{lang}"
                args = ["cases", str(src), "--catalog", str(CATALOG), "--as-of", AS_OF, "--format", fmt,
                        "--lang", lang, "--limit", "1000", "-o", str(out)]
                res = runner.invoke(cli.main, args)
                assert res.exit_code == 1, res.output
                if fmt == "xlsx":
                    with zipfile.ZipFile(out) as z:
                        body = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
                else:
                    body = out.read_text(encoding="utf-8")
                outputs[(src.name, fmt, lang)] = body + res.output
        terminal = runner.invoke(cli.main, ["cases", str(src), "--catalog", str(CATALOG), "--as-of", AS_OF,
                                            "--limit", "1000"])
        outputs[(src.name, "terminal", "zh")] = terminal.output
    assert any("row-malformed" in body for body in outputs.values())
    annotated = outputs[(CASES_XLSX.name, "xlsx", "zh")]
    # the workbook lists the findings by 办件编号; no case row is copied (the check pass never
    # reads the personal columns, and the exporter never reopens inputs)
    assert "case-overdue" in annotated and "标注-" not in annotated
    for key, body in outputs.items():
        leaked = [v for v in personal if v in body]
        assert not leaked, (key, leaked[:3])


# ------------------------------------------------------------------ messages (zh and en)
MESSAGES = {
    "case-calendar-uncovered": (2, "办件 LS200312220186 的时限涉及 2003-12-22，节假日数据只覆盖 2004–2026 年（chinese-calendar 1.11.0），不推算办结期限",
                                "Case LS200312220186: its time limit involves 2003-12-22, but the holiday data covers 2004–2026 only (chinese-calendar 1.11.0); no deadline is guessed"),
    "case-code-malformed": (4, "办件 LS202509030141 的实施编码“11450721MB15580811400013100100”不是 31 位实施编码（18 位统一社会信用代码 + 1 位行使层级 + 12 位基本编码），无法关联事项",
                            'Case LS202509030141: implementation code "11450721MB15580811400013100100" is not a 31-character code (18-character USCC + level digit + 12-digit catalog code); the case cannot be linked'),
    "case-version-unknown": (25, "办件 LS202509160153 的事项版本“2”在申请时间 2025-09-16 没有已发布的对应版本（实施清单中该事项的版本：1(2024-01-01~2025-11-01)、2(2025-11-01~)）",
                             'Case LS202509160153: item version "2" had no published version at the application time 2025-09-16 (versions of this item: 1(2024-01-01~2025-11-01)、2(2025-11-01~))'),
    "case-item-unknown": (39, "办件 LS202509220146 的实施编码 11450721MB1532244N3000107001000 不在实施清单中，无法关联事项",
                          "Case LS202509220146: implementation code 11450721MB1532244N3000107001000 is not in the catalog; the case cannot be linked"),
    "case-overdue": (45, "办件 LS202509250159 于 2025-10-15 10:00:00 办结，晚于办结期限 2025-10-11（实施清单承诺 7个工作日，2025-09-25 09:00:00 受理），超期 3 个工作日",
                     "Case LS202509250159 finished on 2025-10-15 10:00:00, after its deadline 2025-10-11 (catalog promised limit 7 working day(s), accepted 2025-09-25 09:00:00), 3 working day(s) late"),
    "case-instant-not-instant": (59, "即办件 LS202510090177 于 2025-10-09 16:30:00 受理，2025-10-10 09:10:00 才办结，不是当场办结",
                                 "Instant case LS202510090177 was accepted on 2025-10-09 16:30:00 but finished only on 2025-10-10 09:10:00"),
    "case-body-mismatch": (79, "办件 LS202510200148 的受理单位统一社会信用代码 11450721MB15580811 与实施编码中的实施主体 11450721008115195B（灵山县公安局）不一致",
                           "Case LS202510200148: accepting body USCC 11450721MB15580811 differs from the implementing body 11450721008115195B (灵山县公安局) in the implementation code"),
    "case-dates-inconsistent": (90, "办件 LS202510270180 的受理时间 2025-10-27 09:00:00 早于申请时间 2025-10-27 15:00:00",
                                "Case LS202510270180: accepted_at 2025-10-27 09:00:00 is earlier than the application time 2025-10-27 15:00:00"),
    "case-date-invalid": (119, "办件 LS202511120182 的办结时间“2025-11-31 10:00:00”不是可识别的日期时间（应为 YYYYMMDDThhmmss、YYYYMMDDhh:mm:ss、YYYY-MM-DD hh:mm:ss 等）",
                          'Case LS202511120182: finished_at "2025-11-31 10:00:00" is not a recognised date-time (expected YYYYMMDDThhmmss, YYYYMMDDhh:mm:ss, YYYY-MM-DD hh:mm:ss …)'),
    "case-fee-mismatch": (152, "办件 LS202512030184 的是否收费为“是”，实施清单中该事项为“否”",
                          'Case LS202512030184: fee charged is "yes", the catalog says "no"'),
    "case-open-overdue": (204, "办件 LS202601050172 截至 2026-03-31 仍未办结，已超过办结期限 2026-02-06（实施清单承诺 24个工作日，2026-01-05 10:00:00 受理），超期 33 个工作日",
                          "Case LS202601050172 is still open on 2026-03-31, past its deadline 2026-02-06 (catalog promised limit 24 working day(s), accepted 2026-01-05 10:00:00), 33 working day(s) late"),
    "case-near-deadline": (299, "办件 LS202603030174 尚未办结，办结期限 2026-03-31，截至 2026-03-31 剩余 0 个工作日",
                           "Case LS202603030174 is open with deadline 2026-03-31: 0 working day(s) left on 2026-03-31"),
}


def _first_messages(rep, lang):
    out = {}
    for f in rep.iter_findings(lang):
        out.setdefault(f["code"], (f["row"], f["message"]))
    return out


def test_messages_zh_and_en(report):
    zh, en = _first_messages(report, "zh"), _first_messages(report, "en")
    for code, (row, zh_msg, en_msg) in MESSAGES.items():
        assert zh[code] == (row, zh_msg)
        assert en[code] == (row, en_msg)


def test_case_id_missing_message(tmp_path):
    rows = sample_rows()
    r = dict(next(r for r in rows if r["办件编号"] == "LS202512260160"), 办件编号="")
    path = tmp_path / "c.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerow(r)
    rep = run(path)
    assert _first_messages(rep, "zh")["case-id-missing"] == (2, "第 2 行办件没有办件编号")
    assert _first_messages(rep, "en")["case-id-missing"] == (2, "The case in row 2 has no case number")
    # the overdue finding still locates the case, by row
    assert _first_messages(rep, "zh")["case-overdue"][1].startswith("办件 #2 于 2026-01-06")


# ------------------------------------------------------------------ CLI and generated files
def test_cli_gate_and_errors(tmp_path):
    from click.testing import CliRunner

    import cli

    r = CliRunner()
    base = ["cases", str(CASES_CSV), "--catalog", str(CATALOG), "--as-of", AS_OF, "--fail-on", "never"]
    assert r.invoke(cli.main, base + ["--min-link-rate", "0.95"]).exit_code == 0
    assert r.invoke(cli.main, base + ["--min-link-rate", "0.96"]).exit_code == 1
    assert r.invoke(cli.main, base[:5] + ["--as-of", "2026-02-30"]).exit_code == 2
    missing = r.invoke(cli.main, ["cases", str(CASES_CSV), "--catalog", str(tmp_path / "none.csv")])
    assert missing.exit_code == 3 and "none.csv" in missing.output
    out = tmp_path / "r.json"
    assert r.invoke(cli.main, base + ["--format", "json", "-o", str(out)]).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["command"] == "cases" and doc["stats"]["rates"]["link_rate"]["numerator"] == 311
    assert doc["stats"]["calendar"]["years"] == "2004–2026"


def test_samples_regenerate_identically(tmp_path):
    subprocess.run([sys.executable, str(CATALOGS / "make_case_samples.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for name in ("case_catalog_sample.csv", "case_sample.csv", "case_sample.xlsx", "case_truth.csv", "CASES.md"):
        assert (tmp_path / name).read_bytes() == (CATALOGS / name).read_bytes(), name


def test_catalog_without_task_codes_is_an_input_error(tmp_path):
    from validators.read import InputError

    p = tmp_path / "cat.csv"
    p.write_text("事项名称,基本编码\n企业设立登记,000107001000\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        run(catalog=p)
    assert "实施编码" in exc.value.render("zh")


def test_excel_serial_dates_in_a_csv(tmp_path):
    # a sheet saved as CSV with number-formatted dates: 45939.4166… = 2025-10-09 10:00
    rows = sample_rows()
    r = dict(next(r for r in rows if r["办件编号"] == "LS202512260160"))
    r.update(申请时间="46017.375", 受理时间="46017.375", 承诺办结时间="", 办结时间="46028.4166666667")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerow(r)
    (tmp_path / "c.csv").write_text(buf.getvalue(), encoding="utf-8")
    rep = run(tmp_path / "c.csv")
    assert [(f.code, f.params["deadline"]) for f in rep.findings()] == [("case-overdue", "2026-01-05")]


def test_full_width_codes_and_placeholders(tmp_path):
    """Hand-typed exports: full-width digits in 实施编码 / 事项版本 still link; a placeholder
    受理单位代码 (“/”) is no code at all, so the body is not compared."""
    rows = sample_rows()
    r = dict(next(r for r in rows if r["办件编号"] == "LS202512260160"))
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    r.update(实施编码=r["实施编码"].translate(wide), 事项版本=r["事项版本"].translate(wide),
             受理单位统一社会信用代码="/")
    path = tmp_path / "c.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerow(r)
    rep = run(path)
    assert rep.extra["rates"]["link_rate"]["numerator"] == 1
    assert [f.code for f in rep.findings()] == ["case-overdue"]


def test_duplicate_case_numbers_across_files(tmp_path):
    rows = sample_rows()
    first = tmp_path / "a.csv"
    second = tmp_path / "b.csv"
    for path, part in ((first, rows[:5]), (second, [rows[3], dict(rows[10], 办件编号=""), dict(rows[11], 办件编号="")])):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(part)
    from validators import check_cases

    rep = check_cases([str(first), str(second)], str(CATALOG), as_of=AS_OF)
    dup = [f for f in rep.findings() if f.code == "case-id-duplicate"]
    assert [(f.source, f.row, f.item, f.params["first_row"]) for f in dup] == [(str(second), 2, rows[3]["办件编号"], 5)]
    msgs = {f["code"]: f["message"] for f in rep.iter_findings("zh")}
    assert msgs["case-id-duplicate"] == f"办件编号 {rows[3]['办件编号']} 重复：a.csv 第 5 行已有同一办件编号"
    msgs = {f["code"]: f["message"] for f in rep.iter_findings("en")}
    assert msgs["case-id-duplicate"] == f"Case number {rows[3]['办件编号']} repeats the one in a.csv row 5"
    assert rep.extra["rates"]["link_rate"]["denominator"] == 8    # rows, duplicates included


def test_case_export_without_task_codes_is_an_input_error(tmp_path):
    from click.testing import CliRunner

    import cli

    p = tmp_path / "c.csv"
    p.write_text("办件编号,事项名称,受理时间\nLS1,企业设立登记,2025-10-09 09:00:00\n", encoding="utf-8")
    r = CliRunner().invoke(cli.main, ["cases", str(p), "--catalog", str(CATALOG)])
    assert r.exit_code == 3
    assert "办件数据没有“实施编码”列" in r.output and "Traceback" not in r.output


def test_gbk_export_with_a_title_row(tmp_path):
    """A GBK CSV with a title line above the header: same findings, rows one lower."""
    text = CASES_CSV.read_text(encoding="utf-8-sig")
    path = tmp_path / "gbk.csv"
    path.write_bytes(("灵山县政务服务办件数据（2025年9月—2026年3月）\r\n" + text).encode("gbk"))
    rep = run(path)
    expected = {(t["case_id"], int(t["row"]) + 1, t["code"], t["field"]) for t in truth()}
    assert found(rep) == expected


# date-times as case exports of several platforms write them (standard, vendor, Excel, hand-typed);
# None = not a date-time a supervisor could rely on
DATE_CORPUS = [
    ("20251009T093000", "2025-10-09 09:30:00"), ("2025100909:30:00", "2025-10-09 09:30:00"),
    ("20251009093000", "2025-10-09 09:30:00"), ("2025-10-09 09:30:00", "2025-10-09 09:30:00"),
    ("2025-10-09T09:30:00", "2025-10-09 09:30:00"), ("2025-10-09T09:30:00Z", "2025-10-09 09:30:00"),
    ("2025-10-09T09:30:00+08:00", "2025-10-09 09:30:00"), ("2025-10-09 09:30:00.123", "2025-10-09 09:30:00"),
    ("2025-10-09 09:30", "2025-10-09 09:30:00"), ("2025-10-09", "2025-10-09"), ("2025/10/09", "2025-10-09"),
    ("2025/10/9", "2025-10-09"), ("2025/10/09 09:30:00", "2025-10-09 09:30:00"), ("2025/10/9 9:30", "2025-10-09 09:30:00"),
    ("2025.10.09", "2025-10-09"), ("2025年10月9日", "2025-10-09"), ("2025年10月09日 09:30", "2025-10-09 09:30:00"),
    ("2025年10月9日 9时30分", "2025-10-09 09:30:00"), ("2025年10月9日9时30分5秒", "2025-10-09 09:30:05"),
    ("20251009", "2025-10-09"), ("２０２５－１０－０９", "2025-10-09"), ("2025-10-09\u300009:30:00", "2025-10-09 09:30:00"),
    (" 2025-10-09 ", "2025-10-09"), ("45939", "2025-10-09"), ("45939.5", "2025-10-09 12:00:00"),
    ("2024-02-29 23:59:59", "2024-02-29 23:59:59"), ("2025-12-31 00:00:01", "2025-12-31 00:00:01"),
    ("2025-13-01", None), ("2025-02-29", None), ("2025-10-32", None), ("20251009T253000", None),
    ("2025-10-09 24:00:00", None), ("2025-10-09 09:30:60", None), ("10/09/2025", None), ("09-10-2025", None),
    ("2025-10", None), ("2025", None), ("下周一", None), ("2025-10-09 9点", None), ("12345", None),
    ("99999", None), ("2025-1009", None), ("2025-10-09T", None), ("20251009T0930", None),
]


def test_date_corpus_precision_and_recall():
    from validators.caserecords.dates import parse_datetimes, stamp_text

    s = parse_datetimes([v for v, _ in DATE_CORPUS])
    tp = fp = fn = 0
    wrong = []
    for (value, expected), ok, sec in zip(DATE_CORPUS, s.ok, s.sec, strict=True):
        got = stamp_text(sec) if ok else None
        if expected is None:
            fp += got is not None
        elif got == expected:
            tp += 1
        else:
            fn += 1
        if got != expected:
            wrong.append((value, expected, got))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert (precision, recall) == (1.0, 1.0), wrong


def test_a_row_of_spaces_in_a_case_workbook_is_a_blank_row(tmp_path):
    # the one blank-row rule of every input: cells empty or white space only (as a CSV line of
    # spaces), not a case lacking its 办件编号, dates and catalog link
    import openpyxl

    rows = sample_rows()[:3]
    header = list(rows[0])
    wb = openpyxl.Workbook()
    wb.active.append(header)
    wb.active.append([rows[0][h] for h in header])
    wb.active.append([" ", "\u3000"] + ["\t"] * (len(header) - 2))
    for r in rows[1:]:
        wb.active.append([r[h] for h in header])
    path = tmp_path / "cases.xlsx"
    wb.save(path)
    rep = run(path)
    assert rep.summary()["rows"] == 4 and rep.summary()["rows_blank"] == 1
    assert [f.code for f in rep.findings() if f.row == 3] == ["row-blank"]

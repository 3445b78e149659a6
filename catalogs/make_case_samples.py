"""Regenerate the case-record samples in ``catalogs/`` (deterministic; run from anywhere).

    python catalogs/make_case_samples.py            # writes into catalogs/
    python catalogs/make_case_samples.py --out DIR  # writes elsewhere (used by the tests)

Outputs
  case_catalog_sample.csv  the 实施清单 of six 灵山县 bodies (UTF-8 with BOM): 36 rows, 33 实施编码,
                           three with two 事项版本, one only published from 2025-12-01, one
                           cancelled on 2025-12-31; limits in 工作日, 自然日, 小时 and 即办
  case_sample.csv          326 cases (GB/T 39046-2020 表5/表6/表8 elements, Chinese labels, UTF-8
                           with BOM) applied for between 2025-09-01 and 2026-03-27: National Day
                           2025 (10-01…10-08, 调休 Sun 09-28 and Sat 10-11), New Year 2026 and the
                           Spring Festival 2026 (02-15…02-23, 调休 Sat 02-14 and Sat 02-28), with
                           the applicants' names, ID numbers, phones and addresses
  case_sample.xlsx         the same rows as an Excel sheet whose date-times are real Excel
                           date cells (row numbers equal the CSV's)
  CASES.md                 the truth explained, with the table of every expected finding
  case_truth.csv           every finding the sample must produce as of 2026-03-31 with
                           ``--near-days 3``: case_id,row,code,field,note — every unlinked case
                           with its cause, every overdue, open-overdue, near-deadline, 即办件,
                           date, fee and calendar finding, and nothing else

The truth is computed here with ``chinese_calendar.is_workday`` day by day, independently of
sxcheck's vectorised calendar.  Normal cases finish on a working day on or before their
deadline; each planted case carries exactly the finding(s) listed in the truth.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import re
import sys
import zipfile
from pathlib import Path

# openpyxl serialises with lxml when it is installed, with ElementTree otherwise (different bytes):
# pin ElementTree so the XLSX is the same on every machine
os.environ["OPENPYXL_LXML"] = "False"

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import guidegen as g

SEED = 20251001
AS_OF = dt.date(2026, 3, 31)
NEAR_DAYS = 3
FIRST, LAST = dt.date(2025, 9, 1), dt.date(2026, 3, 27)
N_NORMAL = 280
FIXED_TIME = (2026, 3, 31, 0, 0, 0)

CATALOG_COLUMNS = [("item_name", "事项名称"), ("catalog_code", "基本编码"), ("task_code", "实施编码"),
                   ("item_version", "事项版本"), ("item_type", "事项类型"), ("implementing_body", "实施主体"),
                   ("implementing_body_code", "实施主体编码"), ("legal_time_limit", "法定办结时限"),
                   ("legal_time_limit_unit", "法定办结时限单位"), ("promised_time_limit", "承诺办结时限"),
                   ("promised_time_limit_unit", "承诺办结时限单位"), ("case_type", "办件类型"),
                   ("is_fee_charged", "是否收费"), ("planned_effective_date", "计划生效日期"),
                   ("planned_cancel_date", "计划取消日期")]
CASE_COLUMNS = [("case_id", "办件编号"), ("task_code", "实施编码"), ("catalog_code", "基本编码"),
                ("item_name", "事项名称"), ("item_version", "事项版本"), ("case_type", "办件类型"),
                ("applicant_name", "申请者名称"), ("applicant_id", "申请者证件号码"),
                ("contact_phone", "联系人手机号码"), ("address", "通讯地址"),
                ("accepting_unit", "受理单位名称"), ("accepting_unit_code", "受理单位统一社会信用代码"),
                ("applied_at", "申请时间"), ("accepted_at", "受理时间"), ("promised_at", "承诺办结时间"),
                ("finished_at", "办结时间"), ("case_fee", "是否收费")]
DATE_FIELDS = ("applied_at", "accepted_at", "promised_at", "finished_at")

# (dept, item name, promised limit, unit label, instant, fee, versions [(v, effective, cancelled)])
ITEMS = [
    ("spj", "固定资产投资项目节能审查", 5, "工作日", False, "0", [(13, None, None)]),
    ("spj", "企业投资项目核准", 10, "工作日", False, "0", [(1, "2024-01-01", "2025-11-01"), (2, "2025-11-01", None)]),
    ("spj", "在宗教活动场所内改建或者新建建筑物审批", 10, "工作日", False, "0", [(14, None, None)]),
    ("spj", "宗教临时活动地点审批", 10, "工作日", False, "0", [(3, None, None)]),
    ("spj", "食品经营许可证核发", 5, "1", False, "0", [(2, None, None)]),
    ("spj", "食品经营许可证变更", 3, "1", False, "0", [(2, None, None)]),
    ("spj", "食品经营许可证延续", 5, "1", False, "0", [(2, None, None)]),
    ("spj", "食品经营许可证注销", 0, "1", True, "0", [(2, None, None)]),
    ("spj", "食品经营许可证补办", 1, "1", False, "0", [(2, None, None)]),
    ("spj", "公共场所卫生许可证核发", 10, "1", False, "0", [(1, "2024-03-01", "2025-12-15"), (2, "2025-12-15", None)]),
    ("spj", "公共场所卫生许可证变更", 3, "1", False, "0", [(1, None, None)]),
    ("spj", "饮用水供水单位卫生许可", 20, "1", False, "0", [(1, None, None)]),
    ("spj", "建筑工程施工许可证核发", 7, "工作日", False, "0", [(4, None, None)]),
    ("fgj", "政府投资项目审批——可行性研究报告审批", 20, "工作日", False, "0", [(1, None, None)]),
    ("wgt", "举办健身气功活动及设立站点审批", 24, "工作日", False, "0", [(12, None, None)]),
    ("scj", "企业设立登记", 1, "工作日", False, "0", [(5, None, None)]),
    ("scj", "企业变更登记", 1, "工作日", False, "0", [(5, None, None)]),
    ("scj", "企业注销登记", 0, "工作日", True, "0", [(5, None, None)]),
    ("scj", "特种设备使用登记", 5, "工作日", False, "0", [(1, None, None)]),
    ("scj", "动产抵押登记", 0, "工作日", True, "0", [(1, None, None)]),
    ("scj", "消费投诉举报受理", 7, "自然日", False, "0", [(1, None, None)]),
    ("scj", "企业信用信息公示服务", 24, "小时", False, "0", [(1, None, None)]),
    ("mzj", "内地居民婚姻登记", 0, "工作日", True, "0", [(3, None, None)]),
    ("mzj", "社会团体成立登记", 30, "工作日", False, "0", [(1, None, None)]),
    ("mzj", "最低生活保障对象认定", 30, "工作日", False, "0", [(1, "2025-12-01", None)]),
    ("mzj", "临时救助对象认定", 15, "工作日", False, "0", [(1, None, "2025-12-31")]),
    ("gaj", "居民身份证换领", 60, "自然日", False, "1", [(2, None, None)]),
    ("gaj", "户口迁移登记", 5, "工作日", False, "0", [(1, None, None)]),
    ("gaj", "出生登记", 0, "工作日", True, "0", [(1, None, None)]),
    ("gaj", "机动车登记", 2, "工作日", False, "1", [(1, "2024-01-01", "2026-01-01"), (2, "2026-01-01", None)]),
    ("gaj", "无犯罪记录证明开具", None, None, False, "0", [(1, None, None)]),
    ("spj", "公共场所卫生许可证延续", 10, "1", False, "0", [(1, None, None)]),
    ("spj", "公共场所卫生许可证注销", 3, "1", False, "0", [(1, None, None)]),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "华", "玉兰", "建华", "志强", "海燕", "晓东", "春梅", "德明", "文杰"]
STREETS = ["三海街道江南路", "灵城街道凤凰路", "灵城街道人民路", "新圩镇新兴街", "檀圩镇中山路", "武利镇建设路",
           "陆屋镇和平路", "佛子镇灵佛街"]
COMPANIES = ["灵山县荔香食品有限公司", "钦州市佳和贸易有限公司", "灵山县绿源农业专业合作社", "广西灵山宏达建材有限公司",
             "灵山县新圩镇福旺饮食店", "灵山县三海街道惠民超市"]
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def is_workday(d: dt.date) -> bool:
    import chinese_calendar

    return chinese_calendar.is_workday(d)


def add_workdays(d: dt.date, n: int) -> dt.date:
    """The n-th working day after d (d not counted), by stepping day by day."""
    k = 0
    while k < n:
        d += dt.timedelta(days=1)
        if is_workday(d):
            k += 1
    return d


def weekday_only(d: dt.date, n: int) -> dt.date:
    """The same count with weekends only (the naive calendar the truth guards against)."""
    k = 0
    while k < n:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            k += 1
    return d


def next_workday(d: dt.date) -> dt.date:
    while not is_workday(d):
        d += dt.timedelta(days=1)
    return d


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days d with a < d ≤ b."""
    return sum(is_workday(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))


def id_number(rng: random.Random) -> str:
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 16000))
    body = "450721" + birth.strftime("%Y%m%d") + f"{rng.randrange(0, 1000):03d}"
    s = sum(int(c) * w for c, w in zip(body, ID_WEIGHTS))
    return body + "10X98765432"[s % 11]


def phone(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "152", "177", "181", "189", "135"]) + f"{rng.randrange(0, 10**8):08d}"


def build_catalog():
    entries = {(e["dept"], e["name"]): e for e in g.ENTRIES}
    items, rows = [], []
    for dept, name, limit, unit, instant, fee, versions in ITEMS:
        d = g.DEPTS[dept]
        e = entries.get((dept, name))
        code = e["catalog_code"] if e else f"0020{len(items):02d}001000"[:12]
        tt = e["type"] if e else "20"
        task = d["uscc"] + "4" + code
        item = {"dept": dept, "name": name, "body": d["name"], "uscc": d["uscc"], "code": code, "task": task,
                "limit": limit, "unit": unit, "instant": instant, "fee": fee, "versions": versions, "type": tt}
        items.append(item)
        for v, eff, cancel in versions:
            rows.append({"item_name": name, "catalog_code": code, "task_code": task, "item_version": str(v),
                         "item_type": tt, "implementing_body": d["name"], "implementing_body_code": d["uscc"],
                         "legal_time_limit": "" if limit is None else str(max(limit * 2, 20)),
                         "legal_time_limit_unit": "" if limit is None else ("2" if unit == "自然日" else "1")
                         if unit != "小时" else "1",
                         "promised_time_limit": "" if limit is None else ("即办" if instant else str(limit)),
                         "promised_time_limit_unit": unit or "", "case_type": "即办件" if instant else "承诺件",
                         "is_fee_charged": fee, "planned_effective_date": eff or "",
                         "planned_cancel_date": cancel or ""})
    return items, rows


def version_on(item, day: dt.date):
    for v, eff, cancel in item["versions"]:
        if (eff is None or dt.date.fromisoformat(eff) <= day) and (cancel is None or day < dt.date.fromisoformat(cancel)):
            return v
    return None


def deadline_of(item, accepted: dt.datetime):
    """(deadline day, deadline datetime or None) of a catalog limit, by the oracle."""
    d = accepted.date()
    if item["instant"]:
        return d, None
    if item["unit"] in ("工作日", "1"):
        return add_workdays(d, item["limit"]), None
    if item["unit"] == "自然日":
        return next_workday(d + dt.timedelta(days=item["limit"])), None
    if item["unit"] == "小时":
        t = accepted + dt.timedelta(hours=item["limit"])
        return t.date(), t
    raise ValueError(item["unit"])


class Maker:
    def __init__(self, rng: random.Random, items):
        self.rng = rng
        self.items = items
        self.by_name = {i["name"]: i for i in items}
        self.cases = []
        self.truth = []
        self.seq = 0

    def workday_between(self, lo: dt.date, hi: dt.date) -> dt.date:
        days = [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
        days = [d for d in days if is_workday(d)]
        return self.rng.choice(days)

    def at(self, day: dt.date, lo=9, hi=17) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(self.rng.randrange(lo, hi), self.rng.randrange(0, 60),
                                                self.rng.randrange(0, 60)))

    def person(self):
        rng = self.rng
        if rng.random() < 0.15:
            name = rng.choice(COMPANIES)
        else:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        addr = "广西壮族自治区钦州市灵山县" + rng.choice(STREETS) + f"{rng.randrange(1, 300)}号"
        return {"applicant_name": name, "applicant_id": id_number(rng), "contact_phone": phone(rng), "address": addr}

    def case(self, item, accepted: dt.datetime, finished: dt.datetime | None, *, applied=None, version="auto",
             expect=(), note="", **over):
        self.seq += 1
        cid = f"LS{accepted:%Y%m%d}{self.seq:04d}"
        applied = applied or accepted - dt.timedelta(minutes=self.rng.randrange(1, 60))
        on = applied.date() if isinstance(applied, dt.datetime) else accepted.date()
        v = version_on(item, on) if version == "auto" else version
        rec = {"case_id": cid, "task_code": item["task"], "catalog_code": item["code"], "item_name": item["name"],
               "item_version": "" if v is None else str(v), "case_type": "即办件" if item["instant"] else "承诺件",
               **self.person(), "accepting_unit": item["body"], "accepting_unit_code": item["uscc"],
               "applied_at": applied, "accepted_at": accepted, "promised_at": None, "finished_at": finished,
               "case_fee": item["fee"]}
        if item["limit"] is not None and not item["instant"] and item["unit"] != "小时" and "promised_at" not in over:
            rec["promised_at"] = dt.datetime.combine(deadline_of(item, accepted)[0], dt.time(17, 30))
        rec.update(over)
        self.cases.append(rec)
        for code, field, detail in expect:
            self.truth.append({"case_id": cid, "code": code, "field": field, "note": detail or note})
        return rec

    def normal(self, n: int):
        """Linked cases finished on a working day on or before their deadline."""
        timed_items = [i for i in self.items if i["limit"] is not None]
        while n > 0:
            item = self.rng.choice(timed_items)
            day = self.workday_between(FIRST, LAST)
            acc = self.at(day)
            if version_on(item, acc.date()) is None:
                continue
            dl, dl_t = deadline_of(item, acc)
            if dl >= AS_OF:
                continue
            if item["instant"]:
                fin = acc + dt.timedelta(minutes=self.rng.randrange(5, 50))
            elif dl_t is not None:
                fin = acc + dt.timedelta(minutes=self.rng.randrange(30, 24 * 60 - 1))
            else:
                fin_day = self.workday_between(add_workdays(acc.date(), 0), dl)
                fin = self.at(fin_day, 9, 17)
                if fin <= acc:
                    fin = acc + dt.timedelta(minutes=20)
            self.case(item, acc, fin)
            n -= 1


def fmt(value, style: int) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return [value.strftime("%Y%m%dT%H%M%S"), value.strftime("%Y-%m-%d %H:%M:%S"),
            value.strftime("%Y%m%d%H:%M:%S"), value.strftime("%Y/%m/%d")][style]


def plant(m: Maker) -> None:
    I = m.by_name
    D, T = dt.date, dt.datetime
    other = g.DEPTS["scj"]

    # --- unlinked: one cause each -----------------------------------------------------------
    it = I["食品经营许可证核发"]
    m.case(it, T(2025, 9, 3, 10, 0), T(2025, 9, 5, 11, 0), task_code=it["task"][:30],
           expect=[("case-code-malformed", "task_code", "实施编码少一位（30 位）")])
    m.case(it, T(2025, 10, 16, 9, 30), T(2025, 10, 17, 9, 0), task_code=it["task"].lower(),
           expect=[("case-code-malformed", "task_code", "实施编码含小写字母")])
    m.case(it, T(2025, 11, 4, 15, 0), T(2025, 11, 6, 10, 0), task_code="",
           expect=[("case-code-malformed", "task_code", "实施编码未填")])
    m.case(I["企业设立登记"], T(2025, 12, 9, 9, 10), T(2025, 12, 9, 16, 0), task_code="450721-QY-0001",
           expect=[("case-code-malformed", "task_code", "地方自编号，不是 31 位实施编码")])
    m.case(it, T(2026, 1, 13, 9, 0), T(2026, 1, 15, 9, 0), task_code=it["uscc"] + "4" + "000131009001",
           expect=[("case-item-unknown", "task_code", "实施清单中没有这个实施编码（基本编码 000131009001）")])
    m.case(I["企业设立登记"], T(2025, 9, 22, 9, 0), T(2025, 9, 22, 15, 0),
           task_code=other["uscc"] + "3" + "000107001000",
           expect=[("case-item-unknown", "task_code", "市级层级位 3 的实施编码，县级清单中没有")])
    m.case(I["企业变更登记"], T(2026, 2, 5, 10, 0), T(2026, 2, 5, 16, 0),
           task_code=g.DEPTS["gaj"]["uscc"] + "4" + I["企业变更登记"]["code"],
           accepting_unit="灵山县公安局", accepting_unit_code=g.DEPTS["gaj"]["uscc"],
           expect=[("case-item-unknown", "task_code", "公安局实施编码配市场监管局的基本编码：清单中没有")])
    for it_name, when in (("户口迁移登记", T(2025, 10, 20, 10, 0)), ("特种设备使用登记", T(2025, 12, 2, 11, 0)),
                          ("食品经营许可证变更", T(2026, 3, 10, 9, 30))):
        it2 = I[it_name]
        m.case(it2, when, when + dt.timedelta(days=1), accepting_unit="灵山县行政审批局",
               accepting_unit_code=g.DEPTS["spj"]["uscc"] if it2["dept"] != "spj" else other["uscc"],
               expect=[("case-body-mismatch", "accepting_unit_code", "受理单位不是实施编码中的实施主体")])
    m.case(I["固定资产投资项目节能审查"], T(2025, 11, 11, 9, 0), T(2025, 11, 13, 9, 0), version=9,
           expect=[("case-version-unknown", "item_version", "事项版本 9 不存在（清单只有 13）")])
    m.case(I["企业投资项目核准"], T(2025, 11, 18, 9, 0), T(2025, 11, 25, 9, 0), version=1,
           expect=[("case-version-unknown", "item_version", "第 1 版已于 2025-11-01 取消，申请时在用的是第 2 版")])
    m.case(I["企业投资项目核准"], T(2025, 9, 16, 9, 0), T(2025, 9, 24, 9, 0), version=2,
           expect=[("case-version-unknown", "item_version", "第 2 版 2025-11-01 才生效")])
    m.case(I["最低生活保障对象认定"], T(2025, 10, 14, 9, 0), T(2025, 11, 20, 9, 0),
           expect=[("case-version-unknown", "item_version", "事项 2025-12-01 才发布，申请时没有在用的版本（未填版本）")])
    m.case(I["临时救助对象认定"], T(2026, 1, 6, 10, 0), T(2026, 1, 20, 10, 0),
           expect=[("case-version-unknown", "item_version", "事项 2025-12-31 已取消（未填版本）")])

    # --- time limits -------------------------------------------------------------------------
    it = I["固定资产投资项目节能审查"]      # 5 工作日
    acc = T(2025, 9, 29, 10, 0)
    assert add_workdays(acc.date(), 5) == D(2025, 10, 13) and weekday_only(acc.date(), 5) == D(2025, 10, 6)
    m.case(it, acc, T(2025, 10, 10, 15, 0), expect=[],
           note="weekday-only count: deadline 10-06, overdue; with National Day and 调休 10-11: deadline 10-13")
    it = I["在宗教活动场所内改建或者新建建筑物审批"]   # 10 工作日
    acc = T(2026, 2, 11, 9, 30)
    assert add_workdays(acc.date(), 10) == D(2026, 3, 3) and weekday_only(acc.date(), 10) == D(2026, 2, 25)
    m.case(it, acc, T(2026, 3, 2, 16, 0))
    it = I["机动车登记"]                  # 2 工作日, 调休 Sunday 09-28 counts
    acc = T(2025, 9, 26, 14, 0)
    assert add_workdays(acc.date(), 2) == D(2025, 9, 29) and weekday_only(acc.date(), 2) == D(2025, 9, 30)
    m.case(it, acc, T(2025, 9, 30, 10, 0),
           expect=[("case-overdue", "finished_at", "调休上班的 09-28（周日）算工作日：期限 09-29，09-30 办结超期 1 个工作日")])
    for name, acc, late in (("建筑工程施工许可证核发", T(2025, 9, 25, 9, 0), 3), ("食品经营许可证延续", T(2025, 12, 26, 9, 0), 1),
                            ("饮用水供水单位卫生许可", T(2026, 1, 20, 10, 0), 6), ("户口迁移登记", T(2026, 2, 9, 11, 0), 2),
                            ("社会团体成立登记", T(2025, 11, 3, 9, 0), 4)):
        it = I[name]
        dl, _ = deadline_of(it, acc)
        fin = T.combine(add_workdays(dl, late), dt.time(10, 0))
        m.case(it, acc, fin, expect=[("case-overdue", "finished_at", f"期限 {dl}，{fin.date()} 办结，超期 {late} 个工作日")])
    it = I["消费投诉举报受理"]            # 7 自然日: 09-28 + 7 = 10-05 (holiday) → 10-09
    acc = T(2025, 9, 28, 10, 0)
    assert deadline_of(it, acc)[0] == D(2025, 10, 9)
    m.case(it, acc, T(2025, 10, 9, 16, 0), note="7 自然日 ending in the holiday rolls to 10-09: on time")
    m.case(it, T(2026, 1, 5, 10, 0), T(2026, 1, 13, 10, 0),
           expect=[("case-overdue", "finished_at", "7 自然日期限 2026-01-12，01-13 办结")])
    it = I["企业信用信息公示服务"]        # 24 小时
    m.case(it, T(2025, 12, 15, 9, 0), T(2025, 12, 16, 10, 30), _keep_time=True,
           expect=[("case-overdue", "finished_at", "24 小时期限 12-16 09:00，10:30 办结")])
    m.case(it, T(2025, 12, 17, 9, 0), T(2025, 12, 18, 8, 30), _keep_time=True, note="24 小时内办结")
    it = I["无犯罪记录证明开具"]          # no limit in the catalog: the case's 承诺办结时间 counts
    m.case(it, T(2026, 1, 7, 9, 0), T(2026, 1, 12, 10, 0), promised_at=T(2026, 1, 9, 17, 0),
           expect=[("case-overdue", "finished_at", "清单无时限，按办件承诺办结时间 2026-01-09")])
    m.case(it, T(2026, 1, 8, 9, 0), T(2026, 1, 9, 10, 0), promised_at=T(2026, 1, 9, 17, 0))
    # open cases as of 2026-03-31
    for name, acc in (("饮用水供水单位卫生许可", T(2026, 2, 2, 10, 0)), ("公共场所卫生许可证核发", T(2026, 3, 2, 10, 0)),
                      ("举办健身气功活动及设立站点审批", T(2026, 1, 5, 10, 0))):
        it = I[name]
        dl, _ = deadline_of(it, acc)
        assert dl < AS_OF
        m.case(it, acc, None, expect=[("case-open-overdue", "finished_at",
                                       f"期限 {dl}，截至 {AS_OF} 未办结，超期 {workdays_between(dl, AS_OF)} 个工作日")])
    for name, acc in (("公共场所卫生许可证延续", T(2026, 3, 20, 10, 0)), ("政府投资项目审批——可行性研究报告审批", T(2026, 3, 3, 10, 0)),
                      ("建筑工程施工许可证核发", T(2026, 3, 25, 10, 0))):
        it = I[name]
        dl, _ = deadline_of(it, acc)
        left = workdays_between(AS_OF, dl)
        assert 0 <= left <= NEAR_DAYS, (name, dl, left)
        m.case(it, acc, None, expect=[("case-near-deadline", "finished_at", f"期限 {dl}，剩 {left} 个工作日")])
    it = I["社会团体成立登记"]
    m.case(it, T(2026, 3, 16, 10, 0), None, note="open, 30 工作日: deadline 2026-04-28, not near")
    # 即办件
    it = I["企业注销登记"]
    m.case(it, T(2025, 10, 9, 16, 30), T(2025, 10, 10, 9, 10),
           expect=[("case-instant-not-instant", "finished_at", "即办件次日办结")])
    m.case(I["出生登记"], T(2026, 1, 30, 10, 0), T(2026, 2, 3, 10, 0),
           expect=[("case-instant-not-instant", "finished_at", "即办件 4 天后办结")])
    m.case(I["内地居民婚姻登记"], T(2026, 2, 14, 10, 0), T(2026, 2, 14, 10, 40),
           note="即办件 on 调休 Saturday 2026-02-14, same day: fine")
    # dates
    it = I["食品经营许可证补办"]
    acc = T(2025, 10, 27, 9, 0)
    m.case(it, acc, T(2025, 10, 28, 9, 0), applied=T(2025, 10, 27, 15, 0),
           _keep_time=True, expect=[("case-dates-inconsistent", "accepted_at", "受理 09:00 早于申请 15:00")])
    m.case(it, T(2025, 11, 10, 9, 0), T(2025, 11, 7, 9, 0),
           expect=[("case-dates-inconsistent", "finished_at", "办结 11-07 早于受理 11-10")])
    m.case(it, T(2025, 11, 12, 9, 0), "2025-11-31 10:00:00",
           expect=[("case-date-invalid", "finished_at", "11 月没有 31 日")])
    m.case(it, T(2025, 11, 19, 9, 0), T(2025, 11, 20, 9, 0), applied="上周五",
           expect=[("case-date-invalid", "applied_at", "申请时间写成“上周五”")])
    # fees
    m.case(I["户口迁移登记"], T(2025, 12, 3, 9, 0), T(2025, 12, 5, 9, 0), case_fee="1",
           expect=[("case-fee-mismatch", "case_fee", "清单不收费，办件收费")])
    m.case(I["居民身份证换领"], T(2026, 3, 4, 9, 0), T(2026, 3, 20, 9, 0), case_fee="0",
           expect=[("case-fee-mismatch", "case_fee", "清单收费，办件记为不收费")])
    # outside the calendar's years: never guessed
    m.case(I["户口迁移登记"], T(2003, 12, 22, 9, 0), T(2004, 1, 6, 9, 0), promised_at=None,
           expect=[("case-calendar-uncovered", "accepted_at", "2003 年不在节假日数据覆盖的年份内")])


def build(out: Path) -> dict:
    import chinese_calendar  # noqa: F401  (the oracle)

    rng = random.Random(SEED)
    items, catalog_rows = build_catalog()
    m = Maker(rng, items)
    m.normal(N_NORMAL // 2)
    plant(m)
    m.normal(N_NORMAL - N_NORMAL // 2)
    # rows sorted by acceptance, as an export is; ids keep the generation order
    m.cases.sort(key=lambda r: (r["accepted_at"], r["case_id"]))
    row_of = {r["case_id"]: i + 2 for i, r in enumerate(m.cases)}
    for i, r in enumerate(m.cases):
        style = i % 4
        for f in DATE_FIELDS:
            # the standard's forms: 表5/表6 YYYYMMDDThhmmss, 表8 办结时间 YYYYMMDDhh:mm:ss; the
            # date-only YYYY/MM/DD only for 申请时间 (a day is all the link window needs)
            s = 0 if r.get("_keep_time") else style
            if f == "finished_at" and s in (0, 2):
                s = 2
            elif s == 3 and f != "applied_at":
                s = 1
            elif s == 2:
                s = 0
            r[f + "_text"] = fmt(r[f], s)
    truth = sorted(({**t, "row": row_of[t["case_id"]]} for t in m.truth), key=lambda t: (t["row"], t["code"]))
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "case_catalog_sample.csv", CATALOG_COLUMNS, catalog_rows)
    write_csv(out / "case_sample.csv", CASE_COLUMNS,
              [{**r, **{f: r[f + "_text"] for f in DATE_FIELDS}} for r in m.cases])
    write_xlsx(out / "case_sample.xlsx", m.cases)
    with open(out / "case_truth.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["case_id", "row", "code", "field", "note"], lineterminator="\n")
        w.writeheader()
        for t in truth:
            w.writerow({k: t[k] for k in w.fieldnames})
    causes = {}
    for x in truth:
        if x["code"] in ("case-code-malformed", "case-item-unknown", "case-body-mismatch", "case-version-unknown"):
            causes[x["code"]] = causes.get(x["code"], 0) + 1
    unlinked = sum(causes.values())

    def case_at(day: str, hhmm: str) -> str:
        return next(r["case_id"] for r in m.cases if r["accepted_at"].strftime("%Y-%m-%d %H:%M") == f"{day} {hhmm}")

    (out / "CASES.md").write_text(CASES_MD.format(
        catalog_rows=len(catalog_rows), codes=len(ITEMS), cases=len(m.cases), unlinked=unlinked,
        linked=len(m.cases) - unlinked, causes="、".join(f"{k} {v}" for k, v in causes.items()),
        national=case_at("2025-09-29", "10:00"), spring=case_at("2026-02-11", "09:30"),
        sunday=case_at("2025-09-26", "14:00"),
        table="\n".join(f"| {x['row']} | {x['case_id']} | `{x['code']}` | {x['field']} | {x['note']} |" for x in truth)),
        encoding="utf-8")
    return {"cases": len(m.cases), "catalog_rows": len(catalog_rows), "truth": len(truth)}


CASES_MD = """# Case-record samples (`sxcheck cases`)

Generated by `catalogs/make_case_samples.py` (deterministic; do not edit by hand):

```sh
.venv/bin/python catalogs/make_case_samples.py
.venv/bin/sxcheck cases catalogs/case_sample.csv --catalog catalogs/case_catalog_sample.csv --as-of 2026-03-31
```

| file | what it is |
|---|---|
| `case_catalog_sample.csv` | 实施清单 of six 灵山县 bodies: {catalog_rows} rows, {codes} 实施编码 (three in two 事项版本 with 计划生效日期 / 计划取消日期, one published only from 2025-12-01, one cancelled on 2025-12-31); 承诺办结时限 in 工作日, 自然日, 小时 and 即办; one item without a limit |
| `case_sample.csv` | {cases} cases (UTF-8 with BOM, GB/T 39046-2020 labels) accepted 2025-09 … 2026-03, date-times in the standard's forms (`YYYYMMDDThhmmss`, 办结时间 `YYYYMMDDhh:mm:ss`), `YYYY-MM-DD hh:mm:ss` and date-only `YYYY/MM/DD` 申请时间; applicants' names, ID numbers, phones and addresses (synthetic) |
| `case_sample.xlsx` | the same rows, date-times as Excel date cells |
| `case_truth.csv` | every finding as of 2026-03-31 with `--near-days 3`: `case_id,row,code,field,note` |

The truth is computed with `chinese_calendar.is_workday`, stepping day by day, not with sxcheck's
calendar. Normal cases finish on a working day on or before their deadline; the planted ones carry
exactly the findings below.

**Link rate.** {cases} cases, {unlinked} unlinked ({causes}), so 办件信息与事项关联比率 =
{linked}/{cases}.

**Holidays decide.** Three cases show why working days must come from the holiday notices:

- `{national}`: 5 工作日 from Mon 2025-09-29, finished 2025-10-10. Counting weekdays only, the
  deadline is 10-06 (overdue); National Day (10-01…10-08) and the worked Saturday 10-11 make it
  10-13: **on time, no finding**.
- `{spring}`: 10 工作日 from 2026-02-11 across the Spring Festival (02-15…02-23, worked Saturdays
  02-14 and 02-28), finished 2026-03-02. Weekdays only: deadline 02-25 (overdue); with the
  calendar: 03-03, **on time**.
- `{sunday}`: 2 工作日 from Fri 2025-09-26; the worked Sunday 09-28 counts, so the deadline is 09-29
  and finishing on 09-30 is **overdue** (weekdays only would say on time).

## Every expected finding

| row | case | code | element | why |
|---:|---|---|---|---|
{table}
"""


def write_csv(path: Path, columns, rows) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow([label for _k, label in columns])
        for r in rows:
            w.writerow(["" if r.get(k) is None else str(r.get(k)) for k, _l in columns])


def write_xlsx(path: Path, cases) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "办件"
    ws.append([label for _k, label in CASE_COLUMNS])
    for r in cases:
        row = []
        for k, _l in CASE_COLUMNS:
            v = r.get(k)
            row.append(None if v in (None, "") else v if isinstance(v, dt.datetime) else str(v))
        ws.append(row)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif cell.value is not None:
                cell.number_format = "@"
                cell.data_type = "s"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2026-03-31T00:00:00Z", body)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args()
    print(build(args.out))


if __name__ == "__main__":
    main()

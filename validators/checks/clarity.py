"""Clarity heuristics (domain.md §5): 办理时间, 办理地点, 设定依据, 办结时限, 流程环节 must be concrete.

Each heuristic is a function of one text returning the rule it breaks (or None); the check applies
it to distinct values only and broadcasts the verdicts to rows.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

from validators.core.rows import Rows, map_distinct, nfkc_arrow
from validators.core.rulebook import C0109_2, HEURISTIC, declare
from validators.report.findings import hits

HANDLING_HOURS_UNCLEAR = declare("handling-hours-unclear", "warning", "clarity",
    "《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》（国发〔2018〕27号）与 C0109.2-2018 办理时间要素：写明工作日和具体时段")
HANDLING_HOURS_IMPLAUSIBLE = declare("handling-hours-implausible", "warning", "clarity",
    f"{HEURISTIC}时段的起止时间颠倒或“下午”写成上午时刻，办事人会按错误时间前往")
HANDLING_LOCATION_UNCLEAR = declare("handling-location-unclear", "warning", "clarity",
    f"{C0109_2} 办理地点要素：写明具体地址（路名门牌）及楼层、房间或窗口")
LEGAL_BASIS_UNCLEAR = declare("legal-basis-unclear", "error", "clarity",
    f"{C0109_2} 设定依据要素：写明法律法规规章名称（及文号）")
LEGAL_BASIS_NO_ARTICLE = declare("legal-basis-no-article", "warning", "clarity",
    f"{C0109_2} 设定依据要素：写明具体条款（第X条、第X款或附件第X项）")
TIME_LIMIT_UNCLEAR = declare("time-limit-unclear", "warning", "clarity",
    f"{C0109_2} 办结时限说明要素：写明天数和单位")
TIME_LIMIT_UNIT_VAGUE = declare("time-limit-unit-vague", "info", "clarity",
    f"{HEURISTIC}“天”“日”未区分工作日与自然日，时限可相差近一倍")
PROCESS_STEPS_UNCLEAR = declare("process-steps-unclear", "warning", "clarity",
    f"{C0109_2} 办理流程要素：至少写明两个依次进行的环节")
PROCESS_STEPS_ORDER = declare("process-steps-order", "warning", "clarity",
    f"{C0109_2} 办理流程要素：环节按受理→审查→决定→送达的顺序")
PROCESS_STEPS_PERMIT_INCOMPLETE = declare("process-steps-permit-incomplete", "warning", "clarity",
    "《中华人民共和国行政许可法》第四章第一节至第二节：行政许可须有受理和决定环节")


DAYS = re.compile(r"(工作日|周[一二三四五六日天]|星期[一二三四五六日天]|每天|每日|节假日)")
RANGE = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-~至到]\s*(\d{1,2})[:：](\d{2})")
ALLDAY = re.compile(r"(全天|24\s*小时|7\s*[×x*]\s*24)")
ROAD = re.compile(r"(路|街|大道|大街|巷|道|村|镇|弄|里)\s*\d+\s*(号|栋|幢)")
UNIT = re.compile(r"(\d+|[一二三四五六七八九十]+)\s*(楼|层|室|号窗口|号窗)|窗口|大厅|专区|服务区")
LAW = re.compile(r"《[^《》]{2,80}?(法|条例|规定|办法|决定|细则|规则|意见|通知|目录)[^《》]*》")
ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇\d]+条")
LIMIT = re.compile(r"(即办|即时办结|当场办结|立即办结)|(\d+(?:\.\d+)?|[一二三四五六七八九十百零两]+)"
                   r"\s*个?\s*(工作日|自然日|日|天|个月|月|小时)")
VAGUE_UNIT = re.compile(r"(\d+|[一二三四五六七八九十百零两]+)\s*个?\s*(日|天)")
STEP_RANK = {"申请": 0, "受理": 1, "审查": 2, "审核": 2, "核查": 2, "勘查": 2, "勘察": 2, "评审": 2,
             "听证": 2, "决定": 3, "审批": 3, "批准": 3, "办结": 4, "制证": 4, "发证": 4, "送达": 4,
             "领取": 4}
_STEPS = re.compile("|".join(sorted(STEP_RANK, key=len, reverse=True)))
_DASH = str.maketrans({"—": "-", "–": "-", "～": "-", "~": "-", "－": "-"})
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "﹝": "〔", "﹞": "〕"})


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DASH)


def hours_verdict(text: str) -> str | None:
    t = _norm(text)
    if ALLDAY.search(t):
        return None
    ranges = list(RANGE.finditer(t))
    if not (DAYS.search(t) and ranges):
        return HANDLING_HOURS_UNCLEAR
    for m in ranges:
        before = t[: m.start()]
        pm = max(before.rfind("下午"), before.rfind("晚上")) > before.rfind("上午")
        h1, m1, h2, m2 = (int(x) for x in m.groups())
        if pm:
            h1 += 12 if h1 < 12 else 0
            h2 += 12 if h2 < 12 else 0
        elif h2 < h1 and h2 < 12:  # "8:30-5:30" without 下午
            h2 += 12
        if not (6 <= h1 <= 23 and 6 <= h2 <= 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2)):
            return HANDLING_HOURS_IMPLAUSIBLE
    return None


def location_verdict(text: str) -> str | None:
    t = _norm(text)
    return None if ROAD.search(t) and UNIT.search(t) else HANDLING_LOCATION_UNCLEAR


def legal_basis_verdict(text: str) -> str | None:
    t = _norm(text).translate(_BRACKETS)
    if not LAW.search(t):
        return LEGAL_BASIS_UNCLEAR
    if not ARTICLE.search(t):
        return LEGAL_BASIS_NO_ARTICLE
    return None


def limit_note_verdict(text: str) -> str | None:
    t = _norm(text)
    m = LIMIT.search(t)
    if not m:
        return TIME_LIMIT_UNCLEAR
    if not re.search(r"(工作日|自然日|个月|月|小时|即办|即时办结|当场办结|立即办结)", t) and VAGUE_UNIT.search(t):
        return TIME_LIMIT_UNIT_VAGUE
    return None


def process_steps(text: str) -> list[str]:
    steps: list[str] = []
    for s in _STEPS.findall(_norm(text)):
        if s not in steps:
            steps.append(s)
    return steps


def process_verdict(text: str, permit: bool = False) -> str | None:
    steps = process_steps(text)
    if len(steps) < 2:
        return PROCESS_STEPS_UNCLEAR
    ranks = [STEP_RANK[s] for s in steps if STEP_RANK[s] > 0]
    if any(b < a for a, b in pairwise(ranks)):
        return PROCESS_STEPS_ORDER
    if permit and not ("受理" in steps and ("决定" in steps or "审批" in steps or "批准" in steps)):
        return PROCESS_STEPS_PERMIT_INCOMPLETE
    return None


def _verdicts(rows: Rows, col: str, fn, out: list):
    v = map_distinct(rows.text(col), fn)
    for code in v.dropna().unique():
        out.append(hits(rows.frame, v == code, code, col))


def _matches(arr, pattern: re.Pattern):
    import pyarrow.compute as pc

    return pc.fill_null(pc.match_substring_regex(arr, pattern.pattern), False).to_numpy(zero_copy_only=False)


def _nfkc(rows: Rows, col: str):
    """The column NFKC-normalised, as an arrow array (vectorised; same as :func:`_norm` bar dashes)."""
    import pyarrow as pa

    return nfkc_arrow(pa.array(rows.text(col).array))


def location_unclear(rows: Rows):
    """Vectorised :func:`location_verdict` (the patterns have no dash in them)."""
    arr = _nfkc(rows, "handling_location")
    return rows.present("handling_location") & ~(_matches(arr, ROAD) & _matches(arr, UNIT))


def legal_basis_verdicts(rows: Rows):
    """Vectorised :func:`legal_basis_verdict`: (no law named, law named but no article)."""
    arr = _nfkc(rows, "legal_basis")
    present = rows.present("legal_basis")
    law = _matches(arr, LAW)
    return present & ~law, present & law & ~_matches(arr, ARTICLE)


def check_clarity(rows: Rows, ctx):
    out: list = []
    f = rows.frame
    if rows.has("handling_hours"):
        _verdicts(rows, "handling_hours", hours_verdict, out)
    if rows.has("handling_location"):
        out.append(hits(f, location_unclear(rows), HANDLING_LOCATION_UNCLEAR, "handling_location"))
    if rows.has("legal_basis"):
        unclear, no_article = legal_basis_verdicts(rows)
        out.append(hits(f, unclear, LEGAL_BASIS_UNCLEAR, "legal_basis"))
        out.append(hits(f, no_article, LEGAL_BASIS_NO_ARTICLE, "legal_basis"))
    for col in ("legal_time_limit_note", "promised_time_limit_note"):
        if rows.has(col):
            # a placeholder such as 无 is vague here, not absent (domain.md §5.4)
            raw = rows.raw(col).str.strip()
            v = map_distinct(raw.mask(raw == ""), limit_note_verdict)
            for code in v.dropna().unique():
                out.append(hits(rows.frame, v == code, code, col))
    if rows.has("handling_process"):
        permit = (rows.code("item_type") == "01").fillna(False) if rows.has("item_type") else None
        text = rows.text("handling_process")
        if permit is not None:
            key = text.where(~permit, "\x01" + text)
        else:
            key = text
        v = map_distinct(key, lambda k: process_verdict(k.lstrip("\x01"), k.startswith("\x01")))
        for code in v.dropna().unique():
            out.append(hits(rows.frame, v == code, code, "handling_process", value=text))
    return out

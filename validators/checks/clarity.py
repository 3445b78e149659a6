"""Clarity heuristics (domain.md §5): 办理时间, 办理地点, 设定依据, 办结时限, 流程环节 must be concrete.

Each heuristic knows the ways provinces really write an element (the labelled corpus in
``tests/corpus/`` measures them): 办理地点 with direction or section words between road and number
(深南大道东2001号, 人民南路三段17号), rooms, named rooms and windows, or a truthful "无线下办理窗口";
办理时间 ranges with any dash, 至, 时/点/分 or full-width digits; 设定依据 tagged 【规章】 with the name
and 令号 but no 《》, located by 第N条, 第N款 or 附件第N项.

Patterns run as RE2 (linear time) in pyarrow kernels where a verdict is a pattern test; the
verdicts that need Python (clock arithmetic, step order) run once per distinct value, on at most
:data:`CAP` characters and with patterns that cannot backtrack catastrophically, so no value costs
more than milliseconds.  Each column is encoded once per chunk (``Rows.distinct``) for clarity and
consistency alike, and Python verdicts are remembered across chunks (:class:`Memo`).
"""
from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

from validators.core.rows import Rows
from validators.core.rulebook import C0109_2, HEURISTIC, declare
from validators.report.findings import Hits

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

LEGAL_BASIS_LEADING_JUNK = declare("legal-basis-leading-junk", "warning", "clarity",
    f"{HEURISTIC}设定依据以分号、逗号等标点开头（如“;1、”），是拼接导出留下的残片，公开的办事指南上照样显示")
LEGAL_BASIS_WRAPPED_IN_QUOTES = declare("legal-basis-wrapped-in-quotes", "warning", "clarity",
    f"{HEURISTIC}整段设定依据被引号包住，是表格转义残留的字面引号，公开的办事指南上照样显示")
LEGAL_BASIS_DOC_NUMBER_BRACKETS = declare("legal-basis-doc-number-brackets", "info", "clarity",
    "GB/T 9704-2012《党政机关公文格式》7.2.4 发文字号：年份用六角括号“〔〕”括入")

CAP = 4096
"""Characters of a value the per-value heuristics look at (a longer value is judged on its start)."""


_CN_NUM = "零〇一二两三四五六七八九十百"
_LOCATOR_NUM = "一二三四五六七八九十百千零〇两\\d"

# ----------------------------------------------------------------- 办理地点 (RE2 and Python)
# road word, then an optional direction or section word, then the door number
ROAD = re.compile(
    r"(?:路|街|道|巷|弄|里|胡同|村|镇)(?:[东南西北中]{1,2}段?|[一二三四五六七八九十\d]{1,3}段)?\s*[甲乙丙丁]?\s*"
    r"(?:\d+(?:\s*[-之]\s*\d+)?|[一二三四五六七八九十百零〇]{1,4})\s*(?:号|栋|幢|弄)"
    r"|(?:路|街|道)[^\d，。；,;]{0,12}?\d+\s*(?:号楼|栋|幢)")
# a floor, room (N室/N房/N号房/N办公室/B座1203/接待室), window (综合窗/N号窗/服务窗/N号台) or hall
UNIT = re.compile(
    r"\d+\s*(?:楼|层|室|房|号房|号台)|[一二三四五六七八九十负]+\s*(?:楼|层)|窗|大厅|专区|服务区|服务台|受理台|柜台"
    r"|[座栋幢]\s*\d{3,}|[一-鿿]室")
# a truthful statement that the item has no place to go to (online only)
ONLINE_ONLY = re.compile(
    r"无(?:线下|实体|现场)(?:办理|服务|受理)?(?:窗口|地点|场所|网点)"
    r"|不设(?:线下|实体|现场)?(?:办理|服务|受理)?窗口|不提供线下"
    r"|(?:无需|无须|不需要|不需|不用)(?:到|前往)?(?:现场|窗口|大厅)"
    r"|全程网(?:上)?办|全流程网上办理"
    r"|(?:仅限|仅|只能|只可)(?:通过)?(?:网上|线上|在线)(?:办理|申请|受理)"
    r"|^(?:线上|网上|在线)办理[。.]?$|^(?:网上|线上)办理[:：]\s*(?:https?://|www\.)")

# ----------------------------------------------------------------- 设定依据 (RE2 and Python)
LAW = re.compile(r"《[^《》]{2,80}?(法|条例|规定|办法|决定|细则|规则|意见|通知|目录)[^《》]*》")
# 【法律】/【行政法规】/【规章】… followed by anything: the basis names its level and source
TAGGED = re.compile(r"【(?:法律|行政法规|地方性法规|自治条例|单行条例|部门规章|地方政府规章|政府规章|规章"
                    r"|规范性文件|其他规范性文件|国务院决定)】\s*[:：]?\s*[^\s]")
# a law's name without 《》 directly followed by its article, or a 中华人民共和国…法 title
BARE_NAME = re.compile(r"[一-鿿]{2,40}(?:法|条例|规定|办法|细则|规则)(?:\([^)]{0,80}\))?\s*第[" + _LOCATOR_NUM
                       + r"]+\s*条|中华人民共和国[一-鿿]{2,30}(?:法|条例)")
# 第N条, 第N款, 第N项 (附件第N项, 附件N第N项: the State Council's 412 decision lists items);
# 第N点 and 第N部分 locate a point of a 规范性文件
ARTICLE = re.compile(r"第[" + _LOCATOR_NUM + r"]+\s*(?:条|款|项|点|部分)")
LEADING_JUNK = re.compile(r"^[;,.、。:!?；，：！？]")
WRAPPED_IN_QUOTES = re.compile(r"^[\"“'‘「『](?s:.)*[\"”'’」』]$")
# 文号 year in 【】, [] or () instead of 〔〕 (after NFKC （）［］ are ASCII; ﹝﹞ become 〔〕)
DOC_NUMBER_BRACKETS = re.compile(r"[一-鿿][【\[(]\s*(?:19|20)\d{2}\s*[】\])]\s*\d+\s*号")

# ----------------------------------------------------------------- 办理时间 (Python, capped)
ALLDAY = re.compile(r"全天|24\s*小时|7\s*[×x*]\s*24")
_DASHES = re.compile(r"\s*(?:[-‐‑‒–—―−－~～〜]+|至|到)\s*")
_CN_CLOCK = re.compile(r"([" + _CN_NUM + r"]{1,3})(?=[时点分])")
_TIME = r"(\d{1,2})(?:[:.](\d{2})|[时点](?:(\d{1,2})分|(半))?)"
_PERIOD = r"(上午|早上|中午|下午|晚上|晚间|傍晚|早|晚)?"
RANGE = re.compile(_TIME + r"\s*-\s*" + _PERIOD + r"\s*" + _TIME)
_MARK = re.compile(r"上午|早上|中午|下午|晚上|晚间|傍晚|早|晚")
_PM = {"下午", "晚上", "晚间", "傍晚", "晚"}
_AM = {"上午", "早上", "早"}

# ----------------------------------------------------------------- 办结时限说明 (Python, capped)
# possessive quantifiers and the look-behind anchor keep a run of digits or numerals from being
# retried at every position (a 30,000-digit note took 108 s with the plain pattern)
LIMIT = re.compile(r"(即办|即时办|当场办|立即办|即来即办|当[天日]办)|(?<![\d.一二三四五六七八九十百零两半])(\d++(?:\.\d++)?|[一二三四五六七八九十百零两半]++)"
                   r"\s*+个?\s*+(工作日|自然日|日|天|个月|月|小时)")
_PRECISE_UNIT = re.compile(r"工作日|自然日|个月|月|小时|即办|即时办|当场办|立即办|当[天日]办")
VAGUE_UNIT = re.compile(r"(?<![\d.一二三四五六七八九十百零两])(?:\d++|[一二三四五六七八九十百零两]++)\s*+个?\s*+(?:日|天)")

# ----------------------------------------------------------------- 流程环节 (Python, capped)
STEP_RANK = {"申请": 0, "受理": 1, "收件": 1, "审查": 2, "审核": 2, "初审": 2, "复审": 2, "核查": 2, "勘查": 2,
             "勘察": 2, "评审": 2, "听证": 2, "决定": 3, "审批": 3, "批准": 3, "办结": 4, "制证": 4, "发证": 4,
             "颁证": 4, "出件": 4, "送达": 4, "领取": 4}
_STEPS = re.compile("|".join(sorted(STEP_RANK, key=len, reverse=True)))
# what separates the items of a written process: arrows, dashes, list punctuation, numbering, 【】
_STEP_SEP = re.compile(r"[→⇒>＞;；,，。\n\r、【]|-+|—+|第[一二三四五六七八九十\d]+步|\(?[一二三四五六七八九十]+\)|\d+[.、)]")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text[:CAP])


def _cn_small(num: str) -> str:
    """一 … 五十九 (a clock's hours and minutes) as digits; anything else unchanged."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    if num == "十":
        return "10"
    if "十" in num:
        tens, _, ones = num.partition("十")
        if (tens and tens not in digits) or (ones and ones not in digits):
            return num
        return str((digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0))
    if len(num) == 1 and num in digits:
        return str(digits[num])
    return num


def hours_verdict(text: str) -> str | None:
    """办理时间 needs a clock range (any dash or 至, 8:30 / 8.30 / 8时30分 / 8点半 / 八时三十分) or 全天/24小时;
    each range must be plausible once 下午/晚上 are applied."""
    t = _norm(text)
    if ALLDAY.search(t):
        return None
    t = _CN_CLOCK.sub(lambda m: _cn_small(m.group(1)), t)
    t = _DASHES.sub("-", t)
    marks = [(m.start(), m.group(0)) for m in _MARK.finditer(t)]
    found = False
    k, period = 0, None
    for m in RANGE.finditer(t):
        found = True
        while k < len(marks) and marks[k][0] < m.start():  # the last period word before the range
            period = marks[k][1]
            k += 1
        (h1, m1), (h2, m2) = _clock(m.group(1, 2, 3, 4)), _clock(m.group(6, 7, 8, 9))
        end_period = m.group(5) or period
        if period in _PM and h1 < 12:
            h1 += 12
        afternoon = ((end_period in _PM and h2 < 12) or (end_period == "中午" and h2 < 6)
                     or (period not in _AM and h2 < h1 and h2 < 12))  # "8:30-5:30" without 下午
        if afternoon:
            h2 += 12
        if not (6 <= h1 <= 23 and 6 <= h2 <= 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2)):
            return HANDLING_HOURS_IMPLAUSIBLE
    return None if found else HANDLING_HOURS_UNCLEAR


def _clock(groups) -> tuple[int, int]:
    hour, minute, minute_cn, half = groups
    return int(hour), int(minute or minute_cn or (30 if half else 0))


def location_verdict(text: str) -> str | None:
    t = _norm(text)
    if ONLINE_ONLY.search(t) or (ROAD.search(t) and UNIT.search(t)):
        return None
    return HANDLING_LOCATION_UNCLEAR


def online_only_statement(text: str) -> bool:
    """The 办理地点 says there is no place to go to (and gives no street address)."""
    t = _norm(text)
    return bool(ONLINE_ONLY.search(t)) and not ROAD.search(t)


def legal_basis_verdict(text: str) -> str | None:
    t = _norm(text)
    if not (LAW.search(t) or TAGGED.search(t) or BARE_NAME.search(t)):
        return LEGAL_BASIS_UNCLEAR
    if not ARTICLE.search(t):
        return LEGAL_BASIS_NO_ARTICLE
    return None


def legal_basis_hygiene(text: str) -> list[str]:
    """Export debris in a 设定依据: stray leading punctuation, wrapping quotes, 【2017】-style 文号."""
    t = unicodedata.normalize("NFKC", text.strip())
    out = []
    for rule, pattern in ((LEGAL_BASIS_LEADING_JUNK, LEADING_JUNK),
                          (LEGAL_BASIS_WRAPPED_IN_QUOTES, WRAPPED_IN_QUOTES),
                          (LEGAL_BASIS_DOC_NUMBER_BRACKETS, DOC_NUMBER_BRACKETS)):
        if pattern.search(t):
            out.append(rule)
    return out


def limit_note_verdict(text: str) -> str | None:
    t = _norm(text)
    if not LIMIT.search(t):
        return TIME_LIMIT_UNCLEAR
    if not _PRECISE_UNIT.search(t) and VAGUE_UNIT.search(t):
        return TIME_LIMIT_UNIT_VAGUE
    return None


def process_steps(text: str) -> list[str]:
    """Every step word the text names, in order of first appearance."""
    steps: list[str] = []
    for s in _STEPS.findall(_norm(text)):
        if s not in steps:
            steps.append(s)
    return steps


def _step_heads(t: str) -> list[str]:
    """The first step word of each written item (受理：…当场作出受理或者不予受理决定 heads 受理)."""
    heads: list[str] = []
    for item in _STEP_SEP.split(t):
        m = _STEPS.search(item)
        if m and m.group(0) not in heads:
            heads.append(m.group(0))
    return heads


def process_verdict(text: str, permit: bool = False) -> str | None:
    t = _norm(text)
    steps = process_steps(t)
    if len(steps) < 2:
        return PROCESS_STEPS_UNCLEAR
    ranks = [STEP_RANK[s] for s in _step_heads(t) if STEP_RANK[s] > 0]
    if any(b < a for a, b in pairwise(ranks)):
        return PROCESS_STEPS_ORDER
    if permit and not ({1, 3} <= {STEP_RANK[s] for s in steps}):  # 受理/收件 and 决定/审批/批准
        return PROCESS_STEPS_PERMIT_INCOMPLETE
    return None


# ----------------------------------------------------------------- vectorised application


class Memo:
    """The results of a pure per-value function, kept across chunks and runs.

    A national export repeats the same few thousand 设定依据, 办理流程 and 咨询方式 in every chunk, so
    each distinct value is judged once.  Memory stays flat: values longer than :data:`MEMO_VALUE_MAX`
    characters are never kept (a hostile value is judged every time, as before), and the memo is
    emptied when the characters it holds reach ``budget``.
    """

    def __init__(self, fn, budget: int = 1_000_000):
        self.fn, self.budget = fn, budget
        self._results: dict = {}
        self._chars = 0

    def many(self, values) -> list:
        results, fn, out = self._results, self.fn, []
        for v in values:
            r = results.get(v, _MISSING)
            if r is _MISSING:
                r = fn(v)
                if len(v) <= MEMO_VALUE_MAX:
                    if self._chars > self.budget:
                        results.clear()
                        self._chars = 0
                    results[v] = r
                    self._chars += len(v)
            out.append(r)
        return out


MEMO_VALUE_MAX = 2 * CAP
_MISSING = object()


def per_value(rows: Rows, col: str, memo: Memo, view: str = "text"):
    """(distinct, results): the column's ``Rows.distinct`` view (codes per row, -1 where absent,
    shared by every check that reads the column in the chunk) and ``memo.fn`` of each value."""
    dist = rows.distinct(col, view)
    return dist, memo.many(dist.values)


def _verdict_hits(found: Hits, codes, results: list, col: str, value=None):
    """Add the rows of each verdict from per-distinct verdicts, verdicts in order of their first
    row."""
    import numpy as np

    labels: list[str] = []
    index = np.zeros(len(results) + 1, dtype=np.int16)
    for i, r in enumerate(results):
        if r is not None:
            if r not in labels:
                labels.append(r)
            index[i] = labels.index(r) + 1
    if not labels:
        return
    per_row = index[codes]
    masks = [per_row == k for k in range(1, len(labels) + 1)]
    for k in sorted(range(len(labels)), key=lambda k: masks[k].argmax()):
        found.add(masks[k], labels[k], col, value=value)


_HOURS = Memo(hours_verdict)
_LIMIT_NOTE = Memo(limit_note_verdict)
_PROCESS = Memo(lambda k: process_verdict(k.lstrip("\x01"), k.startswith("\x01")))


def _limit_note_verdicts(rows: Rows, col: str):
    """(codes, verdicts) of a 办结时限说明 column as written, trimmed: a placeholder such as 无 is
    vague here, not absent (domain.md §5.4).  Present values are the text's distinct values; the
    placeholders are read from the absent rows."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    text = rows.distinct(col)
    codes, values = text.codes, list(text.values)
    absent = codes < 0
    if absent.any():
        trimmed = pc.utf8_trim_whitespace(pa.array(rows.raw(col).array).filter(pa.array(absent)))
        written = pc.dictionary_encode(pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed))
        found = pc.fill_null(written.indices, -1).to_numpy(zero_copy_only=False)
        codes = codes.copy()
        codes[absent] = np.where(found >= 0, found + len(values), -1)
        values += written.dictionary.to_pylist()
    return codes, _LIMIT_NOTE.many(values)


def _mask(rows: Rows, col: str, pattern: re.Pattern):
    """numpy bool per row: ``pattern`` found in the NFKC-normalised value (:meth:`Rows.matches`:
    once per distinct value, kept for the chunk, so clarity and consistency share the work)."""
    return rows.matches(col, pattern.pattern)


def online_only(rows: Rows):
    """Vectorised :func:`online_only_statement` on 办理地点."""
    col = "handling_location"
    return rows.present(col) & _mask(rows, col, ONLINE_ONLY) & ~_mask(rows, col, ROAD)


def location_unclear(rows: Rows):
    """Vectorised :func:`location_verdict`."""
    col = "handling_location"
    concrete = _mask(rows, col, ROAD) & _mask(rows, col, UNIT)
    return rows.present(col) & ~concrete & ~_mask(rows, col, ONLINE_ONLY)


def legal_basis_verdicts(rows: Rows):
    """Vectorised :func:`legal_basis_verdict`: (no law named, law named but no article)."""
    col = "legal_basis"
    present = rows.present(col)
    named = _mask(rows, col, LAW) | _mask(rows, col, TAGGED) | _mask(rows, col, BARE_NAME)
    return present & ~named, present & named & ~_mask(rows, col, ARTICLE)


def legal_basis_hygiene_masks(rows: Rows):
    """Vectorised :func:`legal_basis_hygiene`: {rule: mask}."""
    present = rows.present("legal_basis")
    return {rule: present & _mask(rows, "legal_basis", pattern)
            for rule, pattern in ((LEGAL_BASIS_LEADING_JUNK, LEADING_JUNK),
                                  (LEGAL_BASIS_WRAPPED_IN_QUOTES, WRAPPED_IN_QUOTES),
                                  (LEGAL_BASIS_DOC_NUMBER_BRACKETS, DOC_NUMBER_BRACKETS))}


def check_clarity(rows: Rows, ctx):
    found = Hits(rows.frame)
    if rows.has("handling_hours"):
        dist, verdicts = per_value(rows, "handling_hours", _HOURS)
        _verdict_hits(found, dist.codes, verdicts, "handling_hours")
    if rows.has("handling_location"):
        found.add(location_unclear(rows), HANDLING_LOCATION_UNCLEAR, "handling_location")
    if rows.has("legal_basis"):
        unclear, no_article = legal_basis_verdicts(rows)
        found.add(unclear, LEGAL_BASIS_UNCLEAR, "legal_basis")
        found.add(no_article, LEGAL_BASIS_NO_ARTICLE, "legal_basis")
        for rule, mask in legal_basis_hygiene_masks(rows).items():
            found.add(mask, rule, "legal_basis")
    for col in ("legal_time_limit_note", "promised_time_limit_note"):
        if rows.has(col):
            codes, verdicts = _limit_note_verdicts(rows, col)
            _verdict_hits(found, codes, verdicts, col)
    if rows.has("handling_process"):
        dist = rows.distinct("handling_process")
        codes, keys = dist.codes, dist.values
        if rows.has("item_type"):  # judged per distinct (text, 许可 or not) pair
            import numpy as np
            import pandas as pd

            permit = rows.code_in("item_type", "01")
            present = codes >= 0
            pairs, firsts = pd.factorize(codes[present] * 2 + permit[present])
            codes = np.full(len(codes), -1, dtype=np.intp)
            codes[present] = pairs
            keys = ["\x01" + keys[k // 2] if k % 2 else keys[k // 2] for k in firsts.tolist()]
        _verdict_hits(found, codes, _PROCESS.many(keys), "handling_process", value=rows.text("handling_process"))
    return [found.frame()]

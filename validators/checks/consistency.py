"""Cross-field consistency rules (domain.md §4): time limits, 即办件, on-site visits, fees, online.

Each rule is a vectorised mask over one chunk, and the hits of all rules are built as one frame
(:class:`validators.report.findings.Hits`).  Text rules run once per distinct value, on the codes
``Rows.distinct`` computes once per column and chunk, and their per-value results are remembered
across chunks (:class:`validators.checks.clarity.Memo`).
"""
from __future__ import annotations

import re
import unicodedata
from functools import partial

import numpy as np

from validators.checks.clarity import CAP, Memo, online_only, per_value
from validators.checks.phones import scan as scan_phones
from validators.core.rows import Rows
from validators.core.rulebook import C0109_2, HEURISTIC, declare
from validators.core.textnum import day_numbers
from validators.report.findings import Hits

PROMISE_EXCEEDS_LEGAL_LIMIT = declare("promise-exceeds-legal-limit", "error", "rule",
    f"{C0109_2}：承诺办结时限是在法定办结时限基础上的承诺压缩，不得超过法定时限")
TIME_LIMIT_UNIT_DIFFERS = declare("time-limit-unit-differs", "warning", "rule",
    f"{C0109_2}：法定与承诺办结时限应以同一单位（工作日/自然日）表述，方可比较")
INSTANT_CASE_TYPE_MISMATCH = declare("instant-case-type-mismatch", "error", "rule",
    f"{C0109_2}：办件类型“即办件”对应承诺办结时限 0（当场办结）")
ONSITE_REASON_MISSING = declare("onsite-reason-missing", "error", "rule",
    f"{C0109_2}：到办事现场次数 ≥ 1 时须填写必须现场办理原因说明")
ONSITE_REASON_UNEXPECTED = declare("onsite-reason-unexpected", "warning", "rule",
    f"{C0109_2}：零跑动（到办事现场次数 0）事项无须现场办理原因")
ZERO_VISIT_WITHOUT_CHANNEL = declare("zero-visit-without-channel", "error", "rule",
    f"{C0109_2}：到办事现场次数为 0 的事项须提供网上办理或物流快递送达渠道")
FEE_DETAILS_MISSING = declare("fee-details-missing", "error", "rule",
    f"{C0109_2}：是否收费为“是”时须填写收费依据和收费标准")
ONLINE_PAYMENT_WITHOUT_FEE = declare("online-payment-without-fee", "warning", "rule",
    f"{C0109_2}：不收费事项不存在网上支付")
ONLINE_WITHOUT_URL = declare("online-without-url", "error", "rule",
    f"{C0109_2}：支持网上办理的事项须填写在线办理地址")
CONSULT_EQUALS_COMPLAINT_PHONE = declare("consult-equals-complaint-phone", "warning", "rule",
    "《国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见》（国办发〔2019〕51号）：咨询与监督投诉渠道应分设")
PHONE_FORMAT_INVALID = declare("phone-format-invalid", "warning", "rule",
    "《电信网编号计划（2017年版）》（工业和信息化部）：固定电话号码由长途区号（0 + 2–3 位）和 7–8 位本地号码组成")
PHONE_NUMBER_INVALID = declare("phone-number-invalid", "warning", "rule",
    "《电信网编号计划（2017年版）》（工业和信息化部）：长途区号须为已分配的区号，本地号码位数随区号而定（Google libphonenumber 号码规则）")
TIME_LIMIT_NOTE_MISMATCH = declare("time-limit-note-mismatch", "warning", "rule",
    f"{HEURISTIC}办结时限说明中写出的天数与时限数值不一致时，二者至少有一个是错的")
DUPLICATED_TEXT_BLOCK = declare("duplicated-text-block", "warning", "rule",
    f"{HEURISTIC}同一要素中整句或整段逐字重复，通常是复制粘贴错误")
TYPE_NAME_MISMATCH = declare("type-name-mismatch", "info", "rule",
    f"{HEURISTIC}事项名称中的类型词（许可、处罚、检查、确认…）与事项类型不一致，常见于类型选错")
LOCATION_ONLINE_ONLY_WITH_VISITS = declare("location-online-only-with-visits", "warning", "rule",
    f"{C0109_2}：办理地点与到办事现场次数须一致——写明无线下办理窗口的事项不能要求到现场")
ENTRUSTING_BODY_MISSING = declare("entrusting-body-missing", "warning", "rule",
    f"{C0109_2}：权力来源为“委托”时须填写委托部门")


_URL = re.compile(r"^\s*(https?://|www\.)\S+", re.I)
_SEGMENT = re.compile(r"[，,。；;\n\r]+")
TEXT_BLOCK_FIELDS = ("acceptance_conditions", "handling_process", "legal_basis", "materials",
                     "onsite_reason", "fee_standard", "special_procedures")


def _eq(rows: Rows, col: str, code: str):
    """numpy bool per row: the element's code is ``code`` (None when the column is absent)."""
    return rows.code_in(col, code) if rows.has(col) else None


def check_rules(rows: Rows, ctx):
    found = Hits(rows.frame)
    # 16 promise ≤ legal limit, in the same unit
    if rows.has("legal_time_limit") and rows.has("promised_time_limit"):
        legal, promised = rows.num("legal_time_limit"), rows.num("promised_time_limit")
        both = ~np.isnan(legal) & ~np.isnan(promised)
        lu = rows.code("legal_time_limit_unit") if rows.has("legal_time_limit_unit") else None
        pu = rows.code("promised_time_limit_unit") if rows.has("promised_time_limit_unit") else None
        differ = None
        if lu is not None and pu is not None:
            differ = (lu.notna() & pu.notna() & (lu != pu)).fillna(False)
            found.add(both & differ, TIME_LIMIT_UNIT_DIFFERS, "promised_time_limit_unit",
                      value=pu, params={"legal_unit": lu, "promised_unit": pu})
        over = both & (promised > legal)
        if differ is not None:
            over &= ~differ
        found.add(over, PROMISE_EXCEEDS_LEGAL_LIMIT, "promised_time_limit",
                  params={"legal": legal, "promised": promised})
    # 1 即办件 ⇔ promise 0
    if rows.has("case_type") and rows.has("promised_time_limit"):
        promised = rows.num("promised_time_limit")
        known = ~np.isnan(promised) & rows.code_in("case_type", "1", "2")
        bad = known & ((promised == 0) != rows.code_in("case_type", "1"))
        found.add(bad, INSTANT_CASE_TYPE_MISMATCH, "case_type", params={"promised": promised})
    # 5, 6, 7 on-site visits
    if rows.has("onsite_visits"):
        visits = rows.code("onsite_visits")
        some = rows.code_in("onsite_visits", "1", "2", "3")
        reason_present = rows.present("onsite_reason")
        found.add(some & ~reason_present, ONSITE_REASON_MISSING, "onsite_reason",
                  value=visits, params={"visits": visits})
        zero = rows.code_in("onsite_visits", "0")
        if rows.has("handling_location"):
            found.add(some & online_only(rows), LOCATION_ONLINE_ONLY_WITH_VISITS,
                      "handling_location", params={"visits": visits})
        found.add(zero & reason_present, ONSITE_REASON_UNEXPECTED, "onsite_reason")
        not_online = _eq(rows, "is_online", "0")
        if not_online is not None:
            express = _eq(rows, "is_express_supported", "1")
            by_post = _by_post(rows) if rows.has("handling_forms") else False
            channel = (express if express is not None else False) | by_post
            found.add(zero & not_online & ~channel, ZERO_VISIT_WITHOUT_CHANNEL, "onsite_visits")
    # 9, 10 fees
    if rows.has("is_fee_charged"):
        fee = _eq(rows, "is_fee_charged", "1")
        for col in ("fee_basis", "fee_standard"):
            found.add(fee & ~rows.present(col), FEE_DETAILS_MISSING, col)
        pay = _eq(rows, "is_online_payment_supported", "1")
        if pay is not None:
            found.add(_eq(rows, "is_fee_charged", "0") & pay, ONLINE_PAYMENT_WITHOUT_FEE,
                      "is_online_payment_supported")
    # 30 online handling needs a real address
    if rows.has("is_online"):
        online = _eq(rows, "is_online", "1")
        has_url = None
        for col in ("online_url", "pc_online_url", "mobile_url"):
            if rows.has(col):
                ok = _url_mask(rows, col)
                has_url = ok if has_url is None else (has_url | ok)
        value = rows.raw("online_url") if rows.has("online_url") else None
        found.add(online & ~(has_url if has_url is not None else False), ONLINE_WITHOUT_URL, "online_url",
                  value=value)
    # 11, 12 phones
    _check_phones(rows, found)
    # 17 time-limit notes contradicting the numbers
    for num_col, note_col in (("legal_time_limit", "legal_time_limit_note"),
                              ("promised_time_limit", "promised_time_limit_note")):
        if rows.has(num_col) and rows.has(note_col):
            limit = rows.num(num_col)
            bad = _note_contradicts(rows, note_col, limit)
            found.add(bad, TIME_LIMIT_NOTE_MISMATCH, note_col, params={"limit": limit})
    # 35 repeated paragraphs
    for col in TEXT_BLOCK_FIELDS:
        if rows.has(col):
            dist, segments = per_value(rows, col, _REPEATS[col == "legal_basis"])
            repeats = np.array([s is not None for s in segments] + [False], dtype=bool)
            if repeats.any():
                found.add(repeats[dist.codes], DUPLICATED_TEXT_BLOCK, col,
                          params={"segment": dist.broadcast(np.array(segments, dtype=object), None)})
    # 36 name vs type
    if rows.has("item_name") and rows.has("item_type"):
        dist, kinds = per_value(rows, "item_name", _NAME_KIND)
        kind = np.array(kinds + [0], dtype=np.int8)[dist.codes]
        permit_like, punish_like = (kind & 1).astype(bool), (kind & 2).astype(bool)
        bad = (permit_like & rows.code_in("item_type", "20")) | (
            punish_like & rows.present("item_type") & ~rows.code_in("item_type", "02"))
        found.add(bad, TYPE_NAME_MISMATCH, "item_type", params={"name": rows.text("item_name")})
    # 权力来源 委托 → 委托部门
    if rows.has("power_source"):
        entrusted = rows.code_in("power_source", "5", "6")
        found.add(entrusted & ~rows.present("entrusting_body"), ENTRUSTING_BODY_MISSING, "entrusting_body")
    return [found.frame()]


_PERMIT_NAME = re.compile(r"(?:许可|审批|核准)$")
_PUNISH_NAME = re.compile(r"^对.+的(?:行政)?处罚$")
_NAME_KIND = Memo(lambda name: (1 if _PERMIT_NAME.search(name) else 0) | (2 if _PUNISH_NAME.search(name) else 0))
"""事项名称 → bit 1: reads as a permit (…许可/审批/核准), bit 2: reads as a penalty (对…的处罚)."""

# _URL as RE2, exact on ASCII text: Python's \s there is [\t-\r\x1c-\x20] (RE2's \s lacks \v, \x1c-\x1f)
_URL_ASCII = r"(?i)^[\t-\r\x1c-\x20]*(?:https?://|www\.)[^\t-\r\x1c-\x20]"


def _url_mask(rows: Rows, col: str):
    """numpy bool per row: ``_URL.match(rows.text(col))``; RE2 on ASCII values, Python ``re`` on the
    distinct others (Unicode whitespace and case folding differ between the engines)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(rows.text(col).array)
    ok = pc.fill_null(pc.match_substring_regex(arr, _URL_ASCII), False).to_numpy(zero_copy_only=False)
    other = pc.invert(pc.fill_null(pc.string_is_ascii(arr), True)).to_numpy(zero_copy_only=False)
    if other.any():
        sub = arr.filter(pa.array(other))
        values = pc.unique(sub)
        matched = values.filter(pa.array([_URL.match(v) is not None for v in values.to_pylist()], type=pa.bool_()))
        ok = ok.copy()
        ok[other] = pc.is_in(sub, value_set=matched).to_numpy(zero_copy_only=False)
    return ok


def _by_post(rows: Rows):
    """办理形式 includes 3 (快递/邮寄), per row."""
    dist, post = per_value(rows, "handling_forms", _HAS_POST, view="code")
    return np.array(post + [False], dtype=bool)[dist.codes]


_HAS_POST = Memo(lambda forms: "3" in forms)


def _note_contradicts(rows: Rows, note_col: str, limit):
    """numpy bool per row: :func:`_contradicts` of the note's day counts and the numeric limit,
    judged once per distinct (note, limit) pair."""
    import pandas as pd

    dist, numbers = per_value(rows, note_col, _DAY_NUMBERS)
    codes = dist.codes
    named = np.array([n is not None for n in numbers] + [False], dtype=bool)[codes]
    candidates = named & ~np.isnan(limit)
    bad = np.zeros(len(codes), dtype=bool)
    if candidates.any():
        c = codes[candidates]
        lim_codes, lims = pd.factorize(limit[candidates])
        pairs, firsts = pd.factorize(c.astype(np.int64) * len(lims) + lim_codes)
        verdict = np.array([_contradicts(numbers[k // len(lims)], lims[k % len(lims)])
                            for k in firsts.tolist()], dtype=bool)
        bad[candidates] = verdict[pairs]
    return bad


_DAY_NUMBERS = Memo(day_numbers)
def _contradicts(numbers: str | None, limit: float | None) -> bool:
    """The note names day counts and none of them is the numeric limit."""
    if numbers is None or limit is None:
        return False
    return float(limit) not in {float(x) for x in numbers.split(",")}


REPEAT_MIN = 20
"""Characters a repeated sentence or paragraph must have (shorter clauses repeat legitimately)."""
REPEAT_MIN_THRICE = 8
"""Characters of a paragraph pasted three times or more back to back."""
_SENTENCE_END = re.compile(r"[。；;！？!?\n\r]+")
_CLAUSE_END = re.compile(r"[，,。；;！？!?\n\r]+")
_ANY_END = re.compile(r"[，,。；;！!？?：:\n\r]+")
_QUOTED = re.compile(r"“[^“”]{0,4000}”|「[^「」]{0,4000}」")
_HEADING = re.compile(r"^([^:，,《》“”]{1,16})[:]")
_ENUMERATED = re.compile(r"^(?:\d+[.、)]|\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、)")


def repeated_segment(text: str, statute: bool = False) -> str | None:
    """The first sentence or paragraph (≥ :data:`REPEAT_MIN` characters) a text repeats verbatim.

    Found: a whole sentence that occurs twice under the same heading (an item recurs legitimately
    under another case — ``新办：…；变更：…`` — and an enumerated item such as ``2.营业执照复印件`` counts
    only as part of a block), or a block of whole clauses
    repeated back to back (a 受理标准 pasted 4×, comma-joined; three copies count from
    :data:`REPEAT_MIN_THRICE` characters).  Quoted text is left out, and in
    statute text (``statute``: 设定依据) a repeated sentence counts only when it repeats a citation
    (《…》), since a regulation often restates its law word for word.
    """
    pieces = [p.strip() for p in _ANY_END.split(text[:CAP])]
    pieces = [p for p in pieces if p]
    if len(set(pieces)) == len(pieces):  # nothing recurs at all: the common case, decided cheaply
        return None
    counter = iter(range(1 << 30))
    t = _QUOTED.sub(lambda m: f"“{next(counter)}”", unicodedata.normalize("NFKC", text[:CAP]))
    seen: set[tuple[str, str]] = set()
    heading = ""
    for s in _SENTENCE_END.split(t):
        s = s.strip()
        m = _HEADING.match(s)
        if m:  # 新办：… / 变更：…: the same item under another case is not a repeat
            heading, s = m.group(1), s[m.end():].strip()
        if len(s) < REPEAT_MIN or _ENUMERATED.match(s) or (statute and "《" not in s):
            continue
        if (heading, s) in seen:
            return s
        seen.add((heading, s))
    clauses = [c.strip() for c in _CLAUSE_END.split(t)]
    clauses = [c for c in clauses if c]
    n = len(clauses)
    for k in range(1, min(n // 2, 64) + 1):
        run = 0
        for j in range(n - k):
            if clauses[j] != clauses[j + k]:
                run = 0
                continue
            run += 1
            if run < k:
                continue
            size = sum(len(c) for c in clauses[j - k + 1: j + 1])
            # three copies back to back are never an enumeration, even of a shorter paragraph
            if size >= REPEAT_MIN or (size >= REPEAT_MIN_THRICE and run >= 2 * k):
                return "，".join(clauses[j - k + 1: j + 1])
    return None


_REPEATS = (Memo(repeated_segment), Memo(partial(repeated_segment, statute=True)))
"""repeated_segment of a text block; [True]: in statute text (设定依据)."""


def phone_numbers(text: str) -> tuple[frozenset[str], bool]:
    """(normalised numbers found, whether a local number lacks its area code)."""
    found = scan_phones(text)
    return found.numbers, found.bare


_SCANS = Memo(scan_phones)


def _check_phones(rows: Rows, found: Hits) -> None:
    keys = {}
    for col in ("consultation_channel", "complaint_channel"):
        if rows.has(col):
            dist, scans = per_value(rows, col, _SCANS)   # one scan per distinct text
            codes = dist.codes
            bare = np.array([s.bare for s in scans] + [False], dtype=bool)[codes]
            invalid = ["、".join(s.invalid) or None for s in scans]
            has_invalid = np.array([x is not None for x in invalid] + [False], dtype=bool)[codes]
            found.add(bare, PHONE_FORMAT_INVALID, col)
            found.add(has_invalid, PHONE_NUMBER_INVALID, col,
                      params={"number": dist.broadcast(np.array(invalid, dtype=object), None)})
            keys[col] = codes, [",".join(sorted(s.numbers)) or None for s in scans]
    if len(keys) == 2:
        # the same numbers in both: compare per row through one id per distinct numbers text
        ids: dict[str, int] = {}
        per_col = []
        for codes, numbers in keys.values():
            table = np.array([-1 if n is None else ids.setdefault(n, len(ids)) for n in numbers] + [-1])
            per_col.append(table[codes])
        c, s = per_col
        same = (c >= 0) & (c == s)
        found.add(same, CONSULT_EQUALS_COMPLAINT_PHONE, "complaint_channel")

"""Cross-field consistency rules (domain.md §4): time limits, 即办件, on-site visits, fees, online.

Each rule is a vectorised mask over one chunk; text-heavy rules run on distinct values.
"""
from __future__ import annotations

import re

import numpy as np

from validators.report.findings import hits
from validators.core.rows import Rows, map_distinct, map_pairs
from validators.core.textnum import day_numbers

CODES = ("promise-exceeds-legal-limit", "time-limit-unit-differs", "instant-case-type-mismatch",
         "onsite-reason-missing", "onsite-reason-unexpected", "zero-visit-without-channel",
         "fee-details-missing", "online-payment-without-fee", "online-without-url",
         "consult-equals-complaint-phone", "phone-format-invalid", "time-limit-note-mismatch",
         "duplicated-text-block", "type-name-mismatch", "entrusting-body-missing")

_URL = re.compile(r"^\s*(https?://|www\.)\S+", re.I)
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "‐": "-", "―": "-", "﹣": "-"})
_LANDLINE = re.compile(r"(?<![\d])(0\d{2,3})-?(\d{7,8})(?![\d])")
_MOBILE = re.compile(r"(?<![\d])1[3-9]\d{9}(?![\d])")
_SERVICE = re.compile(r"(?<![\d])(1\d{4}|9\d{4}|400-?\d{3}-?\d{4}|800-?\d{3}-?\d{4})(?![\d])")
_BARE = re.compile(r"(?<![\d-])(\d{7,8})(?![\d])")
_SEGMENT = re.compile(r"[，,。；;\n\r]+")
TEXT_BLOCK_FIELDS = ("acceptance_conditions", "handling_process", "legal_basis", "materials",
                     "onsite_reason", "fee_standard", "special_procedures")


def _eq(rows: Rows, col: str, code: str):
    return (rows.code(col) == code).fillna(False) if rows.has(col) else None


def check_rules(rows: Rows, ctx):
    out: list = []
    f = rows.frame
    # 16 promise ≤ legal limit, in the same unit
    if rows.has("legal_time_limit") and rows.has("promised_time_limit"):
        legal, promised = rows.num("legal_time_limit"), rows.num("promised_time_limit")
        both = ~np.isnan(legal) & ~np.isnan(promised)
        lu = rows.code("legal_time_limit_unit") if rows.has("legal_time_limit_unit") else None
        pu = rows.code("promised_time_limit_unit") if rows.has("promised_time_limit_unit") else None
        differ = None
        if lu is not None and pu is not None:
            differ = (lu.notna() & pu.notna() & (lu != pu)).fillna(False)
            out.append(hits(f, both & differ, "time-limit-unit-differs", "promised_time_limit_unit",
                            value=pu, params={"legal_unit": lu, "promised_unit": pu}))
        over = both & (promised > legal)
        if differ is not None:
            over &= ~differ
        out.append(hits(f, over, "promise-exceeds-legal-limit", "promised_time_limit",
                        params={"legal": legal, "promised": promised}))
    # 1 即办件 ⇔ promise 0
    if rows.has("case_type") and rows.has("promised_time_limit"):
        promised = rows.num("promised_time_limit")
        ct = rows.code("case_type")
        known = ~np.isnan(promised) & ct.isin(["1", "2"]).to_numpy(dtype=bool)
        bad = known & ((promised == 0) != (ct == "1").fillna(False).to_numpy(dtype=bool))
        out.append(hits(f, bad, "instant-case-type-mismatch", "case_type",
                        params={"promised": promised}))
    # 5, 6, 7 on-site visits
    if rows.has("onsite_visits"):
        visits = rows.code("onsite_visits")
        some = visits.isin(["1", "2", "3"]).fillna(False)
        reason_present = rows.present("onsite_reason")
        out.append(hits(f, some & ~reason_present, "onsite-reason-missing", "onsite_reason",
                        value=visits, params={"visits": visits}))
        zero = (visits == "0").fillna(False)
        out.append(hits(f, zero & reason_present, "onsite-reason-unexpected", "onsite_reason"))
        not_online = _eq(rows, "is_online", "0")
        if not_online is not None:
            express = _eq(rows, "is_express_supported", "1")
            by_post = rows.code("handling_forms").str.contains("3").fillna(False) \
                if rows.has("handling_forms") else False
            channel = (express if express is not None else False) | by_post
            out.append(hits(f, zero & not_online & ~channel, "zero-visit-without-channel",
                            "onsite_visits"))
    # 9, 10 fees
    if rows.has("is_fee_charged"):
        fee = _eq(rows, "is_fee_charged", "1")
        for col in ("fee_basis", "fee_standard"):
            out.append(hits(f, fee & ~rows.present(col), "fee-details-missing", col))
        pay = _eq(rows, "is_online_payment_supported", "1")
        if pay is not None:
            out.append(hits(f, _eq(rows, "is_fee_charged", "0") & pay, "online-payment-without-fee",
                            "is_online_payment_supported"))
    # 30 online handling needs a real address
    if rows.has("is_online"):
        online = _eq(rows, "is_online", "1")
        has_url = None
        for col in ("online_url", "pc_online_url", "mobile_url"):
            if rows.has(col):
                ok = rows.text(col).str.match(_URL).fillna(False)
                has_url = ok if has_url is None else (has_url | ok)
        value = rows.raw("online_url") if rows.has("online_url") else None
        out.append(hits(f, online & ~(has_url if has_url is not None else False),
                        "online-without-url", "online_url", value=value))
    # 11, 12 phones
    out.extend(_check_phones(rows))
    # 17 time-limit notes contradicting the numbers
    for num_col, note_col in (("legal_time_limit", "legal_time_limit_note"),
                              ("promised_time_limit", "promised_time_limit_note")):
        if rows.has(num_col) and rows.has(note_col):
            numbers = map_distinct(rows.text(note_col), day_numbers)
            limit = rows.num(num_col)
            bad = map_pairs(numbers, limit, _contradicts)
            out.append(hits(f, bad, "time-limit-note-mismatch", note_col, params={"limit": limit}))
    # 35 repeated paragraphs
    for col in TEXT_BLOCK_FIELDS:
        if rows.has(col):
            rep = map_distinct(rows.text(col), repeated_segment)
            out.append(hits(f, rep.notna(), "duplicated-text-block", col,
                            params={"segment": rep}))
    # 36 name vs type
    if rows.has("item_name") and rows.has("item_type"):
        name = rows.text("item_name")
        it = rows.code("item_type")
        permit_like = name.str.contains(r"(?:许可|审批|核准)$").fillna(False)
        punish_like = name.str.contains(r"^对.+的(?:行政)?处罚$").fillna(False)
        bad = (permit_like & (it == "20")) | (punish_like & it.notna() & (it != "02"))
        out.append(hits(f, bad.fillna(False), "type-name-mismatch", "item_type",
                        params={"name": name}))
    # 权力来源 委托 → 委托部门
    if rows.has("power_source"):
        entrusted = rows.code("power_source").isin(["5", "6"]).fillna(False)
        out.append(hits(f, entrusted & ~rows.present("entrusting_body"), "entrusting-body-missing",
                        "entrusting_body"))
    return out


def _contradicts(numbers: str | None, limit: float | None) -> bool:
    """The note names day counts and none of them is the numeric limit."""
    if numbers is None or limit is None:
        return False
    return float(limit) not in {float(x) for x in numbers.split(",")}


def repeated_segment(text: str) -> str | None:
    """The first paragraph (≥ 8 characters) that a text repeats, or None."""
    seen = set()
    for seg in _SEGMENT.split(text):
        seg = seg.strip()
        if len(seg) < 8:
            continue
        if seg in seen:
            return seg
        seen.add(seg)
    return None


def phone_numbers(text: str) -> tuple[frozenset[str], bool]:
    """(normalised numbers found, whether a landline lacks its area code)."""
    t = text.translate(_DASHES)
    found = {a + b for a, b in _LANDLINE.findall(t)}
    rest = _LANDLINE.sub(" ", t)
    found |= set(_MOBILE.findall(rest))
    rest = _MOBILE.sub(" ", rest)
    found |= {s.replace("-", "") for s in _SERVICE.findall(rest)}
    rest = _SERVICE.sub(" ", rest)
    bare = _BARE.findall(rest)
    return frozenset(found | set(bare)), bool(bare)


def _phone_key(text: str) -> str | None:
    nums = phone_numbers(text)[0]
    return ",".join(sorted(nums)) if nums else None


def _check_phones(rows: Rows):
    out = []
    keys = {}
    for col in ("consultation_channel", "complaint_channel"):
        if rows.has(col):
            bare = map_distinct(rows.text(col), lambda t: phone_numbers(t)[1], out="bool")
            out.append(hits(rows.frame, bare.to_numpy(), "phone-format-invalid", col))
            keys[col] = map_distinct(rows.text(col), _phone_key, out="str")
    if len(keys) == 2:
        c, s = keys["consultation_channel"], keys["complaint_channel"]
        same = (c.notna() & (c == s)).fillna(False).to_numpy(dtype=bool)
        out.append(hits(rows.frame, same, "consult-equals-complaint-phone", "complaint_channel"))
    return out

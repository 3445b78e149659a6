"""Linking cases to the catalog (办件信息与事项关联比率), one vectorised pass per chunk.

A case is linked when its 实施编码 is well formed (31 characters: the 实施主体's 统一社会信用代码,
the 行使层级 digit, the 12-digit 基本编码), is in the catalog, names the same body as the case's
受理单位统一社会信用代码 (when given), and (with the case's 事项版本, or without it any version) was
published on the 申请时间 (受理时间 when no 申请时间; the window is not checked when neither is
known).  An unlinked case has exactly one cause, the first that applies in this order:

``MALFORMED`` → ``UNKNOWN`` (no such 实施编码) → ``BODY`` (受理单位 ≠ the USCC in the 实施编码)
→ ``VERSION`` (no such 事项版本, or it was not in force on that day).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from validators.caserecords.catalog import NO_START, VERSION_SHIFT, CaseCatalog

LINKED, MALFORMED, UNKNOWN, BODY, VERSION = 0, 1, 2, 3, 4
# GB 32100 character set; 行使层级 1–6; 12-digit 基本编码 (as validators.conformity.rates.TASK_CODE)
TASK_CODE = r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}[1-6]\d{12}"


@dataclass
class Links:
    status: np.ndarray      # int8: LINKED or a cause
    row: np.ndarray         # int64: catalog row of a linked case (or of the known code), -1 if none
    code_pos: np.ndarray    # int64: position of the 实施编码 in the catalog, -1 if unknown
    body: np.ndarray        # object: the USCC inside a well-formed 实施编码, else None


def link_cases(cat: CaseCatalog, code, version_text, day, has_day, unit_code) -> Links:
    """Link one chunk.  ``code``: normalised 实施编码 (pandas text Series, missing = NA);
    ``version_text``: 事项版本 text; ``day``/``has_day``: day of 申请时间; ``unit_code``: 受理单位
    统一社会信用代码 (upper-cased, missing = NA)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(code)
    codes = pa.array(code.array) if not isinstance(code, pa.Array) else code
    well = pc.fill_null(pc.match_substring_regex(codes, f"^{TASK_CODE}$"), False).to_numpy(zero_copy_only=False)
    # hash join in arrow's C++ kernel: position of each code among the catalog's distinct codes
    pos = pc.fill_null(pc.index_in(codes, value_set=cat.code_values), -1).to_numpy(zero_copy_only=False)
    pos = np.where(well, pos, -1).astype(np.int64)
    prefix = pc.utf8_slice_codeunits(codes, 0, 18)
    body = pc.if_else(pa.array(well), prefix, pa.scalar(None, pa.string())).to_numpy(zero_copy_only=False)
    units = pa.array(unit_code.array)
    body_bad = well & pc.fill_null(pc.not_equal(units, prefix), False).to_numpy(zero_copy_only=False)

    vtext = version_text.fillna("")
    v_given = (vtext != "").to_numpy(dtype=bool)
    v_digits = vtext.str.fullmatch(r"\d{1,6}").fillna(False).to_numpy(dtype=bool)
    vnum = np.zeros(n, dtype=np.int64)
    if v_digits.any():
        vnum[v_digits] = vtext[v_digits].astype("int64").to_numpy()
    known = pos >= 0
    day = np.asarray(day, dtype=np.int64)
    has_day = np.asarray(has_day, dtype=bool)

    # with a version: exactly that (code, version), then its window
    row_v = np.full(n, -1, dtype=np.int64)
    want = known & v_given & v_digits
    if want.any():
        row_v[want] = cat.version_index.get_indexer(pos[want] * VERSION_SHIFT + vnum[want])
    # without: the version in force on the day (latest 生效日 ≤ day), else the latest version
    row_d = np.full(n, -1, dtype=np.int64)
    want_d = known & ~v_given
    if want_d.any():
        probe_day = np.where(has_day, day, (1 << 20) + NO_START)[want_d]
        key = pos[want_d] * VERSION_SHIFT * 4 + (np.clip(probe_day, NO_START, None) - NO_START)
        idx = np.searchsorted(cat.start_key, key, side="right") - 1
        hit = np.full(len(idx), -1, dtype=np.int64)
        ok = idx >= 0
        hit[ok] = cat.start_row[idx[ok]]
        hit[ok] = np.where(cat.row_code[hit[ok]] == pos[want_d][ok], hit[ok], -1)
        row_d[want_d] = hit
    row = np.where(v_given, row_v, row_d)
    found = row >= 0
    safe = np.where(found, row, 0)
    in_force = found & (~has_day | ((cat.start[safe] <= day) & (day < cat.end[safe])))

    status = np.full(n, LINKED, dtype=np.int8)
    status[~in_force] = VERSION
    status[body_bad] = BODY
    status[well & ~known] = UNKNOWN
    status[~well] = MALFORMED
    # the case's catalog row, also for unlinked cases whose code is known (their 办件类型 etc.)
    if cat.row_code.size:
        first_row = np.full(len(cat.code_index), -1, dtype=np.int64)
        first_row[cat.row_code[::-1]] = np.arange(len(cat.row_code) - 1, -1, -1)
        row = np.where(found, row, np.where(known, first_row[np.where(known, pos, 0)], -1))
    return Links(status, row, pos, body)

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
    body: object            # arrow text: the USCC inside a well-formed 实施编码, else null
    code: object            # arrow text: the 实施编码 as compared (NFKC where that was needed)
    version: object         # arrow text: the 事项版本 as compared


def _nfkc_retry(arr, redo: np.ndarray):
    """``arr`` with the values at ``redo`` NFKC-normalised (full-width digits and letters of
    hand-typed exports); the others stay as they are, so clean data pays nothing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not redo.any():
        return arr
    mask = pa.array(redo)
    fixed = pc.utf8_trim_whitespace(pc.utf8_normalize(arr.filter(mask), "NFKC"))
    return pc.replace_with_mask(arr, mask, fixed)


def _fixed31(arr) -> np.ndarray:
    """Arrow strings all of 31 bytes as a numpy ``S31`` view of the data buffer (no copy)."""
    import pyarrow as pa

    arr = pa.concat_arrays([arr]) if arr.offset else arr
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(arr.buffers()[1], dtype=width, count=len(arr) + 1)
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[-1]]
    return data.view("S31") if len(arr) else np.zeros(0, dtype="S31")


_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
                dtype=np.uint64)


def hash31(keys: np.ndarray) -> np.ndarray:
    """A 64-bit hash of ``S31`` values, vectorised (four 8-byte words, multiplied and mixed)."""
    words = np.zeros((len(keys), 32), dtype=np.uint8)
    words[:, :31] = keys.view(np.uint8).reshape(-1, 31)
    w = words.view(np.uint64)
    with np.errstate(over="ignore"):
        h = (w * _MIX).sum(axis=1, dtype=np.uint64)
        h ^= h >> np.uint64(29)
    return h


def lookup_codes(cat: CaseCatalog, code) -> np.ndarray:
    """Position of each 实施编码 among the catalog's well-formed codes (-1: not there).

    A well-formed code is 31 ASCII characters, so both sides are compared as fixed-width bytes:
    their 64-bit hashes, sorted once for the catalog, are searched per chunk (then the bytes are
    compared), instead of hashing 100,000 catalog codes again for every chunk.  Two catalog codes
    with one hash would hide the second; :func:`load_catalog` checks that there are none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(code)
    pos = np.full(n, -1, dtype=np.int64)
    cand = (pc.fill_null(pc.binary_length(code), 0).to_numpy(zero_copy_only=False) == 31)
    if not cand.any() or len(cat.code_sorted) == 0:
        return pos
    keys = _fixed31(code.filter(pa.array(cand)))
    at = np.searchsorted(cat.code_hashes, hash31(keys))
    at = np.minimum(at, len(cat.code_hashes) - 1)
    hit = cat.code_sorted[at] == keys          # equal bytes, not only equal hashes
    pos[np.flatnonzero(cand)[hit]] = cat.code_sorted_pos[at[hit]]
    return pos


def link_cases(cat: CaseCatalog, code, version_text, day, has_day, unit_code) -> Links:
    """Link one chunk.  ``code``, ``version_text`` and ``unit_code`` (受理单位统一社会信用代码) are
    trimmed arrow text columns (missing = null); ``day``/``has_day``: day of 申请时间."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(code)
    # hash join in arrow's C++ kernel: position of each code among the catalog's distinct codes
    pos = lookup_codes(cat, code)
    miss = (pos < 0) & pc.is_valid(code).to_numpy(zero_copy_only=False)
    if miss.any():
        code = _nfkc_retry(code, miss)
        pos[miss] = lookup_codes(cat, code.filter(pa.array(miss)))
    # well-formed: known codes were checked once in the catalog; the rest here
    well = np.zeros(n, dtype=bool)
    known0 = pos >= 0
    well[known0] = cat.code_ok[pos[known0]]
    rest = ~known0
    if rest.any():
        sub = code.filter(pa.array(rest))
        well[rest] = pc.fill_null(pc.match_substring_regex(sub, f"^{TASK_CODE}$"), False).to_numpy(
            zero_copy_only=False)
    pos = np.where(well, pos, -1)
    prefix = pc.utf8_slice_codeunits(code, 0, 18)
    body = pc.if_else(pa.array(well), prefix, pa.scalar(None, pa.string()))
    differ = pc.fill_null(pc.not_equal(unit_code, prefix), False).to_numpy(zero_copy_only=False) & well
    if differ.any():
        unit_code = _nfkc_retry(unit_code, differ)
        differ &= pc.fill_null(pc.not_equal(unit_code, prefix), False).to_numpy(zero_copy_only=False)
    body_bad = differ

    v_given = pc.is_valid(version_text).to_numpy(zero_copy_only=False)
    digits = pc.fill_null(pc.match_substring_regex(version_text, r"^\d{1,6}$"), False).to_numpy(zero_copy_only=False)
    if (v_given & ~digits).any():
        version_text = _nfkc_retry(version_text, v_given & ~digits)
        digits = pc.fill_null(pc.match_substring_regex(version_text, r"^\d{1,6}$"), False).to_numpy(
            zero_copy_only=False)
    v_digits = digits
    vnum = np.zeros(n, dtype=np.int64)
    if v_digits.any():
        vnum[v_digits] = pc.cast(version_text.filter(pa.array(v_digits)), pa.int64()).to_numpy(zero_copy_only=False)
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
    return Links(status, row, pos, body, code, version_text)

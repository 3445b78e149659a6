"""Date-time parsing of case exports, vectorised with pyarrow (no Python loop per value).

Accepted forms (the standard's, then what real exports and Excel produce):

- ``YYYYMMDDThhmmss`` (GB/T 39046-2020 表5/表6 日期时间型), ``YYYYMMDDhh:mm:ss`` (表8 办结时间),
  ``YYYYMMDDhhmmss``, ``YYYYMMDD``;
- ``YYYY-MM-DD[ hh:mm[:ss[.fff]]]`` with ``-``, ``/`` or ``.`` (``2025/10/9``), ``T`` or a space
  before the time, an ignored ``Z``/``+08:00`` suffix, and ``2025年10月9日 9时30分``;
- Excel date serial numbers (``45939`` or ``45939.375``: days since 1899-12-30), what a date cell
  becomes when a sheet is saved as CSV with a number format.

Values are local (China Standard Time) wall-clock seconds since 1970-01-01.  A value that is
present but matches none of the forms, or names an impossible date (2月30日, 25:00), is ``bad``:
the caller reports it as a finding; it never raises.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NAT = np.iinfo(np.int64).min
DAY = 86_400

_COMPACT = (r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
            r"(?:T?(?P<H>\d{2}):?(?P<M>\d{2}):?(?P<S>\d{2}))?$")
_SEPARATED = (r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
              r"(?:(?:\s*T\s*|\s+)?(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})"
              r"(?:\s*[:：分]\s*(?P<S>\d{1,2})(?:\.\d+)?\s*秒?|\s*分)?)?"
              r"\s*(?:Z|[+-]\d{2}:?\d{2})?$")
_SERIAL = r"^\d{5}(?:\.\d+)?$"
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s").astype(np.int64)
# serials from 1950 to 2099: outside that a five-digit number is not a date anyone meant
_SERIAL_MIN, _SERIAL_MAX = 18_264, 73_415


@dataclass
class Stamps:
    """Parsed date-times of one column: ``sec`` (NAT where missing or bad), ``present`` (a value
    was given), ``bad`` (given but not a date-time), ``timed`` (the value carried a time)."""

    sec: np.ndarray
    present: np.ndarray
    bad: np.ndarray
    timed: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        return self.present & ~self.bad

    @property
    def day(self) -> np.ndarray:
        """Day number (days since 1970-01-01); meaningless where not ``ok``."""
        return np.where(self.ok, self.sec // DAY, 0)


# fixed forms tried first with strptime: (format, length, has time, day offset, second offset).
# With the exact length every field has its full width; strptime rolls 2025-02-30 over to 03-02
# and second 61 to the next minute, so the day and second are read back and compared.
_FAST = (("%Y%m%dT%H%M%S", 15, True, 6, 13), ("%Y-%m-%d %H:%M:%S", 19, True, 8, 17),
         ("%Y%m%d%H:%M:%S", 16, True, 6, 14), ("%Y-%m-%d", 10, False, 8, None),
         ("%Y/%m/%d", 10, False, 8, None), ("%Y/%m/%d %H:%M:%S", 19, True, 8, 17),
         ("%Y-%m-%dT%H:%M:%S", 19, True, 8, 17), ("%Y%m%d", 8, False, 6, None))


def _arrow_text(values):
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        arr = values
    elif hasattr(values, "array"):
        arr = pa.array(values.array) if not isinstance(values.array, np.ndarray) else pa.array(
            values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    else:
        arr = pa.array(values, type=pa.string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    return pc.utf8_trim_whitespace(arr)


def _iso(parts, pc, pa):
    """Zero-padded ``YYYY-MM-DDThh:mm:ss`` from the extracted struct (missing time → 00:00:00)."""
    def field(name, default):
        v = pc.struct_field(parts, name)
        v = pc.if_else(pc.equal(pc.utf8_length(v), 0), pa.scalar(default), v)
        return pc.utf8_lpad(pc.fill_null(v, default), 2, "0")

    y = pc.struct_field(parts, "y")
    return pc.binary_join_element_wise(
        y, "-", field("m", "01"), "-", field("d", "01"), "T",
        field("H", "00"), ":", field("M", "00"), ":", field("S", "00"), "")


def _iso_cast(arr, present, lengths, sec, timed, done) -> None:
    """The bulk path: compact forms rewritten to ISO, then arrow's strict ISO-8601 cast (which
    rejects 2月30日 and 24:00).  One bad value fails the batch, which then takes the slower
    per-format path; nothing is accepted here that the ISO parser does not accept."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cand = present & ((lengths == 10) | (lengths == 19))
    if not cand.any():
        return
    idx = np.flatnonzero(cand)
    sub = arr.take(pa.array(idx))
    try:
        stamp = pc.cast(pc.replace_substring(sub, "/", "-"), pa.timestamp("s"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return
    sec[idx] = stamp.cast(pa.int64()).to_numpy(zero_copy_only=False)
    timed[idx] = lengths[idx] == 19
    done[idx] = True


def parse_datetimes(values) -> Stamps:
    """Parse one column of date-time text (pandas Series, arrow array or list)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = _arrow_text(values)
    n = len(arr)
    present = pc.and_(pc.is_valid(arr), pc.greater(pc.utf8_length(arr), 0))
    present_np = pc.fill_null(present, False).to_numpy(zero_copy_only=False)
    sec = np.full(n, NAT, dtype=np.int64)
    timed = np.zeros(n, dtype=bool)
    done = np.zeros(n, dtype=bool)
    if not present_np.any():
        return Stamps(sec, present_np, np.zeros(n, dtype=bool), timed)
    lengths = pc.fill_null(pc.utf8_length(arr), 0).to_numpy(zero_copy_only=False)
    _iso_cast(arr, present_np, lengths, sec, timed, done)
    for fmt, length, has_time, d_at, s_at in _FAST:
        idx = np.flatnonzero(present_np & ~done & (lengths == length))
        if len(idx) == 0:
            continue
        sub = arr.take(pa.array(idx))
        stamp = pc.strptime(sub, format=fmt, unit="s", error_is_null=True)
        good = pc.is_valid(stamp).to_numpy(zero_copy_only=False)
        # only a day from 29 or a second from 60 can have rolled over: read those back
        risky = pc.greater_equal(pc.utf8_slice_codeunits(sub, d_at, d_at + 2), "29")
        if s_at is not None:
            risky = pc.or_(risky, pc.greater_equal(pc.utf8_slice_codeunits(sub, s_at, s_at + 2), "60"))
        risky = good & pc.fill_null(risky, False).to_numpy(zero_copy_only=False)
        if risky.any():
            r = pa.array(np.flatnonzero(risky))
            rs, rt = sub.take(r), stamp.take(r)
            ok = pc.equal(pc.cast(pc.utf8_slice_codeunits(rs, d_at, d_at + 2), pa.int64()), pc.day(rt))
            if s_at is not None:
                ok = pc.and_(ok, pc.equal(pc.cast(pc.utf8_slice_codeunits(rs, s_at, s_at + 2), pa.int64()),
                                          pc.second(rt)))
            good[np.flatnonzero(risky)] = pc.fill_null(ok, False).to_numpy(zero_copy_only=False)
        if good.any():
            hit = idx[good]
            sec[hit] = pc.fill_null(stamp.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)[good]
            timed[hit] = has_time
            done[hit] = True
    if (present_np & ~done).any():
        # the rest: free forms, and full-width digits and colons (２０２５－１０－０９) of hand-typed exports
        rest = np.flatnonzero(present_np & ~done)
        fixed = pc.utf8_normalize(arr.take(pa.array(rest)), "NFKC")
        if pc.any(pc.not_equal(fixed, arr.take(pa.array(rest)))).as_py():
            full = arr.to_pylist()
            for i, v in zip(rest.tolist(), fixed.to_pylist(), strict=True):
                full[i] = v
            arr = pa.array(full, type=pa.string())
    for pattern in (_COMPACT, _SEPARATED):
        todo = pa.array(present_np & ~done)
        if not pc.any(todo).as_py():
            break
        parts = pc.extract_regex(pc.if_else(todo, arr, pa.scalar(None, pa.string())), pattern)
        matched = pc.fill_null(pc.is_valid(parts), False)
        if not pc.any(matched).as_py():
            continue
        stamp = pc.strptime(_iso(parts, pc, pa), format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
        # strptime rolls 2月30日 over into March: the day must come back as written
        same_day = pc.equal(pc.day(stamp), pc.cast(pc.struct_field(parts, "d"), pa.int64()))
        secs = pc.struct_field(parts, "S")
        secs = pc.if_else(pc.greater(pc.fill_null(pc.utf8_length(secs), 0), 0), secs, pa.scalar("0"))
        same_day = pc.and_(same_day, pc.equal(pc.second(stamp), pc.cast(secs, pa.int64())))
        good = pc.fill_null(pc.and_(pc.and_(matched, pc.is_valid(stamp)), same_day),
                            False).to_numpy(zero_copy_only=False)
        values_np = pc.fill_null(stamp.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
        sec[good] = values_np[good]
        hours = pc.fill_null(pc.is_valid(pc.struct_field(parts, "H")), False)
        hours = pc.and_(hours, pc.greater(pc.fill_null(pc.utf8_length(pc.struct_field(parts, "H")), 0), 0))
        timed |= good & pc.fill_null(hours, False).to_numpy(zero_copy_only=False)
        # matched the shape but named an impossible date: done (and bad), not tried again
        done |= pc.fill_null(matched, False).to_numpy(zero_copy_only=False)
    todo = present_np & ~done
    if todo.any():
        cand = pc.if_else(pa.array(todo), arr, pa.scalar(None, pa.string()))
        is_serial = pc.fill_null(pc.match_substring_regex(cand, _SERIAL), False).to_numpy(zero_copy_only=False)
        if is_serial.any():
            num = pc.cast(pc.if_else(pa.array(is_serial), cand, pa.scalar(None, pa.string())), pa.float64())
            days = pc.fill_null(num, 0.0).to_numpy(zero_copy_only=False)
            ok = is_serial & (days >= _SERIAL_MIN) & (days <= _SERIAL_MAX)
            sec[ok] = _EXCEL_EPOCH + np.round(days[ok] * DAY).astype(np.int64)
            timed |= ok & (days != np.floor(days))
    bad = present_np & (sec == NAT)
    return Stamps(sec, present_np, bad, timed)


def day_text(day) -> str:
    """A day number as ``YYYY-MM-DD`` (for messages)."""
    return str(np.datetime64(int(day), "D"))


def stamp_text(sec) -> str:
    """Seconds as ``YYYY-MM-DD hh:mm:ss`` (``YYYY-MM-DD`` at midnight)."""
    text = str(np.datetime64(int(sec), "s")).replace("T", " ")
    return text[:10] if text.endswith("00:00:00") else text


def parse_day(text: str) -> int | None:
    """One date (``--as-of``) as a day number, or None when it is not a date."""
    s = parse_datetimes([text])
    return int(s.day[0]) if s.ok[0] else None

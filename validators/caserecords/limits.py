"""Time limits of linked cases (电子监察 时效异常), whole chunks at a time.

The limit comes from the catalog row the case links to (承诺办结时限, else 法定办结时限, with its
unit), else from the case's own 承诺办结时间.  The period starts on the 受理时间 (申请时间 when the
case has no 受理时间) and, as 行政许可法第八十二条 and 民法典第二百零一条 count periods, the start day
itself is not counted:

- 工作日: the deadline is the N-th Chinese working day after the start day (weekends and public
  holidays excluded, 调休 working weekends included: :mod:`validators.caserecords.workdays`);
- 自然日 / 个月: start day + N days / months; a deadline on a rest day moves to the next working
  day (民法典第二百零三条);
- 小时: start time + N hours, compared to the second;
- 即办件 (the case's 办件类型, else the catalog's, or a limit of 0/即办): finished on the start day.

A finished case is late when its 办结 day is after the deadline day; an open case when ``as_of``
is.  An open case with at most ``near`` working days left is near its deadline.  Calendar-based
limits are only computed when every day involved lies in the calendar's covered years; the others
are ``uncovered`` (reported, never guessed).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from validators.caserecords.catalog import (
    UNIT_DAY,
    UNIT_HOUR,
    UNIT_MONTH,
    UNIT_WORKDAY,
    CaseCatalog,
)
from validators.caserecords.dates import DAY, NAT, Stamps
from validators.caserecords.workdays import WorkCalendar

FROM_NONE, FROM_CATALOG, FROM_CASE, FROM_INSTANT = 0, 1, 2, 3


@dataclass
class Limits:
    source: np.ndarray        # int8: FROM_* (where the deadline came from)
    limit: np.ndarray         # float: N of the catalog limit (NaN otherwise)
    unit: np.ndarray          # int8: UNIT_* of the catalog limit (0 otherwise)
    start: np.ndarray         # int64 day the period starts
    deadline: np.ndarray      # int64 day (-1 when none)
    deadline_sec: np.ndarray  # int64 seconds of an hour-based deadline (NAT otherwise)
    overdue: np.ndarray
    open_overdue: np.ndarray
    near: np.ndarray
    instant_late: np.ndarray
    uncovered: np.ndarray
    late: np.ndarray          # int64 working days past the deadline (-1 when not countable)
    left: np.ndarray          # int64 working days left (near)
    checked: np.ndarray       # the case had a deadline and was checked


def _add_months(day: np.ndarray, n: np.ndarray) -> np.ndarray:
    d = day.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    dom = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + n.astype(np.int64)
    first = target.astype("datetime64[D]")
    last = (target + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.minimum(first + dom, last).astype(np.int64)


def check_limits(cat: CaseCatalog, cal: WorkCalendar, *, linked: np.ndarray, row: np.ndarray,
                 applied: Stamps, accepted: Stamps, promised: Stamps, finished: Stamps,
                 case_instant: np.ndarray, case_type_given: np.ndarray, as_of: int,
                 near: int) -> Limits:
    n = len(linked)
    start_ok = accepted.ok | applied.ok
    start_sec = np.where(accepted.ok, accepted.sec, applied.sec)
    start = np.where(start_ok, start_sec // DAY, 0)
    safe = np.where(row >= 0, row, 0)
    has_row = linked & (row >= 0) & (len(cat) > 0)
    cat_limit = np.where(has_row, cat.limit[safe] if len(cat) else np.nan, np.nan)
    cat_unit = np.where(has_row & ~np.isnan(cat_limit), cat.unit[safe] if len(cat) else 0, 0).astype(np.int8)
    cat_instant = has_row & (cat.instant[safe] if len(cat) else False)
    instant = np.where(case_type_given, case_instant, cat_instant) & linked

    base = linked & start_ok
    use_cat = base & ~instant & (cat_unit > 0)
    use_case = base & ~instant & ~use_cat & promised.ok
    use_instant = base & instant
    source = np.where(use_instant, FROM_INSTANT, np.where(use_cat, FROM_CATALOG,
                      np.where(use_case, FROM_CASE, FROM_NONE))).astype(np.int8)

    deadline = np.full(n, -1, dtype=np.int64)
    deadline_sec = np.full(n, NAT, dtype=np.int64)
    covered_start = cal.covers(start)
    nlim = np.where(np.isnan(cat_limit), 0, cat_limit)
    calendar_based = use_cat & (cat_unit != UNIT_HOUR)
    m = use_cat & (cat_unit == UNIT_WORKDAY) & covered_start
    if m.any():
        deadline[m] = cal.add_workdays(start[m], np.ceil(nlim[m]).astype(np.int64))
    m = use_cat & (cat_unit == UNIT_DAY)
    if m.any():
        deadline[m] = cal.roll_forward(start[m] + np.ceil(nlim[m]).astype(np.int64))
    m = use_cat & (cat_unit == UNIT_MONTH)
    if m.any():
        deadline[m] = cal.roll_forward(_add_months(start[m], np.ceil(nlim[m])))
    m = use_cat & (cat_unit == UNIT_HOUR)
    if m.any():
        deadline_sec[m] = start_sec[m] + np.round(nlim[m] * 3600).astype(np.int64)
        deadline[m] = deadline_sec[m] // DAY
    deadline[use_case] = promised.sec[use_case] // DAY
    deadline[use_instant] = start[use_instant]

    fin_day = np.where(finished.ok, finished.sec // DAY, 0)
    is_open = base & ~finished.present
    uncovered = calendar_based & (~covered_start | (deadline < 0)
                                  | (finished.ok & ~cal.covers(fin_day))
                                  | (is_open & (not bool(cal.covers(as_of)))))
    checked = (source != FROM_NONE) & ~uncovered

    hour = use_cat & (cat_unit == UNIT_HOUR)
    late_fin = np.where(hour, finished.sec > deadline_sec, fin_day > deadline)
    instant_late = checked & use_instant & finished.ok & (fin_day > start)
    overdue = checked & ~use_instant & finished.ok & late_fin
    as_of_end = (as_of + 1) * DAY - 1
    late_open = np.where(hour, as_of_end > deadline_sec, as_of > deadline)
    open_overdue = checked & is_open & late_open
    can_count = checked & cal.covers(deadline) & bool(cal.covers(as_of))
    late = np.full(n, -1, dtype=np.int64)
    m = overdue & cal.covers(fin_day) & cal.covers(deadline)
    if m.any():
        late[m] = cal.count_after(deadline[m], fin_day[m])
    m = open_overdue & can_count
    if m.any():
        late[m] = cal.count_after(deadline[m], np.full(int(m.sum()), as_of))
    left = np.full(n, -1, dtype=np.int64)
    pending = checked & is_open & ~open_overdue & can_count & (as_of >= start)
    if pending.any():
        left[pending] = cal.count_after(np.full(int(pending.sum()), as_of), deadline[pending])
    near_mask = pending & (left <= near)
    return Limits(source, np.where(use_cat, cat_limit, np.nan), np.where(use_cat, cat_unit, 0).astype(np.int8),
                  start, deadline, deadline_sec, overdue, open_overdue, near_mask, instant_late, uncovered, late, left, checked)


def inconsistent_dates(applied: Stamps, accepted: Stamps, finished: Stamps):
    """(受理 before 申请, 办结 before 受理 — or before 申请 when there is no 受理) masks.

    Two values compare to the second when both carry a time, else by day."""
    def before(a: Stamps, b: Stamps):
        both = a.ok & b.ok
        timed = a.timed & b.timed
        return both & np.where(timed, a.sec < b.sec, (a.sec // DAY) < (b.sec // DAY))

    accepted_early = before(accepted, applied)
    finished_early = before(finished, accepted) | (~accepted.ok & before(finished, applied))
    return accepted_early, finished_early

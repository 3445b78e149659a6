"""The Chinese working-day calendar as numpy arrays: weekends, public holidays and 调休 working
weekends, from the ``chinese-calendar`` package (the 国务院办公厅 holiday notices, year by year).

numpy's ``busday_*`` functions know holidays but not working weekends (2025-09-28 was a Sunday
worked for National Day), so the calendar is a cumulative count instead: ``cum[i]`` = working days
from the first covered day up to and including day ``i``.  Counting working days between two dates
and finding the N-th working day after a date are then index arithmetic and ``searchsorted`` over
whole columns.  Dates outside the covered years are never guessed: :meth:`WorkCalendar.covers`
says which values may be used, and callers report the rest.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class WorkCalendar:
    first_day: int          # day number (days since 1970-01-01) of 1 January of the first year
    first_year: int
    last_year: int
    work: np.ndarray        # bool per day: a working day
    cum: np.ndarray         # int32 per day: working days from first_day to that day inclusive
    next_work: np.ndarray   # int32 per day: index of that day or the next working day
    source: str             # "chinese-calendar 1.11.0"

    @property
    def end_day(self) -> int:
        """First day number after the covered range."""
        return self.first_day + len(self.work)

    @property
    def years(self) -> str:
        return f"{self.first_year}–{self.last_year}"

    def covers(self, day) -> np.ndarray:
        day = np.asarray(day)
        return (day >= self.first_day) & (day < self.end_day)

    def is_workday(self, day) -> np.ndarray:
        return self.work[np.asarray(day) - self.first_day]

    def count_after(self, start, end) -> np.ndarray:
        """Working days d with start < d ≤ end (negative when end < start).  Both covered."""
        return (self.cum[np.asarray(end) - self.first_day].astype(np.int64)
                - self.cum[np.asarray(start) - self.first_day])

    def add_workdays(self, start, n) -> np.ndarray:
        """The n-th working day after ``start`` (the start day itself not counted, as 行政许可法
        第八十二条 and 民法典第二百零一条 count periods); ``n == 0`` gives ``start``.  Returns -1
        where the result would fall after the covered range."""
        start = np.asarray(start, dtype=np.int64)
        n = np.asarray(n, dtype=np.int64)
        target = self.cum[start - self.first_day].astype(np.int64) + n
        idx = np.searchsorted(self.cum, target, side="left")
        out = np.where(idx < len(self.cum), idx + self.first_day, -1)
        return np.where(n <= 0, start, out)

    def roll_forward(self, day) -> np.ndarray:
        """``day`` or, when it is not a working day, the next working day (民法典第二百零三条: a
        period ending on a holiday ends on the day after the holiday).  -1 when past the range."""
        day = np.asarray(day, dtype=np.int64)
        inside = self.covers(day)
        idx = self.next_work[np.clip(day - self.first_day, 0, len(self.work) - 1)]
        return np.where(inside & (idx >= 0), idx + self.first_day, -1)


def day_number(d: dt.date) -> int:
    return (d - _EPOCH).days


@lru_cache(maxsize=1)
def china_calendar() -> WorkCalendar:
    """The calendar of every year ``chinese-calendar`` has holiday notices for."""
    import chinese_calendar
    from chinese_calendar import constants

    years = sorted({d.year for d in constants.holidays})
    first, last = years[0], years[-1]
    start, stop = dt.date(first, 1, 1), dt.date(last + 1, 1, 1)
    days = np.arange(day_number(start), day_number(stop), dtype=np.int64)
    weekday = (days + 3) % 7          # 1970-01-01 was a Thursday (weekday 3)
    work = weekday < 5
    for d in constants.holidays:
        work[day_number(d) - days[0]] = False
    for d in constants.workdays:      # 调休: weekends worked in exchange for a longer holiday
        work[day_number(d) - days[0]] = True
    cum = np.cumsum(work, dtype=np.int32)
    nxt = np.full(len(work), -1, dtype=np.int32)
    idx = np.where(work, np.arange(len(work), dtype=np.int32), np.int32(len(work)))
    nxt = np.minimum.accumulate(idx[::-1])[::-1]
    nxt = np.where(nxt >= len(work), -1, nxt).astype(np.int32)
    version = getattr(chinese_calendar, "__version__", "?")
    return WorkCalendar(int(days[0]), first, last, work, cum, nxt, f"chinese-calendar {version}")

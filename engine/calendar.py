"""Working days: the ONE place that knows weekends, statutory holidays, make-up workdays and overrides.

Every legal limit (行政许可法) is counted in working days from the working day after acceptance; all dates
here are local dates in Asia/Shanghai and all datetimes must be aware (:data:`engine.clock.TZ`).

Where the data comes from, per year (first match wins, administrator overrides beat all of them):

1. ``chinese_calendar`` (package ``chinesecalendar``) for the years it covers (2004–2026 in 1.11). It is
   the primary source: it is built from the State Council notices alone. Checked day by day, the two
   packages agree on 2004–2026 except 2005-12-31 (a Saturday: ``holidays`` makes it a make-up workday
   for New Year 2006, ``chinese_calendar`` a day off); tests/test_calendar.py re-checks 2024–2026.
2. ``holidays.China`` for a year ``chinese_calendar`` does not know but whose make-up workdays ``holidays``
   already has (it is released monthly, so it usually learns a new year's schedule first): statutory
   days, substituted days off and ``weekend_workdays``.
3. Otherwise the year's schedule is not published yet: weekends plus the statutory days only
   (``holidays.China(observed=False)``). We deliberately drop ``holidays``' own guesses ("observed",
   e.g. 2027-02-09/10) because guessed days off push deadlines later than the law may allow; counting
   fewer days off can only make a clerk act early. :meth:`WorkCalendar.has_published_schedule` is False
   for such a year so the UI can warn, and administrators enter the real schedule as overrides.
"""
from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

import chinese_calendar
import holidays

from .clock import TZ

__all__ = ["WorkCalendar", "last_day"]

_ONE_DAY = timedelta(days=1)
_EPSILON = timedelta(microseconds=1)


def last_day(due: datetime) -> date:
    """The last local day a deadline instant allows: a due of midnight ending 11 December is 11 December.

    Deadlines are stored as the instant they pass (local midnight after the last day); people read
    the last day, so every page shows this, never the instant's own date."""
    if due.tzinfo is None or due.utcoffset() is None:
        raise ValueError("deadlines must be timezone-aware datetimes")
    return (due - _EPSILON).astimezone(TZ).date()


def _chinese_calendar_years() -> range:
    known = chinese_calendar.holidays.keys()
    return range(min(known).year, max(known).year + 1)


_CC_YEARS = _chinese_calendar_years()


def _days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year, 12, 31) - first).days + 1)]


@lru_cache(maxsize=None)
def _holidays_make_up_days(year: int) -> frozenset[date]:
    # weekend_workdays also carries stray dates of other years (cross-year make-up days such as
    # 2005-12-31 for New Year 2006 appear whatever years were asked), so keep only this year's.
    cn = holidays.China(years=(year, year + 1))
    return frozenset(d for d in cn.weekend_workdays if d.year == year)


@lru_cache(maxsize=None)
def _base_year(year: int) -> tuple[bytes, bool]:
    """Working-day flags (1 = working) for each day of ``year`` from package data, and "published"."""
    days = _days_of(year)
    if year in _CC_YEARS:
        return bytes(chinese_calendar.is_workday(d) for d in days), True
    make_up = _holidays_make_up_days(year)
    published = bool(make_up)
    cn = holidays.China(years=year, observed=published)
    return bytes((d in make_up) if d.weekday() >= 5 else (d not in cn) for d in days), published


class _YearTable:
    """One year's flags (package data merged with overrides) with prefix sums for O(1) counting."""

    __slots__ = ("first", "flags", "prefix")

    def __init__(self, year: int, overrides: Mapping[date, bool]):
        self.first = date(year, 1, 1).toordinal()
        flags = bytearray(_base_year(year)[0])
        for day, working in overrides.items():
            if day.year == year:
                flags[day.toordinal() - self.first] = bool(working)
        self.flags = bytes(flags)
        prefix = [0]
        for flag in self.flags:
            prefix.append(prefix[-1] + flag)
        self.prefix = prefix  # prefix[i] = working days among the first i days of the year


def _local_date(dt: datetime) -> date:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("working-day arithmetic needs timezone-aware datetimes")
    return dt.astimezone(TZ).date()


def _midnight_after(day: date) -> datetime:
    """The instant (UTC) at which local day ``day`` ends, i.e. 00:00 Asia/Shanghai of the next day."""
    return datetime.combine(day + _ONE_DAY, time(0), TZ).astimezone(timezone.utc)


class WorkCalendar:
    """Working-day arithmetic for the legal clock.

    ``overrides`` maps a date to True (working day) or False (day off); they are administrators'
    corrections and win over all package data. ``published_years`` lets the caller declare years whose
    schedule administrators have entered in full, so :meth:`has_published_schedule` stops warning.
    Instances are immutable and thread-safe; build a new one when the overrides change.
    """

    def __init__(self, overrides: Mapping[date, bool] | None = None, published_years: Iterable[int] = ()):
        # A datetime key would never match a date lookup (different hash), so normalise to dates.
        self._overrides = {date(d.year, d.month, d.day): bool(v) for d, v in (overrides or {}).items()}
        self._published_years = frozenset(published_years)
        self._tables: dict[int, _YearTable] = {}
        self._lock = threading.Lock()

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            with self._lock:  # building a year reads two packages: do it once, readers stay lock-free
                table = self._tables.get(year)
                if table is None:
                    table = self._tables[year] = _YearTable(year, self._overrides)
        return table

    # -- days ---------------------------------------------------------------------------------------

    def has_published_schedule(self, year: int) -> bool:
        """Whether the State Council's make-up schedule of ``year`` is known (else counts are estimates)."""
        return year in self._published_years or _base_year(year)[1]

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day (overrides, then 调休 make-up days, holidays, weekends)."""
        table = self._table(d.year)
        return bool(table.flags[d.toordinal() - table.first])

    def workdays_between(self, a: date, b: date) -> int:
        """Number of working days ``d`` with ``a <= d < b`` (0 if ``b <= a``).

        A case paused on Monday and resumed on Wednesday has paused 2 working days; same day: 0.
        """
        if b <= a:
            return 0
        total = 0
        for year in range(a.year, b.year + 1):
            table = self._table(year)
            lo = a.toordinal() - table.first if year == a.year else 0
            hi = b.toordinal() - table.first if year == b.year else len(table.flags)
            total += table.prefix[hi] - table.prefix[lo]
        return total

    def add_workdays(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (``d`` itself not counted); ``d`` when ``n == 0``.

        A negative ``n`` gives the ``-n``-th working day before ``d``.
        """
        if n == 0:
            return d
        # Walk a year at a time over the prefix sums and bisect inside the year that holds the answer,
        # so even a 45+15-day limit over a year boundary costs two table look-ups.
        remaining, year = abs(n), d.year
        if n > 0:
            start = d.toordinal() + 1 - self._table(year).first  # days at index >= start count
            while True:
                table = self._table(year)
                available = table.prefix[-1] - table.prefix[start]
                if available >= remaining:
                    index = bisect_left(table.prefix, table.prefix[start] + remaining) - 1
                    return date.fromordinal(table.first + index)
                remaining, year, start = remaining - available, year + 1, 0
        end = d.toordinal() - self._table(year).first  # days at index < end count
        while True:
            table = self._table(year)
            available = table.prefix[end]
            if available >= remaining:
                index = bisect_left(table.prefix, table.prefix[end] - remaining + 1) - 1
                return date.fromordinal(table.first + index)
            remaining, year = remaining - available, year - 1
            end = len(self._table(year).flags)

    # -- instants -------------------------------------------------------------------------------------

    def due_at(self, start: datetime, n: int) -> datetime:
        """Deadline (aware, UTC) of a limit of ``n`` working days counted from the working day after
        ``start``: the end (local midnight) of ``add_workdays(start's local date, n)``."""
        return _midnight_after(self.add_workdays(_local_date(start), n))

    def extend(self, due: datetime, n: int) -> datetime:
        """Move a deadline by ``n`` working days (paused days, +10/+15 extensions; negative moves back).

        The deadline's last day (the local day just before ``due``) moves by ``n`` working days and the
        time of day is kept, so a midnight deadline stays a midnight deadline.
        """
        _local_date(due)  # rejects naive datetimes
        last = (due - _EPSILON).astimezone(TZ)
        moved = datetime.combine(self.add_workdays(last.date(), n), last.timetz())
        return (moved + _EPSILON).astimezone(timezone.utc)

    def remaining_workdays(self, now: datetime, due: datetime) -> int:
        """Working days from today up to and including the deadline's last day; 0 once ``now >= due``.

        On the last day it is 1.
        """
        if now >= due:
            return 0
        last = last_day(due)
        return self.workdays_between(_local_date(now), last + _ONE_DAY)

    def warning_level(self, now: datetime, due: datetime, warning_days: int = 2) -> str:
        """"red" once ``now >= due``, "yellow" when at most ``warning_days`` working days remain, else
        "normal"."""
        if now >= due:
            return "red"
        return "yellow" if self.remaining_workdays(now, due) <= warning_days else "normal"

    def yellow_from(self, due: datetime, warning_days: int) -> datetime:
        """The instant (UTC; a local midnight, or ``due`` itself) from which :meth:`warning_level` stops
        being "normal", so a scheduler can wake exactly then.

        Yellow starts on the day after the (warning_days + 1)-th working day counted back from the
        deadline's last day (inclusive). If that is not before ``due`` (e.g. ``warning_days == 0``), the
        level goes straight from normal to red at ``due``.
        """
        if warning_days < 0:
            raise ValueError("warning_days must be >= 0")
        last = last_day(due)
        # add_workdays(last + 1 day, -k) is the k-th working day on or before `last`.
        still_normal = self.add_workdays(last + _ONE_DAY, -(warning_days + 1))
        return min(_midnight_after(still_normal), due)

    def workdays_used(self, start: datetime, end: datetime) -> int:
        """Working days elapsed between ``start`` and ``end``, counted like a limit (from the working
        day after ``start``'s local date up to and including ``end``'s); 0 if ``end <= start``.

        A case finished before ``due_at(start, n)`` has used at most ``n`` working days.
        """
        if end <= start:
            return 0
        return self.workdays_between(_local_date(start) + _ONE_DAY, _local_date(end) + _ONE_DAY)

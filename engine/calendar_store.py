"""The administrators' calendar overrides: setting them, and loading the calendar that includes them.

Every action needs the calendar, so a process keeps the one it built and checks the database for
changes at most every `RECHECK_SECONDS`; a change made in this process applies at once. Another
process sees an edit within that delay — the due dates the edit affects are recomputed afterwards by
whoever edits the calendar, so the short delay never outlives the recomputation.
"""
from __future__ import annotations

import time
from datetime import date
from threading import Lock

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit, clock, versions
from .calendar import WorkCalendar
from .db import Database
from .models import CalendarDay

RECHECK_SECONDS = 10.0

_lock = Lock()
_cache: dict[str, tuple[float, tuple, WorkCalendar]] = {}  # database -> (checked at, change key, calendar)


def calendar_for(session: Session) -> WorkCalendar:
    """The working-day calendar with the administrators' overrides."""
    database = versions.database_key(session)
    entry = _cache.get(database)
    now = time.monotonic()
    if entry is not None and now - entry[0] < RECHECK_SECONDS:
        return entry[2]
    key = tuple(session.execute(select(func.count(), func.max(CalendarDay.updated_at))).one())
    if entry is not None and entry[1] == key:
        calendar = entry[2]
    else:
        overrides = {date.fromisoformat(row.day): row.is_workday for row in session.scalars(select(CalendarDay))}
        calendar = WorkCalendar(overrides)
    with _lock:
        _cache[database] = (now, key, calendar)
    return calendar


def forget() -> None:
    """Drop every cached calendar: the next action reads the overrides again."""
    with _lock:
        _cache.clear()


def set_day(db: Database, day: date, is_workday: bool, note: str = "", actor=None) -> None:
    """Declare a date a working day or a day off (e.g. the State Council's schedule for a new year)."""
    with db.write() as session:
        write_day(session, day, is_workday, note, actor)
    forget()


def write_day(session: Session, day: date, is_workday: bool | None, note: str = "", actor=None) -> None:
    """Inside the caller's transaction: the override of one date (None removes it, the base calendar applies
    again), with its audit event `calendar_day`. Call `forget()` after the commit."""
    row = session.get(CalendarDay, day.isoformat())
    if is_workday is None:
        if row is not None:
            session.delete(row)
    else:
        if row is None:
            row = CalendarDay(day=day.isoformat())
            session.add(row)
        row.is_workday, row.note, row.updated_at = is_workday, note or None, clock.now()
    audit.record(session, "calendar_day", actor=actor,
                 detail={"day": day.isoformat(), "is_workday": is_workday, "note": note})

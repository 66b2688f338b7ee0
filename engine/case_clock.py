"""The legal clock of a case (行政许可法, working days): due dates, pauses, warning levels, wake-ups.

Due dates start from acceptance and count from the working day after it. Supplements after
acceptance and special procedures pause the clock; on resume the due dates move by the paused
working days. An application not answered within the pre-review limit (5 working days) counts as
accepted from receipt.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from . import clock
from .calendar import WorkCalendar
from .models import Case
from .status import FINAL, CaseStatus

PRE_REVIEW_LIMIT = 5  # working days to accept, refuse or ask for a supplement (行政许可法 第三十二条)
JOINT_STATUTORY_LIMIT = 45

def due_after(calendar: WorkCalendar, begin: datetime, limit: dict) -> datetime:
    """The deadline of a limit `{value, unit}` counted from the day after `begin` (working or natural days)."""
    days = int(limit.get("value", 0))
    if limit.get("unit") == "natural_day":
        last = begin.astimezone(clock.TZ).date() + timedelta(days=days + 1)
        return datetime.combine(last, time(0), clock.TZ).astimezone(timezone.utc)
    return calendar.due_at(begin, days)


def pre_review_due(case: Case, calendar: WorkCalendar) -> datetime:
    return calendar.due_at(case.received_at, PRE_REVIEW_LIMIT)


def start(case: Case, guide: dict, calendar: WorkCalendar, at: datetime) -> None:
    """Acceptance: the promised and statutory limits start (from receipt if pre-review ran late)."""
    case.accepted_at = at
    case.statutory_due_at, case.promised_due_at = limits_from(case, guide, calendar, at)


def limits_from(case: Case, guide: dict, calendar: WorkCalendar, accepted_at: datetime) -> tuple[datetime, datetime]:
    """(statutory, promised) due instants of a case accepted at `accepted_at`, before pauses and extensions."""
    begin = accepted_at
    if accepted_at >= pre_review_due(case, calendar):
        begin = case.received_at  # deemed accepted from receipt: the applicant must not pay for our delay
    default = {"value": JOINT_STATUTORY_LIMIT if guide.get("joint") else 20, "unit": "workday"}
    statutory = guide.get("statutory_limit") or default
    return due_after(calendar, begin, statutory), due_after(calendar, begin, guide.get("promised_limit") or statutory)


def pause(case: Case, at: datetime, reason: str) -> None:
    """Stop the clock (supplement after acceptance, special procedure). No-op before acceptance."""
    if case.accepted_at is None or case.paused_at is not None:
        return
    case.paused_at, case.pause_reason = at, reason


def resume(case: Case, calendar: WorkCalendar, at: datetime) -> int:
    """Restart the clock; due dates move by the working days paused. Returns those days."""
    if case.paused_at is None:
        return 0
    days = calendar.workdays_between(case.paused_at.astimezone(clock.TZ).date(), at.astimezone(clock.TZ).date())
    if days:
        case.promised_due_at = calendar.extend(case.promised_due_at, days)
        case.statutory_due_at = calendar.extend(case.statutory_due_at, days)
    case.paused_workdays += days
    case.paused_at, case.pause_reason = None, None
    return days


def warning_level(case: Case, guide: dict, calendar: WorkCalendar, now: datetime) -> str:
    """normal / yellow / red for the case as a whole (promised limit; paused cases keep their level)."""
    if case.status in FINAL or case.promised_due_at is None:
        return "normal"
    if case.paused_at is not None:
        return case.warning_level  # frozen while the clock stands still
    return calendar.warning_level(now, case.promised_due_at, int(guide.get("warning_days", 2)))


def next_transition(case: Case, guide: dict, calendar: WorkCalendar, now: datetime) -> datetime | None:
    """When the case's warning level will next change on its own (yellow, then red), if ever."""
    if case.status == CaseStatus.RECEIVED:
        due = pre_review_due(case, calendar)
        return due if due > now else None
    if case.status in FINAL or case.promised_due_at is None or case.paused_at is not None:
        return None
    candidates = [calendar.yellow_from(case.promised_due_at, int(guide.get("warning_days", 2))),
                  case.promised_due_at]
    future = [t for t in candidates if t > now]
    return min(future) if future else None


def remaining_workdays(case: Case, calendar: WorkCalendar, now: datetime | None = None) -> int | None:
    if case.promised_due_at is None:
        return None
    at = case.paused_at or now or clock.now()
    return calendar.remaining_workdays(at, case.promised_due_at)

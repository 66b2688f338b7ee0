"""The clock of a case and of each of its steps, as every page shows it (inbox, task page, case page,
status lookup, supervision desk): working days used, remaining and overdue, and the periods the legal
clock stood still, with their reasons.

Computed from rows only (`case_file`, `human_task`, the case's status events in `audit_event`), never from
the workflow. The legal rules themselves (limits, pauses, warning levels) stay in `case_clock`.

Step levels (a choice the law leaves open): a step whose own limit (`human_task.due_at`) has passed is
**yellow** even while the case is in time (the rule book: "a single step overrunning its own limit is also a
warning"); a step shows **red** when its case is overdue, because that step is what holds the case up; else
the step shows its case's level. Queries compute the same from `due_at` (`step_level_sql`), so the
level needs no column kept in step with time; the scheduler wakes at each step's due time to hand out the
yellow card (engine.supervision).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case as sql_case, select
from sqlalchemy.orm import Session

from . import clock
from .calendar import WorkCalendar, last_day
from .i18n import _
from .models import AuditEvent, Case, HumanTask
from .status import FINAL, CaseStatus

PAUSE_REASONS = {"supplement": _("补正期间"), "special_procedure": _("特别程序期间")}
# A status that starts a pause, and the statuses that may end it.
_PAUSE_STARTS = {int(CaseStatus.SUPPLEMENT_REQUESTED): "supplement", int(CaseStatus.SPECIAL_STARTED): "special_procedure"}


@dataclass(frozen=True)
class Pause:
    reason: str               # supplement / special_procedure
    started_at: datetime
    ended_at: datetime | None  # None: still paused
    workdays: int

    @property
    def label(self) -> str:
        return str(PAUSE_REASONS.get(self.reason, self.reason))


@dataclass(frozen=True)
class Clock:
    """One deadline seen at `now`: working days used since it started, remaining, overdue; its level."""

    started_at: datetime | None
    due_at: datetime | None
    used: int
    remaining: int
    overdue: int
    level: str                 # normal / yellow / red
    paused: bool = False
    pauses: tuple[Pause, ...] = field(default=())
    statutory_due_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.due_at is not None and self.finished_at is None


def _span(calendar: WorkCalendar, start: datetime | None, due: datetime | None, at: datetime) -> tuple[int, int, int]:
    used = calendar.workdays_used(start, at) if start is not None else 0
    if due is None:
        return used, 0, 0
    remaining = calendar.remaining_workdays(at, due)
    overdue = 0
    if at >= due:  # counting the day in progress: the first working day after the last one is 1 day late
        overdue = calendar.workdays_between(last_day(due) + timedelta(days=1), at.astimezone(clock.TZ).date()
                                            + timedelta(days=1))
    return used, remaining, overdue


def case_pauses(session: Session, case: Case, calendar: WorkCalendar, now: datetime | None = None) -> list[Pause]:
    """The periods the legal clock stood still after acceptance, from the case's status events."""
    if case.accepted_at is None:
        return []
    now = now or clock.now()
    events = session.execute(select(AuditEvent.created_at, AuditEvent.status)
                             .where(AuditEvent.case_id == case.id, AuditEvent.action == "status",
                                    AuditEvent.status.is_not(None))
                             .order_by(AuditEvent.seq)).all()
    pauses, current = [], None
    for at, status in events:
        if current is not None and status not in _PAUSE_STARTS:
            pauses.append(_pause(calendar, current, at))
            current = None
        elif current is None and status in _PAUSE_STARTS and at >= case.accepted_at:
            current = (_PAUSE_STARTS[status], at)
    if current is not None:
        pauses.append(_pause(calendar, current, None, now))
    return pauses


def _pause(calendar, current, ended_at, now=None) -> Pause:
    reason, started = current
    end = ended_at or now
    days = calendar.workdays_between(started.astimezone(clock.TZ).date(), end.astimezone(clock.TZ).date())
    return Pause(reason, started, ended_at, days)


def case_clock_of(session: Session | None, case: Case, calendar: WorkCalendar, now: datetime | None = None,
                  with_pauses: bool = True) -> Clock:
    """The case's clock on its promised limit: used working days (paused ones not counted), remaining,
    overdue, level; the pause periods when `with_pauses` (one indexed query; lists pass False)."""
    now = now or clock.now()
    final = case.status in FINAL
    at = case.concluded_at or (case.updated_at if final else None) or case.paused_at or now
    pauses = tuple(case_pauses(session, case, calendar, now)) if with_pauses and session is not None else ()
    used, remaining, overdue = _span(calendar, case.accepted_at, case.promised_due_at, at)
    used = max(used - case.paused_workdays, 0)  # a running pause is already cut off: `at` is its start
    level = "normal" if final else case.warning_level
    return Clock(case.accepted_at, case.promised_due_at, used, remaining, overdue, level,
                 paused=case.paused_at is not None, pauses=pauses, statutory_due_at=case.statutory_due_at,
                 finished_at=case.concluded_at if final else None)


def step_level(task: HumanTask, case_level: str, now: datetime) -> str:
    """A step's level: red when its case is overdue, yellow when its own limit passed or its case warns."""
    if task.state != "open":
        return "normal"
    if case_level == "red":
        return "red"
    if task.due_at is not None and now >= task.due_at:
        return "yellow"
    return case_level


def step_clock_of(task: HumanTask, case: Case, calendar: WorkCalendar, now: datetime | None = None) -> Clock:
    """A step's own clock: from the step's arrival to its own limit (`due_at`), stopped when it was done."""
    now = now or clock.now()
    at = task.completed_at or case.paused_at or now
    used, remaining, overdue = _span(calendar, task.created_at, task.due_at, at)
    case_level = "normal" if case.status in FINAL else case.warning_level
    return Clock(task.created_at, task.due_at, used, remaining, overdue, step_level(task, case_level, now),
                 paused=case.paused_at is not None, finished_at=task.completed_at)


def step_level_sql(now: datetime):
    """`step_level` as an SQL expression over `human_task` joined to `case_file` (the desk's filters)."""
    return sql_case((Case.warning_level == "red", "red"),
                    (HumanTask.due_at <= now, "yellow"), else_=Case.warning_level)

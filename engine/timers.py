"""Waking cases whose time has come: BPMN timers and the legal clock's warning levels.

Each due case is claimed and handled in its own transaction: `FOR UPDATE SKIP LOCKED` on PostgreSQL
(several scheduler processes share the work and never take the same case), an exclusive write
transaction on SQLite. The firing is committed with the claim, so a timer fires exactly once, and
timers that fell due while nothing ran are found by the first pass after a restart.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import func, select

from . import audit, calendar_store, clock, progress
from .db import Database
from .errors import WorkflowFault
from .models import Case

log = logging.getLogger(__name__)
RETRY_SECONDS = 60

# Called with the earliest new wake-up time after a transaction that set one (the in-process scheduler).
wake_listeners: list[Callable[[datetime], None]] = []


def notify_wake(times) -> None:
    due = [t for t in times if t is not None]
    if due and wake_listeners:
        earliest = min(due)
        for listener in list(wake_listeners):
            listener(earliest)


def fire_due(db: Database, now: datetime | None = None, limit: int = 1000) -> int:
    """Handle every case due by `now` (default: the clock's now). Returns how many cases were woken."""
    woken = 0
    while woken < limit:
        at = now or clock.now()
        case_id = _wake_one(db, at)
        if case_id is None:
            break
        woken += 1
    return woken


def _wake_one(db: Database, at: datetime) -> int | None:
    try:
        with db.write() as session:
            case = session.scalar(select(Case).where(Case.next_wake_at <= at).order_by(Case.next_wake_at)
                                  .limit(1).with_for_update(skip_locked=True))
            if case is None:
                return None
            calendar = calendar_store.calendar_for(session)
            before = case.status
            workflow = progress.open_workflow(session, case, calendar)
            progress.advance(session, case, workflow, calendar)
            if case.next_wake_at is not None and case.next_wake_at <= at:
                # Something due did not fire (a timer SpiffWorkflow still considers waiting): look again
                # later instead of spinning on this case.
                log.warning("case %s still due after waking; retrying in %ss", case.case_no, RETRY_SECONDS)
                case.next_wake_at = at + timedelta(seconds=RETRY_SECONDS)
            audit.record(session, "wake", case=case, status=case.status if case.status != before else None,
                         detail={"due": at.isoformat()})
            return case.id
    except WorkflowFault as fault:
        # The diagram failed at run time: park the case for a person instead of retrying forever.
        return _park(db, at, fault)


def _park(db: Database, at: datetime, fault: WorkflowFault) -> int | None:
    with db.write() as session:
        case = session.scalar(select(Case).where(Case.next_wake_at <= at).order_by(Case.next_wake_at)
                              .limit(1).with_for_update(skip_locked=True))
        if case is None:
            return None
        case.fault, case.next_wake_at, case.updated_at = fault.message, None, clock.now()
        audit.record(session, "workflow_fault", case=case, detail={"message": fault.message})
        log.error("case %s parked: %s", case.case_no, fault.message)
        return case.id


def next_due(db: Database) -> datetime | None:
    """The earliest wake-up time of any case, for the scheduler to sleep until."""
    with db.read() as session:
        return session.scalar(select(func.min(Case.next_wake_at)))

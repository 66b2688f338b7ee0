"""Waking cases whose time has come: BPMN timers and the legal clock's warning levels.

Due cases are claimed in small batches, each batch handled in one transaction: `FOR UPDATE SKIP LOCKED`
on PostgreSQL (several scheduler processes share the work and never take the same case), an exclusive
write transaction on SQLite. A case that fails (its diagram, or anything else it raises, BaseExceptions
included) is parked alone as a workflow fault and the rest of its batch fires; a database or disk failure
postpones it instead. The firing is committed with the claim, so a timer fires exactly once, and timers
that fell due while nothing ran are found by the first pass after a restart.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from . import audit, calendar_store, clock, progress, supervision
from .db import Database
from .errors import Conflict, WorkflowFault, stops_the_process
from .i18n import _
from .models import Case, CaseTimer, CaseWorkflow

log = logging.getLogger(__name__)
RETRY_SECONDS = 60
BATCH_SIZE = 50  # due cases woken per transaction

# Called with the earliest new wake-up time after a transaction that set one (the in-process scheduler).
wake_listeners: list[Callable[[datetime], None]] = []


def notify_wake(times) -> None:
    due = [t for t in times if t is not None]
    if due and wake_listeners:
        earliest = min(due)
        for listener in list(wake_listeners):
            listener(earliest)


def fire_due(db: Database, now: datetime | None = None, limit: int = 1000, batch: int | None = None) -> int:
    """Handle every case due by `now` (default: the clock's now). Returns how many cases were woken.

    Due cases are claimed `batch` at a time, oldest due first, and woken in one transaction: the commit
    and the audit chain's head are paid once per batch instead of once per case."""
    batch = batch or BATCH_SIZE
    woken = 0
    while woken < limit:
        at = now or clock.now()
        handled = _wake_batch(db, at, min(batch, limit - woken))
        if not handled:
            break
        woken += handled
    return woken


def _wake_batch(db: Database, at: datetime, size: int) -> int:
    faulty: list[int] = []
    try:
        with db.write() as session:
            due = session.scalars(select(Case).where(Case.next_wake_at <= at).order_by(Case.next_wake_at)
                                  .limit(size).with_for_update(skip_locked=True)).all()
            if not due:
                return 0
            calendar = calendar_store.calendar_for(session)
            # One query for the batch's workflows (kept referenced: the identity map holds rows weakly);
            # their changes are flushed once, at commit.
            _loaded = session.scalars(select(CaseWorkflow).where(CaseWorkflow.case_id.in_([c.id for c in due]))).all()
            with session.no_autoflush:
                for case in due:
                    faulty[:] = [case.id]
                    _wake(session, case, calendar, at)
            return len(due)
    except BaseException as exc:
        # Anything one case raises, BaseExceptions included, is that case's: the pass goes on.
        if stops_the_process(exc) or not faulty:
            raise
        if size > 1:
            # One case failed and the whole batch rolled back: go again one case per transaction, so the
            # others fire and only the failing case is parked (or postponed).
            return sum(_wake_batch(db, at, 1) for _ in range(size))
        if isinstance(exc, INFRASTRUCTURE):
            return _postpone(db, faulty[0], at, exc)
        # The diagram (or its data) failed at run time: park the case for a person instead of retrying forever.
        return _park(db, faulty[0], _fault_of(db, faulty[0], exc))


# Failures of the database or the disk rather than of the case: retried later, never parked.
INFRASTRUCTURE = (SQLAlchemyError, Conflict, OSError)


def _fault_of(db: Database, case_id: int, exc: BaseException) -> str:
    if isinstance(exc, WorkflowFault):
        return exc.message
    with db.read() as session:
        case_no = session.scalar(select(Case.case_no).where(Case.id == case_id))
    return _("办件 %(no)s 唤醒时出错：%(err)s。请联系业务分析员检查流程图。", no=case_no,
             err=f"{type(exc).__name__}: {exc}".splitlines()[0][:500])


def _postpone(db: Database, case_id: int, at: datetime, exc: BaseException) -> int:
    log.error("waking case %s failed, retrying in %ss: %s", case_id, RETRY_SECONDS, exc, exc_info=exc)
    with db.write() as session:
        case = session.scalar(select(Case).where(Case.id == case_id, Case.next_wake_at <= at)
                              .with_for_update(skip_locked=True))
        if case is None:
            return 0
        case.next_wake_at = at + timedelta(seconds=RETRY_SECONDS)
        return 1


def _wake(session, case: Case, calendar, at: datetime) -> None:
    before = case.status
    fired = list(session.scalars(select(CaseTimer).where(CaseTimer.case_id == case.id, CaseTimer.due_at <= at)))
    fired = [(timer.name, timer.task_uuid) for timer in fired]  # the rows are replaced by advancing
    session.info.pop("new_tasks", None)
    workflow = progress.open_workflow(session, case, calendar)
    progress.advance(session, case, workflow, calendar)
    supervision.after_wake(session, case, fired, at)
    if case.next_wake_at is not None and case.next_wake_at <= at:
        # Something due did not fire (a timer SpiffWorkflow still considers waiting): look again
        # later instead of spinning on this case.
        log.warning("case %s still due after waking; retrying in %ss", case.case_no, RETRY_SECONDS)
        case.next_wake_at = at + timedelta(seconds=RETRY_SECONDS)
    audit.record(session, "wake", case=case, status=case.status if case.status != before else None,
                 detail={"due": at.isoformat()})


def _park(db: Database, case_id: int, message: str) -> int:
    with db.write() as session:
        case = session.scalar(select(Case).where(Case.id == case_id, Case.next_wake_at.is_not(None))
                              .with_for_update(skip_locked=True))
        if case is None:  # another scheduler got to it first
            return 0
        case.fault, case.next_wake_at, case.updated_at = message, None, clock.now()
        audit.record(session, "workflow_fault", case=case, detail={"message": message})
        log.error("case %s parked: %s", case.case_no, message)
        return 1


def next_due(db: Database) -> datetime | None:
    """The earliest wake-up time of any case, for the scheduler to sleep until."""
    with db.read() as session:
        return session.scalar(select(func.min(Case.next_wake_at)))

"""The case event feed for department systems: the audit trail's case events, read by their sequence number.

An event is shaped like a record of the national data exchange (DOMAIN.md): case number, department,
handler, status code, opinion, time. Events that are not status transitions (a claim, a completed step)
carry `status: null`. The audit `seq` only grows, so `after=<seq>` is a cursor that never skips nor repeats.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import status as statuses
from .models import AuditEvent, Case, Department


def event_type(action: str) -> str:
    """The public name of an audit action on a case (`case.status`, `case.submit`, `case.complete` ...)."""
    return f"case.{action}"


def describe(seq: int, action: str, case_no: str | None, department: str | None, handler: str | None,
             status: int | None, opinion: str | None, created_at) -> dict:
    return {"seq": seq, "type": event_type(action), "case_no": case_no, "department": department,
            "handler": handler, "status": status, "status_label": statuses.label(status) if status else None,
            "opinion": opinion, "time": created_at.isoformat()}


def events_after(session: Session, department_ids: list[int] | None, after: int, limit: int) -> list[dict]:
    """Case events with `seq > after`, oldest first, of cases in `department_ids` (None: every department)."""
    query = (select(AuditEvent.seq, AuditEvent.action, AuditEvent.case_no, Department.code, AuditEvent.actor_name,
                    AuditEvent.status, AuditEvent.opinion, AuditEvent.created_at)
             .join(Case, Case.id == AuditEvent.case_id).join(Department, Department.id == Case.department_id)
             .where(AuditEvent.seq > after).order_by(AuditEvent.seq).limit(limit))
    if department_ids is not None:
        query = query.where(Case.department_id.in_(department_ids))
    return [describe(*row) for row in session.execute(query)]

"""What the public status lookup tells an applicant about their case: the statuses with the replies meant
for them, and what they must do next.

Only what is written for the applicant leaves here: the opinion of a status change the applicant is told
about (the same statuses engine.messages writes to them: acceptance, supplement, refusal, special procedure,
conclusion) and the fields and materials a supplement request names. Internal notes of reviewers stay in.
Reads indexed rows only (`audit_event` by case, `fee_charge`), never the workflow.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import fees
from .messages import BY_STATUS
from .models import AuditEvent, Case, Department
from .status import CaseStatus

TOLD_STATUSES = frozenset(int(s) for s in BY_STATUS)


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    status: int
    department: str
    reply: str = ""                   # the opinion written for the applicant, if any
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class NextAction:
    """kind: supplement / pay / collect / read_decision / wait / none."""

    kind: str
    due_at: datetime | None = None
    supplement_detail: dict = field(default_factory=dict)
    fees: list = field(default_factory=list)


def timeline(session: Session, case: Case) -> list[PublicStep]:
    """Submission and every status change, oldest first, with the replies the applicant is meant to read."""
    events = session.execute(
        select(AuditEvent.created_at, AuditEvent.status, AuditEvent.department_code, AuditEvent.opinion,
               AuditEvent.detail)
        .where(AuditEvent.case_id == case.id, AuditEvent.action.in_(("submit", "status")),
               AuditEvent.status.is_not(None))
        .order_by(AuditEvent.seq)).all()
    codes = {code for _at, _s, code, _o, _d in events if code}
    names = dict(session.execute(select(Department.code, Department.name).where(Department.code.in_(codes))).all()) \
        if codes else {}
    steps = []
    for at, status, code, opinion, detail in events:
        told = status in TOLD_STATUSES
        steps.append(PublicStep(at, status, names.get(code, ""), (opinion or "") if told else "",
                                _supplement_part(detail) if status == CaseStatus.SUPPLEMENT_REQUESTED else {}))
    return steps


def _supplement_part(detail: dict | None) -> dict:
    detail = detail or {}
    return {key: list(detail.get(key) or []) for key in ("supplement_fields", "supplement_materials")}


def next_action(session: Session, case: Case, steps: list[PublicStep] | None = None) -> NextAction:
    """What the applicant must do now: answer a supplement request, pay, collect the result, or wait."""
    status = case.status
    if status == CaseStatus.SUPPLEMENT_REQUESTED:
        steps = steps if steps is not None else timeline(session, case)
        request = next((s for s in reversed(steps) if s.status == CaseStatus.SUPPLEMENT_REQUESTED), None)
        return NextAction("supplement", case.supplement_due_at, request.detail if request else {})
    due = fees.unpaid(session, case.id)
    if due and status not in (CaseStatus.DENIED, CaseStatus.REFUSED, CaseStatus.NOT_ACCEPTED,
                              CaseStatus.WITHDRAWN, CaseStatus.WITHDRAWN_BEFORE_ACCEPT, CaseStatus.REVOKED):
        return NextAction("pay", fees=due)
    if status in (CaseStatus.APPROVED, CaseStatus.APPROVED_TOLERATED):
        return NextAction("collect")
    if status in (CaseStatus.DENIED, CaseStatus.REFUSED, CaseStatus.NOT_ACCEPTED):
        return NextAction("read_decision")
    if status in (CaseStatus.WITHDRAWN, CaseStatus.WITHDRAWN_BEFORE_ACCEPT, CaseStatus.REVOKED):
        return NextAction("none")
    return NextAction("wait", case.promised_due_at)

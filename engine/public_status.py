"""What the public status lookup tells an applicant about their case: the statuses with the replies meant
for them, and what they must do next.

Only what is written for the applicant leaves here: the opinion of a status change whose message to the
applicant carries it as the reason (supplement, refusal, special procedure, conclusion; see engine.messages),
the reason of an approved extension, and the fields and materials a supplement request names. Internal notes of reviewers stay in.
Reads indexed rows only (`audit_event` by case, `fee_charge`), never the workflow.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import fees
from .messages import BY_STATUS
from .models import AuditEvent, Case, Department, Extension
from .status import CaseStatus

# The statuses whose opinion the applicant's message carries as the reason (engine.messages writes a message
# for every status in BY_STATUS; the acceptance's carries only the promised date, not the clerk's note).
TOLD_STATUSES = frozenset(int(s) for s in BY_STATUS) - {int(CaseStatus.ACCEPTED)}


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    status: int | None                # None for an approved extension of the limit
    department: str
    reply: str = ""                   # the opinion written for the applicant, if any
    detail: dict = field(default_factory=dict)
    extension_days: int | None = None


@dataclass(frozen=True)
class NextAction:
    """kind: supplement / pay / collect / read_decision / wait / none."""

    kind: str
    due_at: datetime | None = None
    supplement_detail: dict = field(default_factory=dict)
    fees: list = field(default_factory=list)


def timeline(session: Session, case: Case) -> list[PublicStep]:
    """Submission, every status change and every approved extension (延期, with the reason the applicant is
    told), oldest first, with the replies the applicant is meant to read."""
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
    extensions = session.execute(select(Extension.decided_at, Extension.days, Extension.reason)
                                 .where(Extension.case_id == case.id, Extension.state == "approved")).all()
    department = case.department.name if extensions else ""
    steps += [PublicStep(at, None, department, reason, extension_days=days) for at, days, reason in extensions]
    return sorted(steps, key=lambda step: step.at)


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

"""Complaints (投诉) through the stages of GB/T 36113, each with a handler and a time limit.

A complaint is received → investigating → resolved → replied → archived (`inquiries.STATUSES`). Each stage
but the last is a `ComplaintStage` row: its handler (a staff member a complaint officer picks,
`permissions.may_assign_complaint`), when it started and when it is due, counted in working days by the
one calendar (`calendar_store`). The stage a complaint is in is its one open row; the supervision desk lists
open rows past their due time. Every step is also a `ComplaintEvent` (who, when, which stage, note), an
append-only history, and an audit event.

`engine.inquiries` moves complaints (submit, advance, answer) and calls `enter_stage` in its transaction;
this module owns the limits, the handler assignment and the lists.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit, calendar_store, clock
from .db import Database
from .errors import InvalidInput
from .i18n import _
from .models import ComplaintEvent, ComplaintStage, Department, Inquiry, User
from .permissions import may_answer_inquiry, may_assign_complaint, supervised_departments

# Working days each stage may take, counted from the working day after it starts (the one place these live;
# docs/supervision.md explains them). GB/T 36113 asks for a limit per stage and leaves the numbers to the
# centre; these follow the common practice of Chinese service centres:
STAGE_LIMITS = {
    "received": 1,       # register the complaint and name an investigator (登记、分办): next working day
    "investigating": 5,  # investigate and verify (调查核实)
    "resolved": 2,       # decided how it is dealt with; reply to the complainant (答复)
    "replied": 3,        # file the case (归档)
}
ACTIONS = {"received": _("登记受理"), "assigned": _("指定经办人"), "advanced": _("转入本环节"),
           "replied": _("答复投诉人")}
MAX_NOTE = 2000
PAGE_SIZE = 50


def open_stage(session: Session, inquiry_id: int) -> ComplaintStage | None:
    """The stage a complaint is in (None once archived, or for other kinds of inquiry)."""
    return session.scalar(select(ComplaintStage).where(ComplaintStage.inquiry_id == inquiry_id,
                                                       ComplaintStage.completed_at.is_(None))
                          .order_by(ComplaintStage.id.desc()).limit(1))


def enter_stage(session: Session, inquiry: Inquiry, stage: str, actor: User | None, action: str,
                note: str | None = None, handler_id: int | None = None) -> ComplaintStage | None:
    """Close the complaint's current stage and open `stage` (none for `archived`), inside the caller's
    transaction. The new stage keeps the previous handler unless `handler_id` names another."""
    now = clock.now()
    current = open_stage(session, inquiry.id)
    if current is not None:
        current.completed_at, current.completed_by_id = now, actor.id if actor else None
        handler_id = handler_id or current.handler_id
    opened = None
    if stage in STAGE_LIMITS:
        limit = STAGE_LIMITS[stage]
        opened = ComplaintStage(inquiry_id=inquiry.id, stage=stage, department_id=inquiry.department_id,
                                handler_id=handler_id, started_at=now, limit_days=limit,
                                due_at=calendar_store.calendar_for(session).due_at(now, limit))
        session.add(opened)
    record_event(session, inquiry, stage, action, actor, handler_id, note)
    return opened


def record_event(session: Session, inquiry: Inquiry, stage: str, action: str, actor, handler_id,
                 note) -> None:
    """One history entry and its audit event, inside the caller's transaction."""
    session.add(ComplaintEvent(inquiry_id=inquiry.id, stage=stage, action=action, handler_id=handler_id,
                               actor_id=actor.id if actor else None, note=note or None,
                               created_at=clock.now()))
    department = session.get(Department, inquiry.department_id) if inquiry.department_id else None
    audit.record(session, f"complaint_{action}", actor=actor, opinion=note or None,
                 department_code=department.code if department else None,
                 detail={"reference": inquiry.reference, "stage": stage, "handler": handler_id})


def check_note(note: str, required: bool = False, what: str = "note") -> str:
    """A history note, trimmed; too long (or missing when required) is `InvalidInput` naming the field."""
    note = (note or "").strip()
    if required and not note:
        raise InvalidInput(_("请填写办理说明。"), {what: [_("请填写办理说明。")]})
    if len(note) > MAX_NOTE:
        raise InvalidInput(_("办理说明过长。"), {what: [_("办理说明不能超过 %(n)d 个字。", n=MAX_NOTE)]})
    return note


def may_be_handler(session: Session, user: User | None, department_id: int | None) -> bool:
    """A stage's handler is a staff member who may answer the department's inquiries."""
    return user is not None and user.kind == "staff" and may_answer_inquiry(session, user, department_id)


def handler_choices(session: Session, department_id: int | None) -> list[User]:
    """Staff who may handle a stage of a complaint about this department: its staff, and the supervisors
    who watch it."""
    from .models import UserRole
    from .permissions import SUPERVISION_ROLES

    supervisors = select(UserRole.user_id).where(UserRole.role.in_(SUPERVISION_ROLES))
    ours = (User.department_id == department_id) | User.id.in_(supervisors)
    rows = session.scalars(select(User).where(User.kind == "staff", User.is_active.is_(True), ours)
                           .order_by(User.department_id, User.username).limit(300))
    return [user for user in rows if may_be_handler(session, user, department_id)]


def assign(db: Database, officer: User, reference: str, handler_id: int | None,
           note: str = "") -> ComplaintStage:
    """A complaint officer names the handler of the complaint's current stage (its due time stays)."""
    from .inquiries import locked

    note = check_note(note)
    with db.write() as session:
        inquiry = locked(session, reference, officer, _("您不能为该投诉指定经办人。"),
                         lambda staff, found: may_assign_complaint(session, staff, found.department_id))
        stage = open_stage(session, inquiry.id)
        if stage is None:
            raise InvalidInput(_("该投诉已归档，不能再指定经办人。"), {"handler": [_("该投诉已归档。")]})
        handler = session.get(User, handler_id) if handler_id else None
        if handler is None or not may_be_handler(session, handler, inquiry.department_id):
            raise InvalidInput(_("请选择经办人。"), {"handler": [_("请从列表中选择本部门工作人员或监察人员。")]})
        stage.handler_id = handler.id
        inquiry.updated_at = clock.now()
        record_event(session, inquiry, stage.stage, "assigned", officer, handler.id, note)
        session.flush()
        return stage


def history(session: Session, inquiry_id: int) -> list[ComplaintEvent]:
    """Everything that happened to a complaint, oldest first."""
    return list(session.scalars(select(ComplaintEvent).where(ComplaintEvent.inquiry_id == inquiry_id)
                                .order_by(ComplaintEvent.created_at, ComplaintEvent.id)))


def stages_of(session: Session, inquiry_id: int) -> list[ComplaintStage]:
    return list(session.scalars(select(ComplaintStage).where(ComplaintStage.inquiry_id == inquiry_id)
                                .order_by(ComplaintStage.started_at, ComplaintStage.id)))


@dataclass(frozen=True)
class StagePage:
    stages: list[ComplaintStage]
    page: int
    has_next: bool
    now: datetime


def open_stages(session: Session, user: User, overdue_only: bool = True, department_id: int | None = None,
                page: int = 1, size: int = PAGE_SIZE) -> StagePage:
    """Open complaint stages in the supervisor's departments, earliest due first (`ix_complaint_stage_due`);
    only those past their due time unless `overdue_only` is False."""
    now = clock.now()
    query = select(ComplaintStage).where(ComplaintStage.completed_at.is_(None))
    if overdue_only:
        query = query.where(ComplaintStage.due_at <= now)
    scope = supervised_departments(session, user)
    if scope is not None:
        query = query.where(ComplaintStage.department_id.in_(scope or [-1]))
    if department_id is not None:
        query = query.where(ComplaintStage.department_id == department_id)
    found = list(session.scalars(query.order_by(ComplaintStage.due_at, ComplaintStage.id)
                                 .offset((max(page, 1) - 1) * size).limit(size + 1)))
    return StagePage(found[:size], page, len(found) > size, now)


def overdue_count(session: Session, user: User) -> int:
    """How many open complaint stages in the supervisor's departments are past their due time."""
    query = select(func.count()).select_from(ComplaintStage).where(ComplaintStage.completed_at.is_(None),
                                                                  ComplaintStage.due_at <= clock.now())
    scope = supervised_departments(session, user)
    if scope is not None:
        query = query.where(ComplaintStage.department_id.in_(scope or [-1]))
    return session.scalar(query) or 0


def for_staff(session: Session, user: User, limit: int = 100) -> list[ComplaintStage]:
    """Open complaint stages a workbench user works on: those they handle, and their department's (which
    they may take up while unassigned, or assign as its section head)."""
    mine = ComplaintStage.handler_id == user.id
    if user.department_id is not None:
        mine = mine | (ComplaintStage.department_id == user.department_id)
    return list(session.scalars(select(ComplaintStage).where(ComplaintStage.completed_at.is_(None), mine)
                                .order_by(ComplaintStage.due_at, ComplaintStage.id).limit(limit)))


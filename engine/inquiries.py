"""Consultations (网上咨询), complaints (投诉) and suggestions (建议) from the public, without an account.

`submit` stores one and hands back a reference number to keep; `lookup` needs that reference and the
contact given with it (an unknown reference and a wrong contact read the same); staff `answer`, and may
mark an answered consultation public, which puts it on the portal's list of answers.

Statuses: consultations and suggestions go received → answered → closed; complaints follow GB/T 36113:
received → investigating → resolved → replied → archived (the supervision work moves them through the
middle stages; answering a complaint is its reply).
"""
from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import clock, complaints
from .db import Database
from .errors import Forbidden, InvalidInput, InvalidState, NotFound
from .i18n import _
from .models import Department, Inquiry, Item, User
from .permissions import may_answer_inquiry, may_assign_complaint, may_handle_complaint, supervised_departments

CONSULTATION, COMPLAINT, SUGGESTION = "consultation", "complaint", "suggestion"
KINDS = {CONSULTATION: _("咨询"), COMPLAINT: _("投诉"), SUGGESTION: _("建议")}
PREFIXES = {CONSULTATION: "ZX", COMPLAINT: "TS", SUGGESTION: "JY"}
STATUSES = {CONSULTATION: ("received", "answered", "closed"), SUGGESTION: ("received", "answered", "closed"),
            COMPLAINT: ("received", "investigating", "resolved", "replied", "archived")}
STATUS_LABELS = {"received": _("已受理"), "answered": _("已答复"), "closed": _("已办结"),
                 "investigating": _("调查核实中"), "resolved": _("已处理"), "replied": _("已答复"),
                 "archived": _("已归档")}
ANSWERED = {CONSULTATION: "answered", SUGGESTION: "answered", COMPLAINT: "replied"}
PAGE_SIZE = 10
LIMITS = {"name": 50, "contact": 100, "subject": 100, "content": 2000, "answer": 4000}
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
REFERENCE_RE = re.compile(r"^(ZX|TS|JY)\d{6}[2-9A-HJ-NP-Z]{6}$")
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11})$")  # mobile, or area code + landline (separators dropped)
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,180}\.[A-Za-z]{2,20}$")


@dataclass(frozen=True)
class AnswerPage:
    inquiries: list[Inquiry]
    page: int
    pages: int
    total: int


def contact_key(contact: str) -> str | None:
    """The contact as compared at lookup (phone digits, lower-case e-mail), or None when it is neither."""
    text = (contact or "").strip()
    digits = re.sub(r"[\s()（）-]", "", text)
    if PHONE_RE.match(digits):
        return digits
    if EMAIL_RE.match(text):
        return text.lower()
    return None


def submit(db: Database, kind: str, name: str, contact: str, subject: str, content: str,
           item_code: str | None = None, department_code: str | None = None) -> str:
    """Store an inquiry; returns its reference number. Every field is checked before anything is written."""
    values = {"name": (name or "").strip(), "contact": (contact or "").strip(), "subject": (subject or "").strip(),
              "content": (content or "").strip()}
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [_("请选择咨询、投诉或建议。")]
    labels = {"name": _("姓名"), "contact": _("联系电话或电子邮箱"), "subject": _("主题"), "content": _("内容")}
    for field, value in values.items():
        if not value:
            errors[field] = [_("请填写%(what)s。", what=labels[field])]
        elif len(value) > LIMITS[field]:
            errors[field] = [_("%(what)s不能超过 %(n)d 个字。", what=labels[field], n=LIMITS[field])]
    key = contact_key(values["contact"])
    if "contact" not in errors and key is None:
        errors["contact"] = [_("请填写11位手机号码、带区号的固定电话（如 0756-5123456）或电子邮箱。")]
    with db.write() as session:
        item = department = None
        if item_code:
            item = session.scalar(select(Item).where(Item.code == item_code, Item.internal.is_(False)))
            if item is None:
                errors["item"] = [_("所选事项不存在。")]
        if department_code:
            department = session.scalar(select(Department).where(Department.code == department_code))
            if department is None:
                errors["department"] = [_("所选部门不存在。")]
        if department is None and item is not None:
            department = item.department
        if department is None and "department" not in errors:
            errors["department"] = [_("请选择受理部门。")]
        if errors:
            raise InvalidInput(_("提交的内容有误，请按提示修改。"), errors)
        now = clock.now()
        for _attempt in range(5):
            reference = _new_reference(kind, now)
            if session.scalar(select(Inquiry.id).where(Inquiry.reference == reference)) is None:
                break
        inquiry = Inquiry(kind=kind, reference=reference, contact_key=key, item_id=item.id if item else None,
                          department_id=department.id, status="received", is_public=False, created_at=now,
                          updated_at=now, **values)
        session.add(inquiry)
        if kind == COMPLAINT:
            session.flush()
            complaints.enter_stage(session, inquiry, "received", None, "received")
        return reference


def _new_reference(kind: str, now) -> str:
    day = now.astimezone(clock.TZ).strftime("%y%m%d")
    return PREFIXES[kind] + day + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def lookup(session: Session, reference: str, contact: str) -> Inquiry | None:
    """The inquiry if the reference exists and the contact matches the one given; None either way it fails."""
    reference = (reference or "").strip().upper()
    if not REFERENCE_RE.match(reference):
        return None
    inquiry = session.scalar(select(Inquiry).where(Inquiry.reference == reference))
    given = contact_key(contact) or "-"
    stored = inquiry.contact_key if inquiry is not None else "\0"
    matches = hmac.compare_digest(given.encode(), stored.encode())
    return inquiry if inquiry is not None and matches else None


def locked(session, reference: str, staff: User, refusal: str, check=None) -> Inquiry:
    """The inquiry by its reference, locked for this transaction, if `staff` may handle it: `check(staff,
    inquiry)` decides, `may_answer_inquiry` for the inquiry's department when none is given."""
    inquiry = session.scalar(select(Inquiry).where(Inquiry.reference == (reference or "").strip().upper())
                             .with_for_update())
    if inquiry is None:
        raise NotFound(_("没有该编号的咨询、投诉或建议。"))
    allowed = check(staff, inquiry) if check else may_answer_inquiry(session, staff, inquiry.department_id)
    if not allowed:
        raise Forbidden(refusal)
    return inquiry


def _may_move(staff: User, inquiry: Inquiry, session) -> bool:
    """A complaint is moved on by its officers and its current stage's handler; other inquiries by whoever
    may answer them."""
    if inquiry.kind != COMPLAINT:
        return may_answer_inquiry(session, staff, inquiry.department_id)
    stage = complaints.open_stage(session, inquiry.id)
    return may_handle_complaint(session, staff, inquiry.department_id, stage.handler_id if stage else None)


def answer(db: Database, staff: User, reference: str, text: str, public: bool = False) -> Inquiry:
    """Answer an inquiry (a complaint's reply). Only a consultation may be made public."""
    text = (text or "").strip()
    if not text or len(text) > LIMITS["answer"]:
        raise InvalidInput(_("答复内容有误。"), {"answer": [_("请填写答复内容，不超过 %(n)d 个字。", n=LIMITS["answer"])]})
    with db.write() as session:
        inquiry = locked(session, reference, staff, _("您不能答复该部门的咨询、投诉或建议。"),
                         lambda who, found: _may_move(who, found, session))
        if inquiry.status in ("closed", "archived"):
            raise InvalidState(_("该件已办结，不能再答复。"))
        _reply(session, inquiry, staff, text)
        inquiry.is_public = bool(public) and inquiry.kind == CONSULTATION
        session.flush()
        return inquiry


def _reply(session, inquiry: Inquiry, staff: User, text: str, handler_id: int | None = None) -> None:
    now = clock.now()
    before = inquiry.status
    inquiry.answer, inquiry.answered_at, inquiry.answered_by_id = text, now, staff.id
    inquiry.status, inquiry.updated_at = ANSWERED[inquiry.kind], now
    if inquiry.kind == COMPLAINT:
        if before == inquiry.status:  # a second reply: on the record, the stage's clock runs on
            complaints.record_event(session, inquiry, inquiry.status, "replied", staff, None, text)
        else:
            complaints.enter_stage(session, inquiry, inquiry.status, staff, "replied", text, handler_id)


def advance(db: Database, staff: User, reference: str, status: str, note: str = "",
            handler_id: int | None = None) -> Inquiry:
    """Move an inquiry to a later stage of its kind (a complaint: investigating → resolved → replied →
    archived; any: closing an answered one). Never backwards, never past the reply without an answer:
    advancing a complaint to its reply with a note replies with that note. A complaint's history keeps the
    note; a complaint officer may name the next stage's handler (`handler_id`), else the handler stays."""
    note = complaints.check_note(note)
    with db.write() as session:
        inquiry = locked(session, reference, staff, _("您不能办理该部门的咨询、投诉或建议。"),
                         lambda who, found: _may_move(who, found, session))
        stages = STATUSES[inquiry.kind]
        if status not in stages or stages.index(status) <= stages.index(inquiry.status):
            raise InvalidState(_("不能从“%(a)s”转为“%(b)s”。", a=status_label(inquiry.status),
                                 b=status_label(status)))
        if handler_id is not None and inquiry.kind == COMPLAINT:
            handler = session.get(User, handler_id)
            if not may_assign_complaint(session, staff, inquiry.department_id):
                raise Forbidden(_("只有投诉督办人员可以指定经办人。"))
            if not complaints.may_be_handler(session, handler, inquiry.department_id):
                raise InvalidInput(_("请选择经办人。"), {"handler": [_("请从列表中选择本部门工作人员或监察人员。")]})
        if inquiry.kind == COMPLAINT and status == ANSWERED[inquiry.kind] and inquiry.answer is None:
            if not note or len(note) > LIMITS["answer"]:
                raise InvalidInput(_("答复内容有误。"), {"note": [_("转入“已答复”时，请在办理说明中填写给投诉人的答复。")]})
            _reply(session, inquiry, staff, note, handler_id)
            session.flush()
            return inquiry
        if stages.index(status) >= stages.index(ANSWERED[inquiry.kind]) and inquiry.answer is None:
            raise InvalidState(_("请先答复，再办结或归档。"))
        inquiry.status, inquiry.updated_at = status, clock.now()
        if inquiry.kind == COMPLAINT:
            complaints.enter_stage(session, inquiry, status, staff, "advanced", note, handler_id)
        session.flush()
        return inquiry


def public_answers(session: Session, page: int = 1, size: int = PAGE_SIZE) -> AnswerPage:
    """Answered consultations the staff made public, newest answer first (a partial index serves it)."""
    where = (Inquiry.kind == CONSULTATION, Inquiry.is_public.is_(True), Inquiry.answered_at.is_not(None))
    total = session.scalar(select(func.count()).select_from(Inquiry).where(*where)) or 0
    rows = list(session.scalars(select(Inquiry).where(*where).order_by(Inquiry.answered_at.desc(), Inquiry.id.desc())
                                .limit(size).offset((max(page, 1) - 1) * size)))
    return AnswerPage(rows, page, max(1, -(-total // size)), total)


def awaiting_answer(session: Session, staff: User, limit: int = 50) -> list[Inquiry]:
    """Unanswered inquiries this person may answer, oldest first: their department's, and for supervisors and
    administrators those of the departments they watch (the rule is permissions.may_answer_inquiry)."""
    query = select(Inquiry).where(Inquiry.answered_at.is_(None), Inquiry.status.in_(("received", "investigating",
                                                                                      "resolved")))
    scope = supervised_departments(session, staff)
    if scope is not None:
        departments = set(scope) | ({staff.department_id} if staff.department_id is not None else set())
        if not departments:
            return []
        query = query.where(Inquiry.department_id.in_(departments))
    rows = session.scalars(query.order_by(Inquiry.created_at, Inquiry.id).limit(limit))
    return [row for row in rows if may_answer_inquiry(session, staff, row.department_id)]


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)



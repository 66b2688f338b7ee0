"""催办 (urging): a supervisor presses the handler of an open step with a message; the handler answers.

Both are audit events of the case (`urge`, `urge_answered`), so they appear in its history and trail.
The urge is shown to the step's handler (its assignee, or its group while unclaimed) on the inbox and
the task page until answered; a step may be urged again, each urge answered on its own.
"""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import audit, clock
from .cases import lock_case_of
from .db import Database
from .errors import Conflict, InvalidInput, InvalidState, NotFound
from .i18n import _
from .models import HumanTask, Urge, User
from .permissions import group_codes, may_answer_urge, may_urge

MAX_TEXT = 1000


def _text(value, field: str, what: str) -> str:
    value = (value or "").strip()
    if len(value) < 2 or len(value) > MAX_TEXT:
        message = _("请填写%(what)s（2 至 %(n)s 字）。", what=what, n=MAX_TEXT)
        raise InvalidInput(message, {field: [message]})
    return value


def urge(db: Database, task_id: int, user: User, message: str) -> int:
    """Urge the handler of an open step. Returns the urge's id."""
    message = _text(message, "message", _("催办意见"))
    with db.write() as session:
        task, case = lock_case_of(session, HumanTask, task_id, _("任务不存在。"))
        if not may_urge(session, user, task, case):
            raise NotFound(_("任务不存在。"))
        if task.state != "open":
            raise InvalidState(_("该环节已办结，无需催办。"))
        row = Urge(case_id=case.id, task_id=task.id, urged_by_id=user.id, message=message, created_at=clock.now())
        session.add(row)
        session.flush()
        audit.record(session, "urge", case=case, actor=user, opinion=message,
                     detail={"urge": row.id, "task": task.bpmn_id, "name": task.name,
                             "handler": task.assignee.display_name if task.assignee else None})
        return row.id


def answer(db: Database, urge_id: int, user: User, text: str) -> None:
    """The handler answers an urge (once)."""
    text = _text(text, "answer", _("答复内容"))
    with db.write() as session:
        row, case = lock_case_of(session, Urge, urge_id, _("催办记录不存在。"))
        task = session.get(HumanTask, row.task_id)
        if not may_answer_urge(session, user, task, case):
            raise NotFound(_("催办记录不存在。"))
        if row.answered_at is not None:
            raise Conflict(_("该催办已由 %(name)s 答复。", name=row.answered_by.display_name))
        row.answer, row.answered_by_id, row.answered_at = text, user.id, clock.now()
        audit.record(session, "urge_answered", case=case, actor=user, opinion=text,
                     detail={"urge": row.id, "task": task.bpmn_id, "name": task.name})


def urges_of_task(session: Session, task: HumanTask) -> list[Urge]:
    return list(session.scalars(select(Urge).where(Urge.task_id == task.id).order_by(Urge.created_at, Urge.id)))


def waiting_for(session: Session, user: User, limit: int = 20) -> list[Urge]:
    """Unanswered urges on the open steps the user handles (claimed by them, or unclaimed in their groups)."""
    codes = group_codes(session, user)
    mine = HumanTask.assignee_id == user.id
    who = or_(mine, HumanTask.assignee_id.is_(None) & HumanTask.group_code.in_(codes)) if codes else mine
    return list(session.scalars(select(Urge).join(HumanTask, HumanTask.id == Urge.task_id)
                                .where(Urge.answered_at.is_(None), HumanTask.state == "open", who)
                                .order_by(Urge.created_at.desc()).limit(limit)))

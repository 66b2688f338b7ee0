"""Yellow and red cards (黄牌 / 红牌): handed out in the transaction that sees a case or step run late.

When a card is given:
- the case turns yellow (≤ `warning_days` working days left) or red (its promised limit passed): one card,
  on the step that holds the case (its oldest open staff step);
- a step's own limit (`human_task.due_at`) passes: a yellow card on that step, once, even while the case is in
  time (the scheduler wakes at every step's due time for it, see `progress._set_next_wake`);
- a BPMN boundary timer fires on a step: a red card naming the step it interrupted and, when the diagram
  hands the case to another step (the construction permit's 科长督办), the step it was reassigned to.

The card is the notice: it is addressed to the step's handler (or its group while unclaimed) and to the
section heads of the step's department, who all see it on their workbench until one acknowledges it.
Nothing is sent outside the platform (see docs/supervision.md).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import audit, clock
from .db import Database
from .errors import Forbidden, NotFound
from .i18n import _
from .models import Case, HumanTask, SupervisionCard, User
from .permissions import APPLICANT_GROUP, SECTION_HEAD, group_codes, may_acknowledge_card

REASONS = {"step_overdue": _("环节超时"), "case_warning": _("办件预警"), "case_overdue": _("办件超期"),
           "boundary_timer": _("超时自动升级")}


def _holding_step(session: Session, case: Case) -> HumanTask | None:
    rows = [row for row in session.scalars(select(HumanTask).where(HumanTask.case_id == case.id,
                                                                   HumanTask.state == "open")
                                           .order_by(HumanTask.created_at, HumanTask.id)) if row.state == "open"]
    staff = [row for row in rows if row.group_code != APPLICANT_GROUP]
    return staff[0] if staff else None


def _give(session: Session, case: Case, task: HumanTask | None, colour: str, reason: str, message: str,
          now: datetime, reassigned: HumanTask | None = None) -> SupervisionCard:
    card = SupervisionCard(case=case, task=task, colour=colour, reason=reason, message=message,
                           department_id=(task.department_id if task is not None else None) or case.department_id,
                           handler_id=task.assignee_id if task is not None else None,
                           group_code=task.group_code if task is not None and task.assignee_id is None else None,
                           reassigned_task=reassigned, created_at=now)
    session.add(card)
    audit.record(session, "card", case=case, detail={"colour": colour, "reason": reason, "message": message,
                                                     "name": str(REASONS[reason]),
                                                     "task": task.bpmn_id if task is not None else None})
    return card


def on_case_level(session: Session, case: Case, before: str, level: str, now: datetime) -> None:
    """The case's warning level rose: a yellow card at warning, a red one at overdue (never on the way down)."""
    order = {"normal": 0, "yellow": 1, "red": 2}
    if order.get(level, 0) <= order.get(before, 0):
        return
    step = _holding_step(session, case)
    where = _("（当前环节：%(step)s）", step=step.name) if step is not None else ""
    if level == "red":
        message = _("办件 %(no)s 已超过承诺办结时限%(where)s。", no=case.case_no, where=where)
        _give(session, case, step, "red", "case_overdue", message, now)
    else:
        message = _("办件 %(no)s 距承诺办结时限已不足预警天数%(where)s，请抓紧办理。", no=case.case_no, where=where)
        _give(session, case, step, "yellow", "case_warning", message, now)


def after_wake(session: Session, case: Case, fired: list[tuple[str | None, str | None]], now: datetime) -> None:
    """After the scheduler woke a case: red cards for the boundary timers that fired (with the step each
    interrupted and where the diagram sent the case), yellow cards for steps past their own limit."""
    new_tasks = [row for row in session.info.pop("new_tasks", []) if row.case is case and row.state in (None, "open")]
    for timer_name, task_uuid in fired:
        if task_uuid is None:
            continue  # an intermediate timer (a wait written in the diagram) is no escalation
        step = session.scalar(select(HumanTask).where(HumanTask.task_uuid == task_uuid))
        if step is None or step.state == "done":
            continue
        target = new_tasks[0] if new_tasks else None
        name = step.name
        if target is not None:
            message = _("办件 %(no)s 的“%(step)s”环节超时（%(timer)s），已按流程改派至“%(target)s”。",
                        no=case.case_no, step=name, timer=timer_name or "", target=target.name)
        else:
            message = _("办件 %(no)s 的“%(step)s”环节超时（%(timer)s）。", no=case.case_no, step=name,
                        timer=timer_name or "")
        _give(session, case, step, "red", "boundary_timer", message, now, reassigned=target)
    carded = set(session.scalars(select(SupervisionCard.task_id).where(
        SupervisionCard.case_id == case.id, SupervisionCard.reason == "step_overdue")))
    for step in session.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == "open",
                                                        HumanTask.due_at <= now)):
        if step.state == "open" and step.id not in carded and step.group_code != APPLICANT_GROUP:
            message = _("办件 %(no)s 的“%(step)s”环节已超过本环节时限。", no=case.case_no, step=step.name)
            _give(session, case, step, "yellow", "step_overdue", message, now)


def _addressed_to(session: Session, user: User):
    """Cards addressed to the user: as the step's handler, to one of their groups, or as section head."""
    conditions = [SupervisionCard.handler_id == user.id]
    codes = group_codes(session, user)
    if codes:
        conditions.append(SupervisionCard.group_code.in_(codes))
    if SECTION_HEAD in user.role_names and user.department_id is not None:
        conditions.append(SupervisionCard.department_id == user.department_id)
    return or_(*conditions)


def notices_for(session: Session, user: User, limit: int = 20) -> list[SupervisionCard]:
    """The user's unacknowledged cards, newest first (their workbench shows them as notices)."""
    return list(session.scalars(select(SupervisionCard).where(SupervisionCard.acknowledged_at.is_(None),
                                                              _addressed_to(session, user))
                                .order_by(SupervisionCard.created_at.desc(), SupervisionCard.id.desc()).limit(limit)))


def acknowledge(db: Database, card_id: int, user: User) -> None:
    """A recipient has read the card (签收); it leaves everyone's notices and stays on the record."""
    with db.write() as session:
        card = session.scalar(select(SupervisionCard).where(SupervisionCard.id == card_id).with_for_update())
        if card is None:
            raise NotFound(_("提醒不存在。"))
        if not may_acknowledge_card(session, user, card):
            raise NotFound(_("提醒不存在。"))
        if card.acknowledged_at is not None:
            return
        card.acknowledged_at, card.acknowledged_by_id = clock.now(), user.id
        audit.record(session, "card_acknowledged", case=card.case, actor=user,
                     detail={"card": card.id, "colour": card.colour, "name": str(REASONS[card.reason])})


def cards_of_case(session: Session, case: Case) -> list[SupervisionCard]:
    return list(session.scalars(select(SupervisionCard).where(SupervisionCard.case_id == case.id)
                                .order_by(SupervisionCard.created_at, SupervisionCard.id)))

"""Messages to applicants and agents (站内消息), with their e-mail and SMS copies sent from an outbox.

- `on_status`, called by `engine.progress.set_status` next to `notices.on_status`, writes a message for the
  statuses people must hear about (accepted, supplement requested, refused, concluded, special procedure)
  in the same transaction as the change: the message exists exactly when the change does.
- `notify` writes one for anything else (an extension, a rectification to rate).
- Each message gets an outbox row per external channel the person can be reached on (`outbox`); the
  scheduler sends them after the commit, retrying with backoff, so a dead mail server never slows or fails
  a clerk's action.
- `channels`: SMTP settings from the environment and the pluggable SMS gateway.
"""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import calendar, clock, versions
from ..db import Database
from ..errors import NotFound
from ..i18n import _
from ..models import Case, Message, MessageDelivery, User
from ..status import CaseStatus
from . import channels

# status -> (kind, title); the body is composed by `_body`.
BY_STATUS = {
    CaseStatus.ACCEPTED: ("accepted", _("办件已受理")),
    CaseStatus.SUPPLEMENT_REQUESTED: ("supplement", _("请补正申请材料")),
    CaseStatus.NOT_ACCEPTED: ("refused", _("办件不予受理")),
    CaseStatus.REFUSED: ("refused", _("办件不予受理")),
    CaseStatus.SPECIAL_STARTED: ("special_procedure", _("办件进入特别程序")),
    CaseStatus.APPROVED: ("concluded", _("办件已办结：准予许可")),
    CaseStatus.APPROVED_TOLERATED: ("concluded", _("办件已办结：准予许可")),
    CaseStatus.DENIED: ("concluded", _("办件已办结：不予许可")),
}
KIND_LABELS = {"accepted": _("受理"), "supplement": _("补正"), "refused": _("不予受理"), "concluded": _("办结"),
               "special_procedure": _("特别程序"), "extended": _("延期"), "rectification": _("差评整改")}
PAGE_SIZE = 20


def on_status(session: Session, case: Case, status: int, opinion: str | None = None) -> list[Message]:
    """The message a status change owes the applicant (and the agent who applied for them), if any.

    Internal cases (a rectification) carry their own messages."""
    wanted = BY_STATUS.get(status)
    if wanted is None or case.channel == "internal":
        return []
    kind, title = wanted
    return notify(session, recipients(case), case, kind, title, _body(session, case, status, opinion))


def recipients(case: Case) -> list[int]:
    """Who hears about a case: its applicant's account and the agent who submitted it, when they exist."""
    return list(dict.fromkeys(uid for uid in (case.applicant_id, case.agent_id) if uid is not None))


def notify(session: Session, user_ids, case: Case | None, kind: str, title: str, body: str) -> list[Message]:
    """Write a message to each user, and queue its e-mail / SMS copies in the outbox."""
    now = clock.now()
    made = []
    for user in session.scalars(select(User).where(User.id.in_(list(user_ids)))) if user_ids else ():
        message = Message(user_id=user.id, case=case, kind=kind, title=title, body=body, created_at=now)
        session.add(message)
        for channel, address in channels.addresses(user):
            session.add(MessageDelivery(message=message, channel=channel, address=address, state="pending",
                                        attempts=0, next_attempt_at=now, created_at=now))
            session.info["outbox"] = True  # Database.write wakes the sender after the commit
        made.append(message)
    return made


def notify_extension(session: Session, case: Case, days: int, reason: str) -> list[Message]:
    """An approved extension of the limit: the applicant is told the new date and the reason."""
    item = versions.content(session, case.item_version_id).item_name
    due = case.promised_due_at or case.statutory_due_at
    body = _("您申请的“%(item)s”（办件编号 %(no)s）办理期限延长 %(days)d 个工作日", item=item, no=case.case_no, days=days)
    body += (_("，新的办结日期为 %(date)s。", date=calendar.last_day(due).isoformat()) if due else "。")
    return notify(session, recipients(case), case, "extended", _("办件延期办理"), body + _("理由：%(text)s", text=reason))


def _body(session: Session, case: Case, status: int, opinion: str | None) -> str:
    item = versions.content(session, case.item_version_id).item_name
    head = _("您申请的“%(item)s”（办件编号 %(no)s）", item=item, no=case.case_no)
    reason = _("理由：%(text)s", text=opinion) if opinion else ""
    if status == CaseStatus.ACCEPTED:
        due = case.promised_due_at
        tail = _("承诺办结日期 %(date)s。", date=calendar.last_day(due).isoformat()) if due else ""
        return head + _("已受理。") + tail
    if status == CaseStatus.SUPPLEMENT_REQUESTED:
        due = case.supplement_due_at
        when = _("请于 %(date)s 前", date=calendar.last_day(due).isoformat()) if due else _("请尽快")
        return head + _("需要补正材料，%(when)s登录“我的办件”按补正告知书一次性补齐。", when=when) + reason
    if status in (CaseStatus.NOT_ACCEPTED, CaseStatus.REFUSED):
        return head + _("不予受理。") + reason
    if status == CaseStatus.SPECIAL_STARTED:
        return head + _("进入特别程序，所需时间不计入办理时限。") + reason
    result = _("不予许可。") if status == CaseStatus.DENIED else _("准予许可。")
    return head + _("已办结，结果：") + result + reason + _("欢迎在“我的办件”中对本次服务作出评价。")


def unread_count(session: Session, user: User) -> int:
    """Unread messages of a person, for the navigation (served by a partial index)."""
    return session.scalar(select(func.count()).select_from(Message)
                          .where(Message.user_id == user.id, Message.read_at.is_(None))) or 0


def messages_of(session: Session, user: User, page: int = 1) -> list[Message]:
    """A person's messages, newest first, `PAGE_SIZE` a page."""
    return list(session.scalars(select(Message).where(Message.user_id == user.id)
                                .order_by(Message.created_at.desc(), Message.id.desc())
                                .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)))


def message_of(session: Session, user: User, message_id: int) -> Message:
    """One of the person's own messages; anyone else's is `NotFound`, as if it did not exist."""
    message = session.get(Message, message_id)
    if message is None or message.user_id != user.id:
        raise NotFound(_("消息不存在。"))
    return message


def mark_read(db: Database, user: User, message_id: int | None = None) -> int:
    """Mark one message (or, without an id, all) of the person as read. Returns how many changed."""
    with db.write() as session:
        query = update(Message).where(Message.user_id == user.id, Message.read_at.is_(None))
        if message_id is not None:
            message_of(session, user, message_id)
            query = query.where(Message.id == message_id)
        return session.execute(query.values(read_at=clock.now())).rowcount

"""Absence substitution (代岗): a clerk names a colleague to stand in for a date range.

While it runs, the absent clerk's claimed tasks and their groups' queues show in the substitute's inbox,
and the substitute may claim and complete them (the rule itself, `standing_in_for`, lives with the other
permissions in engine.permissions). Naming,
cancelling and every task finished while standing in are in the audit trail.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from . import audit, clock
from .db import Database
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .i18n import _
from .models import GroupMember, Substitution, User
from .permissions import WORKBENCH_ROLES, may_cancel_substitution, standing_in_for  # noqa: F401  (re-exported)

MAX_DAYS = 92  # a quarter: longer absences are a reassignment, not a substitution


def name(db: Database, user: User, substitute_id, starts_on, ends_on, reason: str = "") -> int:
    """`user` will be away from `starts_on` to `ends_on` (local dates, inclusive); `substitute_id` stands in."""
    first, last = _date(starts_on), _date(ends_on)
    errors = {}
    if first is None:
        errors["starts_on"] = [_("请填写开始日期（如 2026-12-01）。")]
    if last is None:
        errors["ends_on"] = [_("请填写结束日期（如 2026-12-05）。")]
    today = clock.local_now().date()
    if first and last:
        if last < first:
            errors["ends_on"] = [_("结束日期不能早于开始日期。")]
        elif last < today:
            errors["ends_on"] = [_("结束日期已经过去。")]
        elif (last - first).days + 1 > MAX_DAYS:
            errors["ends_on"] = [_("代岗期限最长 %(n)s 天；更长的缺勤请由负责人改派任务。", n=MAX_DAYS)]
    with db.write() as session:
        substitute = session.get(User, _int(substitute_id) or 0)
        if substitute is None or substitute.id == user.id or not substitute.is_active \
                or not substitute.role_names & WORKBENCH_ROLES or not _colleagues(session, user, substitute):
            errors["substitute_id"] = [_("请选择本部门或同一办理组的在岗同事。")]
        if errors:
            raise InvalidInput(_("代岗设置有 %(n)s 处需要修改。", n=len(errors)), errors)
        overlapping = session.scalar(select(Substitution.id).where(
            Substitution.user_id == user.id, Substitution.cancelled_at.is_(None),
            Substitution.starts_on <= last, Substitution.ends_on >= first).limit(1))
        if overlapping is not None:
            raise Conflict(_("这段时间已设置了代岗人，请先取消原设置。"))
        row = Substitution(user_id=user.id, substitute_id=substitute.id, starts_on=first, ends_on=last,
                           reason=(reason or "").strip()[:500] or None, created_at=clock.now())
        session.add(row)
        audit.record(session, "substitute_named", actor=user,
                     detail={"absent": user.username, "substitute": substitute.username,
                             "from": first.isoformat(), "to": last.isoformat()})
        session.flush()
        return row.id


def cancel(db: Database, substitution_id: int, user: User) -> None:
    with db.write() as session:
        row = session.get(Substitution, substitution_id)
        if row is None:
            raise NotFound(_("代岗设置不存在。"))
        if not may_cancel_substitution(user, row.user):
            raise Forbidden(_("只有本人或其负责人可以取消代岗。"))
        if row.cancelled_at is not None:
            return
        row.cancelled_at = clock.now()
        audit.record(session, "substitute_cancelled", actor=user,
                     detail={"absent": row.user.username, "substitute": row.substitute.username})


def current(session, user: User) -> list[Substitution]:
    """Substitutions by or for `user` that have not ended, soonest first."""
    today = clock.local_now().date()
    return list(session.scalars(select(Substitution).where(
        (Substitution.user_id == user.id) | (Substitution.substitute_id == user.id),
        Substitution.cancelled_at.is_(None), Substitution.ends_on >= today).order_by(Substitution.starts_on)))


def colleagues(session, user: User) -> list[User]:
    """Who may stand in for `user`: active workbench staff of their department or sharing a group."""
    mine = select(GroupMember.group_id).where(GroupMember.user_id == user.id)
    shared = select(GroupMember.user_id).where(GroupMember.group_id.in_(mine))
    rows = session.scalars(select(User).where(User.id != user.id, User.is_active.is_(True), User.kind == "staff",
                                              (User.department_id == user.department_id) | User.id.in_(shared))
                           .order_by(User.display_name))
    return [row for row in rows if row.role_names & WORKBENCH_ROLES]


def _colleagues(session, user: User, other: User) -> bool:
    return any(row.id == other.id for row in colleagues(session, user))


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        return None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


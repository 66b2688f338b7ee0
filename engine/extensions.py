"""Extension of the limit (延期, 行政许可法 第四十二条): a clerk asks with a reason, the head decides.

An approved extension adds 10 working days, 15 for joint handling (并联审批), once per case; both the
statutory and the promised due date move, the warning level follows, and the applicant gets a
numbered extension notice (延期告知书).
"""
from __future__ import annotations

from sqlalchemy import select

from . import audit, calendar_store, clock, messages, notices, progress, versions
from .cases import lock_case, lock_case_of
from .db import Database
from .errors import Conflict, Forbidden, InvalidInput, InvalidState
from .i18n import _
from .models import Case, Extension, User
from .permissions import may_decide_extension, may_handle_case
from .special_procedures import MAX_TEXT
from .status import FINAL

STATUTORY_DAYS = 10
JOINT_DAYS = 15


def days_for(guide: dict) -> int:
    return JOINT_DAYS if guide.get("joint") else STATUTORY_DAYS


def request(db: Database, case_id: int, user: User, reason: str) -> int:
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_TEXT:
        raise InvalidInput(_("请填写延期理由。"), {"reason": [_("请填写延期理由（不超过 %(n)s 字）。", n=MAX_TEXT)]})
    with db.write() as session:
        case = lock_case(session, case_id)
        if not may_handle_case(session, user, case):
            raise Forbidden(_("您无权为该办件申请延期。"))
        if case.accepted_at is None or case.status in FINAL:
            raise InvalidState(_("只有已受理、尚未办结的办件可以申请延期。"))
        earlier = session.scalars(select(Extension.state).where(Extension.case_id == case.id,
                                                                Extension.state != "refused")).all()
        if "approved" in earlier:
            raise InvalidState(_("该办件已延期一次，依法不能再次延期。"))
        if "requested" in earlier:
            raise Conflict(_("该办件已有待审批的延期申请。"))
        days = days_for(versions.content(session, case.item_version_id).guide)
        extension = Extension(case_id=case.id, days=days, reason=reason, state="requested", requested_by_id=user.id,
                              requested_at=clock.now())
        session.add(extension)
        case.updated_at = clock.now()
        audit.record(session, "extension_requested", case=case, actor=user, opinion=reason, detail={"days": days})
        session.flush()
        return extension.id


def decide(db: Database, extension_id: int, user: User, approve: bool, opinion: str = "") -> None:
    opinion = (opinion or "").strip()
    if len(opinion) > MAX_TEXT or (not approve and not opinion):
        raise InvalidInput(_("请填写审批意见。"), {"opinion": [_("不同意延期时须填写理由（不超过 %(n)s 字）。", n=MAX_TEXT)]})
    with db.write() as session:
        extension, case = lock_case_of(session, Extension, extension_id, _("延期申请不存在。"))
        if not may_decide_extension(session, user, case):
            raise Forbidden(_("延期须由本部门负责人或监察该部门的效能监察人员审批。"))
        if extension.state != "requested":
            raise Conflict(_("该延期申请已由他人审批，请刷新。"))
        if case.status in FINAL:
            raise InvalidState(_("办件已办结，无需延期。"))
        now = clock.now()
        extension.state = "approved" if approve else "refused"
        extension.decided_by_id, extension.decided_at, extension.opinion = user.id, now, opinion or None
        audit.record(session, "extension_" + extension.state, case=case, actor=user, opinion=opinion or None,
                     detail={"days": extension.days})
        if approve:
            calendar = calendar_store.calendar_for(session)
            for column in ("statutory_due_at", "promised_due_at"):
                due = getattr(case, column)
                if due is not None:
                    setattr(case, column, calendar.extend(due, extension.days))
            progress.reclock(session, case, calendar, user)
            notices.issue(session, case, "extension_notice", user, extension.reason,
                          {"days": extension.days})
            messages.notify_extension(session, case, extension.days, extension.reason)
        else:
            case.updated_at = now


def pending(session, department_ids: set[int] | list[int] | None = None) -> list[Extension]:
    """Requests waiting for a decision, oldest first (all departments when `department_ids` is None)."""
    query = (select(Extension).join(Extension.case).where(Extension.state == "requested")
             .order_by(Extension.requested_at))
    if department_ids is not None:
        query = query.where(Case.department_id.in_(department_ids))
    return list(session.scalars(query))


def of_case(session, case_id: int) -> list[Extension]:
    return list(session.scalars(select(Extension).where(Extension.case_id == case_id).order_by(Extension.id)))

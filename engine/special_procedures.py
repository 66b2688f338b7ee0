"""Special procedures (特别程序: expert review, hearing, testing, site inspection ...) started by a clerk.

The time they take does not count toward the legal limit (行政许可法 第四十五条): starting one pauses the
case clock (status 9, with a written notice to the applicant), ending it with a result resumes the clock
and moves the due dates by the working days it took (status 10). One at a time per case.
"""
from __future__ import annotations

from sqlalchemy import select

from . import audit, calendar_store, case_clock, clock, progress
from .cases import lock_case, lock_case_of
from .db import Database
from .errors import Conflict, Forbidden, InvalidInput, InvalidState
from .i18n import _
from .models import SpecialProcedure, User
from .permissions import may_handle_case
from .status import FINAL, CaseStatus

KINDS = {
    "expert_review": _("专家评审"), "hearing": _("听证"), "testing": _("检验检测"),
    "site_inspection": _("现场勘验"), "appraisal": _("鉴定"), "quarantine": _("检疫"),
    "bidding": _("招标拍卖"),
}
MAX_LIMIT_DAYS = 120
MAX_TEXT = 2000


def start(db: Database, case_id: int, user: User, kind: str, reason: str, limit_days) -> int:
    """Start a special procedure on an accepted, running case. Returns its id."""
    reason = (reason or "").strip()
    errors = {}
    if kind not in KINDS:
        errors["kind"] = [_("请选择特别程序的类型。")]
    if not reason or len(reason) > MAX_TEXT:
        errors["reason"] = [_("请填写启动原因（不超过 %(n)s 字）。", n=MAX_TEXT)]
    days = _days(limit_days)
    if days is None:
        errors["limit_days"] = [_("期限须为 1 至 %(n)s 个工作日。", n=MAX_LIMIT_DAYS)]
    if errors:
        raise InvalidInput(_("特别程序信息有 %(n)s 处需要修改。", n=len(errors)), errors)
    with db.write() as session:
        case = lock_case(session, case_id)
        if not may_handle_case(session, user, case):
            raise Forbidden(_("您无权对该办件启动特别程序。"))
        if case.accepted_at is None or case.status in FINAL:
            raise InvalidState(_("只有已受理、尚未办结的办件可以启动特别程序。"))
        if case.paused_at is not None:
            raise Conflict(_("该办件的办理时限已暂停（补正或特别程序中），请先结束后再启动。"))
        now = clock.now()
        calendar = calendar_store.calendar_for(session)
        procedure = SpecialProcedure(case_id=case.id, kind=kind, reason=reason, limit_days=days, started_at=now,
                                     started_by_id=user.id, due_at=calendar.due_at(now, days))
        session.add(procedure)
        case_clock.pause(case, now, "special_procedure")
        progress.set_status(session, case, CaseStatus.SPECIAL_STARTED, user, reason,
                            {"kind": kind, "kind_label": KINDS[kind], "limit_days": days,
                             "due_at": procedure.due_at.isoformat()})
        progress.reclock(session, case, calendar, user)
        session.flush()
        return procedure.id


def end(db: Database, procedure_id: int, user: User, result: str) -> None:
    """End a special procedure with its result; the clock runs again."""
    result = (result or "").strip()
    if not result or len(result) > MAX_TEXT:
        raise InvalidInput(_("请填写特别程序的结果。"), {"result": [_("请填写结果（不超过 %(n)s 字）。", n=MAX_TEXT)]})
    with db.write() as session:
        procedure, case = lock_case_of(session, SpecialProcedure, procedure_id, _("特别程序不存在。"))
        if not may_handle_case(session, user, case):
            raise Forbidden(_("您无权结束该特别程序。"))
        if procedure.ended_at is not None:
            raise Conflict(_("该特别程序已由他人结束，请刷新。"))
        now = clock.now()
        calendar = calendar_store.calendar_for(session)
        procedure.ended_at, procedure.ended_by_id, procedure.result = now, user.id, result
        days = case_clock.resume(case, calendar, now)
        progress.set_status(session, case, CaseStatus.SPECIAL_ENDED, user, result,
                            {"kind": procedure.kind, "paused_workdays": days})
        progress.reclock(session, case, calendar, user)


def of_case(session, case_id: int) -> list[SpecialProcedure]:
    return list(session.scalars(select(SpecialProcedure).where(SpecialProcedure.case_id == case_id)
                                .order_by(SpecialProcedure.started_at, SpecialProcedure.id)))


def _days(value) -> int | None:
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return days if 1 <= days <= MAX_LIMIT_DAYS else None

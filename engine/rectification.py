"""Rectifying a bad review (差评整改): the internal item `internal-bad-review-rectification`, a BPMN process of
its own, started by `engine.evaluation` in the transaction that records the bad review.

Its case runs for the reviewed case's department and belongs to the same applicant (and agent): first the
department's section head verifies and answers (task `rectify`, `stepLimitDays` 10 working days, DOMAIN.md
"commonly 5–15"), then the applicant rates the rectification (task `rate_rectification`: satisfied or not).
Each step is mirrored onto the evaluation row (`rectification_state`: open → rectified → satisfied /
unsatisfied), so supervisors list and count bad reviews from rows. Rectification cases have channel
`internal`: they issue no documents, send no status messages, and are kept out of the applicant's case list.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, calendar_store, case_numbers, cases, clock, messages, versions
from .cases import open_case
from .errors import InvalidInput, InvalidState, NotFound
from .i18n import _
from .models import AuditEvent, Case, Department, Evaluation, Group, HumanTask

ITEM_CODE = "internal-bad-review-rectification"
CHANNEL = "internal"
DEFAULT_LIMIT_DAYS = 10


def head_group(session: Session, department_id: int) -> str:
    """The section head group (`<department>_head`, see organisation.yaml) of a department, else of the nearest
    department above it that has one."""
    department = session.get(Department, department_id)
    while department is not None:
        code = session.scalar(select(Group.code).where(Group.department_id == department.id,
                                                       Group.code.like("%\\_head", escape="\\")).order_by(Group.code))
        if code:
            return code
        department = department.parent
    raise NotFound(_("找不到负责整改的科室负责人组，请在组织机构中为部门设置 *_head 组。"))


def start(session: Session, evaluation: Evaluation, case: Case, user) -> Case:
    """Open the rectification of a bad review inside the evaluation's transaction."""
    from .evaluation import LEVELS

    version_id = versions.current_version_id(session, ITEM_CODE)
    if version_id is None:
        raise NotFound(_("差评整改流程未部署，请联系业务分析员（onewindow load-items）。"))
    version = versions.content(session, version_id)
    department = session.get(Department, case.department_id)
    application = {
        "case_no": case.case_no, "item_name": versions.content(session, case.item_version_id).item_name,
        "department_name": department.name, "level": evaluation.level,
        "level_label": LEVELS[evaluation.level], "comment": evaluation.comment or "",
        "evaluated_at": evaluation.created_at.astimezone(clock.TZ).strftime("%Y-%m-%d %H:%M"),
    }
    rectifying = open_case(
        session, version_id, case_numbers.new_case_no(), case_numbers.new_query_code(), application,
        (case.applicant_name, case.applicant_type, case.applicant_id_number), applicant_id=case.applicant_id,
        agent_id=case.agent_id, channel=CHANNEL, actor=user, department_id=case.department_id,
        start_data={"heads": [head_group(session, case.department_id)], "evaluation_id": evaluation.id})
    limit = int(version.guide.get("promised_limit", {}).get("value") or DEFAULT_LIMIT_DAYS)
    evaluation.rectification_case_id = rectifying.id
    evaluation.rectification_state = "open"
    evaluation.rectification_due_at = calendar_store.calendar_for(session).due_at(clock.now(), limit)
    audit.record(session, "rectification_started", case=case, actor=user,
                 detail={"rectification_case": rectifying.case_no, "limit_days": limit})
    return rectifying


def on_complete(session: Session, case: Case, task, submission: dict, user) -> None:
    """A step of a rectification case finished: mirror it onto the evaluation (called by `cases.complete`)."""
    evaluation = session.scalar(select(Evaluation).where(Evaluation.rectification_case_id == case.id))
    if evaluation is None:
        return
    now = clock.now()
    if task.bpmn_id == "rectify":
        evaluation.rectification_state, evaluation.rectified_at = "rectified", now
        audit.record(session, "rectification_reported", case=evaluation.case, actor=user,
                     opinion=submission.get("reply"), detail={"verified": submission.get("verified")})
        rate = _rating_task_note(evaluation)
        messages.notify(session, messages.recipients(case), case, "rectification", _("差评整改答复，请评价"),
                        rate + _("答复：%(reply)s", reply=submission.get("reply", "")))
    elif task.bpmn_id == "rate_rectification":
        satisfied = submission.get("decision") == "satisfied"
        evaluation.rectification_state = "satisfied" if satisfied else "unsatisfied"
        evaluation.rectification_rating = submission.get("comment") or None
        audit.record(session, "rectification_rated", case=evaluation.case, actor=user,
                     opinion=submission.get("comment") or None,
                     detail={"satisfied": satisfied, "status": int(case.status)})


def _rating_task_note(evaluation: Evaluation) -> str:
    return _("您对办件 %(no)s 的评价已由办理部门核实整改。请在“我的办件—待我处理”中对整改结果作出评价。",
             no=evaluation.case.case_no)


STATE_LABELS = {"none": _("—"), "open": _("整改中"), "rectified": _("已整改，待申请人评价"),
                "satisfied": _("申请人满意"), "unsatisfied": _("申请人不满意")}


RATE_TASK = "rate_rectification"


def rating_task(session: Session, evaluation: Evaluation):
    """The applicant's open task to rate the rectification of a bad review, or None (not answered yet, or
    already rated)."""
    if evaluation.rectification_case_id is None:
        return None
    return session.scalar(select(HumanTask).where(HumanTask.case_id == evaluation.rectification_case_id,
                                                  HumanTask.bpmn_id == RATE_TASK, HumanTask.state == "open")
                          .order_by(HumanTask.id).limit(1))


def reply_of(session: Session, evaluation: Evaluation) -> str | None:
    """The department's answer to a bad review (what the section head wrote to the applicant), once given."""
    if evaluation.rectification_state in ("none", "open"):
        return None
    return session.scalar(select(AuditEvent.opinion).where(AuditEvent.case_id == evaluation.case_id,
                                                           AuditEvent.action == "rectification_reported")
                          .order_by(AuditEvent.seq.desc()).limit(1))


def rate(db, case_id: int, user, satisfied: bool | None, comment: str = "") -> None:
    """The applicant rates the rectification of their bad review of case `case_id` (satisfied or not, with an
    optional comment): completes the rectification's rating task through `cases.complete`, which checks that
    `user` may work on it; a second rating is `InvalidState`, one that lost a race `Conflict`."""
    from .evaluation import MAX_COMMENT, of_case  # evaluation imports this module

    errors = {}
    if satisfied is None:
        errors["decision"] = [_("请选择对整改结果是否满意。")]
    if len(comment.strip()) > MAX_COMMENT:
        errors["comment"] = [_("留言不能超过 %(n)d 字。", n=MAX_COMMENT)]
    if errors:
        raise InvalidInput(_("评价内容有误，请按提示修改。"), errors)

    with db.read() as session:
        evaluation = of_case(session, case_id)
        task = rating_task(session, evaluation) if evaluation is not None else None
        if task is None:
            if evaluation is not None and evaluation.rectification_state in ("satisfied", "unsatisfied"):
                raise InvalidState(_("您已经评价过整改结果。"))
            raise NotFound(_("没有待评价的整改结果。"))
    submission = {"decision": "satisfied" if satisfied else "unsatisfied"}
    if comment.strip():
        submission["comment"] = comment.strip()
    cases.complete(db, task.id, user, submission)

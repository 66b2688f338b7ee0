"""Evaluations of the service (好差评, GB/T 39734 / 39735): one per case, by its applicant or agent.

Five levels (非常满意 5 … 非常不满意 1) and the online indicators overall, efficiency, guide accuracy,
convenience and usability (1–5 each), plus a comment, which a bad review (level 1–2) must have. A bad
review starts its rectification (`engine.rectification`) in the same transaction. Statistics read the
`evaluation` rows (department, item, level and date are indexed columns), never the cases' workflows.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, clock, rectification
from .cases import lock_case
from .db import Database
from .errors import Conflict, Forbidden, InvalidInput
from .i18n import _
from .models import Case, Department, Evaluation, Item
from .permissions import may_evaluate
from .status import CONCLUDED, CaseStatus

EVALUABLE = CONCLUDED | {CaseStatus.REFUSED, CaseStatus.NOT_ACCEPTED}
LEVELS = {5: _("非常满意"), 4: _("满意"), 3: _("基本满意"), 2: _("不满意"), 1: _("非常不满意")}
BAD_LEVELS = frozenset({1, 2})
INDICATORS = {"overall": _("总体评价"), "efficiency": _("办事效率"), "guide_accuracy": _("办事指南准确性"),
              "convenience": _("办事便捷程度"), "usability": _("网站易用性")}
MAX_COMMENT = 500
ONCE = _("该办件已经评价过，每个办件只能评价一次。")


@dataclass(frozen=True)
class Rating:
    level: int
    overall: int
    efficiency: int
    guide_accuracy: int
    convenience: int
    usability: int
    comment: str = ""


def parse_rating(values: dict) -> Rating:
    """A rating from form values (strings), every problem named by its field."""
    errors: dict[str, list[str]] = {}
    numbers = {}
    for name in ("level", *INDICATORS):
        try:
            numbers[name] = int(str(values.get(name, "")).strip())
        except ValueError:
            numbers[name] = 0
        if not 1 <= numbers[name] <= 5:
            errors[name] = [_("请选择 1—5 中的一项。")]
    comment = str(values.get("comment") or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [_("评价意见不能超过 %(n)d 字。", n=MAX_COMMENT)]
    elif numbers["level"] in BAD_LEVELS and len(comment) < 2:
        errors["comment"] = [_("给出不满意评价时，请写明原因，以便整改。")]
    if errors:
        raise InvalidInput(_("评价内容有误，请按提示修改。"), errors)
    return Rating(comment=comment, **numbers)


def evaluate(db: Database, case_id: int, user, rating: Rating) -> Evaluation:
    """Record the evaluation of a case; a second one is refused (`Conflict`), also when two arrive at once
    (the case row is locked, and `evaluation.case_id` is unique)."""
    try:
        with db.write() as session:
            case = lock_case(session, case_id)
            if not may_evaluate(user, case):
                raise Forbidden(_("只有申请人可以在办件办结后评价。"))
            if session.scalar(select(Evaluation.id).where(Evaluation.case_id == case.id)) is not None:
                raise Conflict(ONCE)
            now = clock.now()
            evaluation = Evaluation(case_id=case.id, user_id=user.id, department_id=case.department_id,
                                    item_id=case.item_id, created_at=now, comment=rating.comment or None,
                                    is_bad=rating.level in BAD_LEVELS, rectification_state="none",
                                    **{k: getattr(rating, k) for k in ("level", *INDICATORS)})
            session.add(evaluation)
            session.flush()  # the unique constraint speaks here, before any rectification is started
            audit.record(session, "evaluated", case=case, actor=user, opinion=rating.comment or None,
                         detail={"level": rating.level, "bad": evaluation.is_bad})
            if evaluation.is_bad:
                rectification.start(session, evaluation, case, user)
            return evaluation
    except Conflict as exc:
        raise Conflict(ONCE) from exc


def of_case(session: Session, case_id: int) -> Evaluation | None:
    return session.scalar(select(Evaluation).where(Evaluation.case_id == case_id))


@dataclass(frozen=True)
class BadReview:
    evaluation: Evaluation
    case_no: str
    item_name: str
    department_name: str


@dataclass(frozen=True)
class BadReviewPage:
    reviews: list[BadReview]
    page: int
    has_next: bool


RECTIFICATION_STATES = ("open", "rectified", "satisfied", "unsatisfied")


def bad_reviews(session: Session, user, state: str | None = None, department_id: int | None = None,
                page: int = 1, size: int = 50) -> BadReviewPage:
    """Bad reviews in the departments `user` supervises, newest first, with their rectification state
    (`ix_evaluation_bad`, and `ix_evaluation_bad_state` when narrowed to a department)."""
    from .permissions import supervised_departments

    query = (select(Evaluation, Case.case_no, Item.name, Department.name)
             .join(Case, Case.id == Evaluation.case_id).join(Item, Item.id == Evaluation.item_id)
             .join(Department, Department.id == Evaluation.department_id)
             .where(Evaluation.is_bad.is_(True)))
    scope = supervised_departments(session, user)
    if scope is not None:
        query = query.where(Evaluation.department_id.in_(scope or [-1]))
    if department_id is not None:
        query = query.where(Evaluation.department_id == department_id)
    if state:
        query = query.where(Evaluation.rectification_state == state)
    rows = session.execute(query.order_by(Evaluation.created_at.desc(), Evaluation.id.desc())
                           .offset((max(page, 1) - 1) * size).limit(size + 1)).all()
    return BadReviewPage([BadReview(*row) for row in rows[:size]], page, len(rows) > size)


@dataclass(frozen=True)
class Standing:
    """What a case's page shows its viewer about the evaluation: whether they may rate it now, the rating
    given (by whom it was given is not shown), the department's answer to a bad review, and the open task
    for rating that answer when the viewer is the one to rate it."""

    may_rate: bool
    evaluation: Evaluation | None
    reply: str | None = None
    rating_task_id: int | None = None


def standing(session: Session, case: Case, user) -> Standing:
    """The evaluation of `case` as `user` (its applicant or agent) sees it."""
    from .permissions import may_work_on

    evaluation = of_case(session, case.id)
    if evaluation is None:
        return Standing(may_rate=may_evaluate(user, case), evaluation=None)
    task = rectification.rating_task(session, evaluation)
    task_id = None
    if task is not None and user is not None and may_work_on(session, user, task, task.case):
        task_id = task.id
    return Standing(False, evaluation, rectification.reply_of(session, evaluation), task_id)

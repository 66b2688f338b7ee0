"""Who may act on the public's feedback and the portal's content: evaluations and bad reviews, articles,
consultations, complaints and their stages (GB/T 36113). Part of `engine.permissions`; import from there."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Case, User
from . import (ADMIN, CLERK, CONTENT_EDITOR, DEPT_ADMIN, REVIEWER, SECTION_HEAD, STAFF_ROLES, SUPERVISION_ROLES,
               SUPERVISOR, watches)


def may_evaluate(user: User | None, case: Case) -> bool:
    """An evaluation (好差评) is given by the service object (GB/T 39734): the case's applicant account; the agent
    who applied only when the applicant has no account of their own. Only once the case has an outcome
    (concluded, or refused at the window), never on the centre's internal processes."""
    from ..evaluation import EVALUABLE  # the statuses are the evaluation module's rule

    if user is None or not user.is_active or case.channel == "internal" or case.status not in EVALUABLE:
        return False
    if case.applicant_id is not None:
        return user.id == case.applicant_id
    return user.id == case.agent_id


def may_follow_bad_reviews(user: User | None) -> bool:
    """Supervisors follow every bad review and its rectification (差评 100% 跟踪)."""
    return user is not None and user.is_active and bool(user.role_names & {SUPERVISOR, ADMIN})


def may_publish_content(user: User | None, department_id: int | None = None) -> bool:
    """Portal articles are published by content editors and administrators; a department administrator
    only for their own department."""
    scope = content_departments(user)
    return scope is None or department_id in scope


def may_manage_content(user: User | None) -> bool:
    """May the user open content administration (drafts, preview, publishing, withdrawing) at all?"""
    return content_departments(user) != []


def content_departments(user: User | None) -> list[int] | None:
    """Whose articles the user manages: `None` all (content editors, administrators), a department
    administrator their own department's; nobody else any."""
    if user is None or not user.is_active:
        return []
    if user.role_names & {CONTENT_EDITOR, ADMIN}:
        return None
    return [user.department_id] if DEPT_ADMIN in user.role_names and user.department_id is not None else []


def may_answer_inquiry(session: Session, user: User | None, department_id: int | None) -> bool:
    """Consultations, complaints and suggestions are answered by the supervisors and administrators who watch
    the department they are addressed to (`watches`), and by that department's staff (clerks, reviewers,
    heads, its administrator)."""
    if user is None or not user.is_active or not (user.role_names & STAFF_ROLES):
        return False
    if user.role_names & SUPERVISION_ROLES and watches(session, user, department_id):
        return True
    handlers = {CLERK, REVIEWER, SECTION_HEAD, DEPT_ADMIN, CONTENT_EDITOR}
    return bool(user.role_names & handlers) and department_id is not None and user.department_id == department_id


def may_assign_complaint(session: Session, user: User | None, department_id: int | None) -> bool:
    """Complaint officers pick the handler of each stage of a complaint (GB/T 36113): the supervisors and
    administrators who watch the department the complaint is about, and that department's section heads."""
    if user is None or not user.is_active:
        return False
    if user.role_names & SUPERVISION_ROLES and watches(session, user, department_id):
        return True
    return (SECTION_HEAD in user.role_names and department_id is not None
            and user.department_id == department_id)


def may_handle_complaint(session: Session, user: User | None, department_id: int | None,
                         handler_id: int | None) -> bool:
    """Who moves a complaint's current stage on (and replies): its officers, the stage's handler, and while
    nobody is assigned, the department staff who answer its inquiries (`may_answer_inquiry`)."""
    if user is None or not user.is_active:
        return False
    if may_assign_complaint(session, user, department_id):
        return True
    if handler_id is not None:
        return handler_id == user.id
    return may_answer_inquiry(session, user, department_id)


def may_view_complaint(session: Session, user: User | None, department_id: int | None,
                       handler_id: int | None) -> bool:
    """A complaint's page (its stages and history): whoever may answer the department's inquiries, and the
    handler of its current stage."""
    if user is None or not user.is_active:
        return False
    return may_answer_inquiry(session, user, department_id) or (handler_id is not None and handler_id == user.id)

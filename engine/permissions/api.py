"""Who may do what through the open API (webapp/api): the operations a signed-in person may use it for, and
what they see there. Department systems' clients carry their own scopes and departments (engine.api_clients).
Part of `engine.permissions`; import from there."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Case, HumanTask, User
from . import AGENT, APPLICANT, SUPERVISION_ROLES, WORKBENCH_ROLES, may_view_case, may_work_on, supervised_departments


def api_scopes_of(user: User | None) -> frozenset[str]:
    """The API scopes a person's browser session has: what their roles already allow in the web app."""
    if user is None or not user.is_active:
        return frozenset()
    scopes = {"items:read"}
    if user.role_names & {APPLICANT, AGENT}:
        scopes |= {"cases:read", "cases:write"}
    if user.role_names & WORKBENCH_ROLES:
        scopes |= {"cases:read", "tasks:read", "tasks:write"}
    if user.role_names & SUPERVISION_ROLES:
        scopes |= {"cases:read", "supervision:read", "statistics:read", "events:read"}
    return frozenset(scopes)


def api_departments_of(session: Session, user: User | None) -> list[int] | None:
    """Departments whose cases a person lists through the API (`None`: all): a supervisor's supervised
    departments, a clerk's or reviewer's own department; nobody else's (applicants list their own cases)."""
    if user is None or not user.is_active:
        return []
    if user.role_names & SUPERVISION_ROLES:
        return supervised_departments(session, user)
    if user.role_names & WORKBENCH_ROLES and user.department_id is not None:
        return [user.department_id]
    return []


def api_may_view_case(session: Session, user: User | None, case: Case, client_departments: list[int] | None) -> bool:
    """A department system (`client_departments` given) sees the cases of its departments, and the cases one
    of its departments has had a step of (a co-reviewing department of a joint case); a person sees through
    the API exactly what they see in the web app."""
    if client_departments is not None:
        if case.department_id in client_departments:
            return True
        return session.execute(select(HumanTask.id).where(HumanTask.case_id == case.id,
                                                          HumanTask.department_id.in_(client_departments))
                               .limit(1)).first() is not None
    return may_view_case(session, user, case)


def api_may_view_task(session: Session, user: User | None, task: HumanTask, case: Case,
                      client_departments: list[int] | None) -> bool:
    """A department system sees the tasks of its departments (the task's own, or the case's); a person the
    tasks they may work on."""
    if client_departments is not None:
        return task.department_id in client_departments or case.department_id in client_departments
    return may_work_on(session, user, task, case) or may_view_case(session, user, case)

"""The reads behind the open API: pages of cases and tasks by key (cursor pagination from indexed rows),
one case or task, and simple statistics. Who may see what is decided by the caller through
engine.permissions; these functions take the resulting department ids / people / groups.
"""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from . import case_numbers
from .models import Case, Department, Group, HumanTask


def case_page(session: Session, *, departments: list[int] | None, party: int | None, after_id: int | None,
              limit: int, status: int | None = None) -> list[Case]:
    """Cases in id order after `after_id`: of `departments` (None: all), or where `party` is the applicant or
    agent. Reads `limit` rows (the caller asks one more to know if there is a next page)."""
    query = select(Case).options(joinedload(Case.item), joinedload(Case.department)).order_by(Case.id).limit(limit)
    if party is not None:
        query = query.where(or_(Case.applicant_id == party, Case.agent_id == party))
    elif departments is not None:
        query = query.where(Case.department_id.in_(departments))
    if after_id is not None:
        query = query.where(Case.id > after_id)
    if status is not None:
        query = query.where(Case.status == status)
    return list(session.scalars(query).unique())


def case_by_no(session: Session, case_no: str) -> Case | None:
    return session.scalar(select(Case).options(joinedload(Case.item), joinedload(Case.department))
                          .where(Case.case_no == case_no))


def case_by_query_code(session: Session, case_no: str, query_code: str) -> Case | None:
    """The case if the number exists and the query code matches; None either way it fails (same time)."""
    case = case_by_no(session, case_no)
    stored = case.query_code_hash if case is not None else case_numbers.hash_query_code(case_no, "-")
    matches = case_numbers.query_code_matches(case_no, query_code, stored)
    return case if case is not None and matches else None


def open_tasks_of(session: Session, case_id: int) -> list[HumanTask]:
    return list(session.scalars(select(HumanTask).options(joinedload(HumanTask.assignee))
                                .where(HumanTask.case_id == case_id, HumanTask.state == "open").order_by(HumanTask.id)))


def group_codes_of(session: Session, departments: list[int]) -> list[str]:
    """The candidate groups of these departments (a department system's queues)."""
    return sorted(session.scalars(select(Group.code).where(Group.department_id.in_(departments))))


def task_page(session: Session, *, groups: list[str], people: list[int], after_id: int | None,
              limit: int) -> list[HumanTask]:
    """Open tasks in id order after `after_id`: unclaimed in `groups`, or claimed by `people` or in `groups`."""
    if not groups and not people:
        return []
    query = (select(HumanTask).options(joinedload(HumanTask.case), joinedload(HumanTask.assignee))
             .where(HumanTask.state == "open", or_(HumanTask.group_code.in_(groups), HumanTask.assignee_id.in_(people)))
             .order_by(HumanTask.id).limit(limit))
    if after_id is not None:
        query = query.where(HumanTask.id > after_id)
    return list(session.scalars(query).unique())


def task_with_case(session: Session, task_id: int) -> HumanTask | None:
    return session.scalar(select(HumanTask).options(joinedload(HumanTask.case), joinedload(HumanTask.assignee))
                          .where(HumanTask.id == task_id))


def department_code(session: Session, department_id: int | None) -> str | None:
    return session.scalar(select(Department.code).where(Department.id == department_id)) if department_id else None


def department_codes(session: Session, department_ids) -> dict[int, str]:
    """Department id -> code for the ids given, in one query (a page of tasks names a handful of departments)."""
    ids = {i for i in department_ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(Department.id, Department.code).where(Department.id.in_(ids))).all())


def statistics(session: Session, departments: list[int] | None) -> dict:
    """Case counts by department and status code, over `departments` (None: all)."""
    query = (select(Department.code, Department.name, Case.status, func.count())
             .join(Department, Department.id == Case.department_id)
             .group_by(Department.code, Department.name, Case.status).order_by(Department.code, Case.status))
    if departments is not None:
        query = query.where(Case.department_id.in_(departments))
    by_department: dict[str, dict] = {}
    by_status: dict[str, int] = {}
    for code, name, status, count in session.execute(query):
        entry = by_department.setdefault(code, {"department": {"code": code, "name": name}, "total": 0,
                                                "by_status": {}})
        entry["by_status"][str(status)] = count
        entry["total"] += count
        by_status[str(status)] = by_status.get(str(status), 0) + count
    return {"total": sum(by_status.values()), "by_status": by_status, "by_department": list(by_department.values())}

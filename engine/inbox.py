"""Task inboxes, served from indexed `human_task` rows joined to their cases (never from workflows).

An inbox is two queues: tasks claimed by me, and unclaimed tasks of my groups. Each is read through its
own partial index (`ix_task_open_assignee`, `ix_task_queue`), already in order, and only as far as the
page needs; the two are merged in Python. An OR of both conditions would make the database sort every
open task of the groups for each page.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

from sqlalchemy import func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session, contains_eager

from .models import Case, HumanTask, User
from .permissions import group_codes

PAGE_SIZE = 25


@dataclass(frozen=True)
class InboxPage:
    tasks: list[HumanTask]
    total: int
    page: int
    pages: int
    mine: int       # claimed by me
    groups: int     # unclaimed in my groups


# Written as literal SQL, not a bound parameter: a planner can only use a partial index whose predicate it
# can prove from the query text (SQLite always, PostgreSQL once it switches to generic prepared plans).
OPEN = literal_column("'open'")


def claimed_by(user_id: int):
    return select(HumanTask.created_at, HumanTask.id).where(HumanTask.state == OPEN, HumanTask.assignee_id == user_id)


def unclaimed_in(codes: list[str]):
    return select(HumanTask.created_at, HumanTask.id).where(
        HumanTask.state == OPEN, HumanTask.assignee_id.is_(None), HumanTask.group_code.in_(codes))


def _first_unclaimed(codes: list[str], wanted: int):
    """The oldest `wanted` unclaimed tasks of several groups: each group's queue is read in index order
    and only as far as needed, then the few rows are merged, instead of sorting every open task."""
    order = (HumanTask.created_at, HumanTask.id)
    heads = [select(queue.c.created_at, queue.c.id) for queue in
             (unclaimed_in([code]).order_by(*order).limit(wanted).subquery() for code in codes)]
    merged = union_all(*heads).subquery() if len(heads) > 1 else heads[0].subquery()
    return select(merged.c.created_at, merged.c.id).order_by(merged.c.created_at, merged.c.id).limit(wanted)


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def inbox_page(session: Session, user: User, page: int = 1, page_size: int = PAGE_SIZE) -> InboxPage:
    """One page of the user's open tasks (claimed by them, or unclaimed in their groups), oldest first."""
    codes = group_codes(session, user)
    page = max(page, 1)
    wanted = page * page_size
    order = (HumanTask.created_at, HumanTask.id)
    queues = [session.execute(claimed_by(user.id).order_by(*order).limit(wanted)).all()]
    if codes:
        queues.append(session.execute(_first_unclaimed(codes, wanted)).all())
    ids = [row.id for row in heapq.merge(*queues)][(page - 1) * page_size:wanted]
    tasks = []
    if ids:
        rows = session.scalars(select(HumanTask).join(HumanTask.case).options(contains_eager(HumanTask.case))
                               .where(HumanTask.id.in_(ids)))
        by_id = {task.id: task for task in rows}
        tasks = [by_id[i] for i in ids]
    mine = _count(session, claimed_by(user.id))
    groups = _count(session, unclaimed_in(codes)) if codes else 0
    total = mine + groups
    return InboxPage(tasks, total, page, max((total + page_size - 1) // page_size, 1), mine, groups)


def applicant_tasks(session: Session, user: User) -> list[HumanTask]:
    """Open tasks that belong to the user as an applicant or agent (supplements)."""
    return list(session.scalars(
        select(HumanTask).join(HumanTask.case).where(HumanTask.state == "open", HumanTask.group_code == "applicant",
                                                     or_(Case.applicant_id == user.id, Case.agent_id == user.id))
        .order_by(HumanTask.created_at)))

"""Task inboxes, served from indexed `human_task` rows joined to their cases (never from workflows)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select
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


def _open_for(user_id: int, codes: list[str]):
    # Two disjuncts, each served by its own partial index (ix_task_open_assignee, ix_task_open_group).
    return and_(HumanTask.state == "open",
                or_(HumanTask.assignee_id == user_id,
                    and_(HumanTask.assignee_id.is_(None), HumanTask.group_code.in_(codes))))


def inbox_query(user_id: int, codes: list[str]) -> Select:
    return (select(HumanTask).join(HumanTask.case).options(contains_eager(HumanTask.case))
            .where(_open_for(user_id, codes)).order_by(HumanTask.created_at, HumanTask.id))


def inbox_page(session: Session, user: User, page: int = 1, page_size: int = PAGE_SIZE) -> InboxPage:
    """One page of the user's open tasks (claimed by them, or unclaimed in their groups), oldest first."""
    codes = group_codes(session, user)
    page = max(page, 1)
    tasks = list(session.scalars(inbox_query(user.id, codes).limit(page_size).offset((page - 1) * page_size)))
    mine = session.scalar(select(func.count()).select_from(HumanTask)
                          .where(HumanTask.state == "open", HumanTask.assignee_id == user.id)) or 0
    groups = session.scalar(select(func.count()).select_from(HumanTask)
                            .where(HumanTask.state == "open", HumanTask.assignee_id.is_(None),
                                   HumanTask.group_code.in_(codes))) or 0 if codes else 0
    total = mine + groups
    return InboxPage(tasks, total, page, max((total + page_size - 1) // page_size, 1), mine, groups)


def applicant_tasks(session: Session, user: User) -> list[HumanTask]:
    """Open tasks that belong to the user as an applicant or agent (supplements)."""
    return list(session.scalars(
        select(HumanTask).join(HumanTask.case).where(HumanTask.state == "open", HumanTask.group_code == "applicant",
                                                     or_(Case.applicant_id == user.id, Case.agent_id == user.id))
        .order_by(HumanTask.created_at)))

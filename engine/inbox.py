"""Task inboxes, served from indexed `human_task` rows joined to their cases (never from workflows).

An inbox is two queues: tasks claimed by me, and unclaimed tasks of my groups. Each is read through its
own partial index (`ix_task_open_assignee`, `ix_task_queue`), already in order, and only as far as the
page needs; the two are merged in Python. An OR of both conditions would make the database sort every
open task of the groups for each page.
"""
from __future__ import annotations

import heapq
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time

from sqlalchemy import func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session, contains_eager

from . import clock
from .models import Case, HumanTask, Item, User
from .permissions import inbox_scope

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


def claimed_by(people: int | list[int]):
    """Open tasks claimed by a person (or by any of several: someone standing in for an absent colleague)."""
    if isinstance(people, int) or len(people) == 1:
        who = HumanTask.assignee_id == (people if isinstance(people, int) else people[0])
    else:
        who = HumanTask.assignee_id.in_(people)
    return select(HumanTask.created_at, HumanTask.id).where(HumanTask.state == OPEN, who)


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


SORTS = ("received", "due")
WARNINGS = ("normal", "yellow", "red")


@dataclass(frozen=True)
class InboxFilter:
    """What a clerk narrows the inbox to. Every field optional; `sort` is `received` (oldest first, the
    default) or `due` (the case's promised due date, soonest first)."""

    item: str | None = None          # item code
    status: int | None = None        # case status code (engine.status)
    warning: str | None = None       # normal / yellow / red
    due_before: date | None = None   # the case is due on or before this local date
    applicant: str | None = None     # any part of the applicant's name
    case_no: str | None = None       # the exact case number
    sort: str = "received"

    @property
    def narrows(self) -> bool:
        return any(getattr(self, f.name) not in (None, "") for f in fields(self) if f.name != "sort")

    def to_query(self) -> dict:
        """As URL parameters (and as a saved filter): only what is set."""
        data = {key: (value.isoformat() if isinstance(value, date) else value) for key, value in asdict(self).items()}
        return {key: value for key, value in data.items() if value not in (None, "") and (key, value) != ("sort",
                                                                                                            "received")}


NOTHING = object()  # a filter value that names nothing (an unknown item or case number): no task matches


def _copy_conditions(session: Session, f: InboxFilter) -> list | object:
    """The filter as conditions on the tasks' copies of their case's fields (`HumanTask.case_*`), which the
    queue indexes carry. An item code or case number is looked up first (one indexed row each)."""
    conditions = []
    if f.case_no:
        case_id = session.scalar(select(Case.id).where(Case.case_no == f.case_no))
        if case_id is None:
            return NOTHING
        conditions.append(HumanTask.case_id == case_id)
    if f.item:
        item_id = session.scalar(select(Item.id).where(Item.code == f.item))
        if item_id is None:
            return NOTHING
        conditions.append(HumanTask.case_item_id == item_id)
    if f.status is not None:
        conditions.append(HumanTask.case_status == f.status)
    if f.warning:
        conditions.append(HumanTask.case_warning == f.warning)
    if f.due_before:
        end = datetime.combine(f.due_before, time.max, clock.TZ)
        conditions.append(HumanTask.case_due_at <= end)
    if f.applicant:
        # Any part of the name: no b-tree serves it, so it is checked on the queue index's own copy of the
        # name, entry by entry, never on table rows (docs/workbench.md says why not pg_trgm).
        conditions.append(HumanTask.case_applicant.contains(f.applicant, autoescape=True))
    return conditions


def _by_due(query, conditions, wanted: int) -> list:
    """The first `wanted` rows of a queue in the case's promised-due order, undated last, each part read in
    index order: dated tasks by (due, arrival), then undated ones by arrival."""
    dated = query.where(HumanTask.case_due_at.is_not(None), *conditions).order_by(
        HumanTask.case_due_at, HumanTask.created_at, HumanTask.id).limit(wanted)
    undated = query.where(HumanTask.case_due_at.is_(None), *conditions).order_by(
        HumanTask.created_at, HumanTask.id).limit(wanted)
    return [dated, undated]


def _heads(query, conditions, f: InboxFilter, wanted: int) -> list:
    if f.sort == "due":
        return _by_due(query, conditions, wanted)
    return [query.where(*conditions).order_by(HumanTask.created_at, HumanTask.id).limit(wanted)]


_ROW = (HumanTask.case_due_at, HumanTask.created_at, HumanTask.id)


def _filtered_page(session: Session, people: list[int], codes: list[str], f: InboxFilter, page: int,
                   page_size: int) -> tuple[list[int], int, int]:
    """A filtered or re-sorted page. Each queue is read the way the default page reads it: my claimed tasks
    through `ix_task_open_assignee`, each group's unclaimed tasks through `ix_task_queue` (arrival order)
    or `ix_task_queue_due` (due order), only as far as the page needs, and merged here. The filters are
    conditions on the index entries' own copies of the case fields, so no case or table row is read."""
    conditions = _copy_conditions(session, f)
    if conditions is NOTHING:
        return [], 0, 0
    wanted = page * page_size
    claimed = select(*_ROW).where(claimed_by(people).whereclause)
    heads = _heads(claimed, conditions, f, wanted)
    for code in codes:
        heads += _heads(select(*_ROW).where(unclaimed_in([code]).whereclause), conditions, f, wanted)
    # One statement: each head an index range read of at most `wanted` rows, merged and cut by the database.
    both = union_all(*(select(*head.subquery().c) for head in heads)).subquery()
    if f.sort == "due":
        order = (both.c.case_due_at.is_(None), both.c.case_due_at, both.c.created_at, both.c.id)
    else:
        order = (both.c.created_at, both.c.id)
    ids = list(session.scalars(select(both.c.id).order_by(*order).offset((page - 1) * page_size).limit(page_size)))
    mine = _count(session, claimed.where(*conditions))
    groups = _count(session, select(HumanTask.id).where(unclaimed_in(codes).whereclause, *conditions)) if codes else 0
    return ids, mine, groups


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def inbox_page(session: Session, user: User, page: int = 1, page_size: int = PAGE_SIZE,
               narrow: InboxFilter | None = None) -> InboxPage:
    """One page of the user's open tasks (claimed by them, or unclaimed in their groups), oldest first;
    `narrow` filters and sorts them by their cases."""
    people, codes = inbox_scope(session, user)
    page = max(page, 1)
    if narrow is not None and (narrow.narrows or narrow.sort != "received"):
        ids, mine, groups = _filtered_page(session, people, codes, narrow, page, page_size)
    else:
        ids, mine, groups = _oldest_first_page(session, people, codes, page, page_size)
    total = mine + groups
    return InboxPage(_tasks_with_cases(session, ids), total, page, max((total + page_size - 1) // page_size, 1),
                     mine, groups)


def _oldest_first_page(session: Session, people: list[int], codes: list[str], page: int,
                       page_size: int) -> tuple[list[int], int, int]:
    wanted = page * page_size
    order = (HumanTask.created_at, HumanTask.id)
    queues = [session.execute(claimed_by(people).order_by(*order).limit(wanted)).all()]
    if codes:
        queues.append(session.execute(_first_unclaimed(codes, wanted)).all())
    ids = [row.id for row in heapq.merge(*queues)][(page - 1) * page_size:wanted]
    return ids, _count(session, claimed_by(people)), _count(session, unclaimed_in(codes)) if codes else 0


def _tasks_with_cases(session: Session, ids: list[int]) -> list[HumanTask]:
    if not ids:
        return []
    # The application (the largest column, JSON) is not shown in lists: left unloaded.
    rows = session.scalars(select(HumanTask).join(HumanTask.case)
                           .options(contains_eager(HumanTask.case).defer(Case.application))
                           .where(HumanTask.id.in_(ids)))
    by_id = {task.id: task for task in rows}
    return [by_id[i] for i in ids]


def done_page(session: Session, user: User, page: int = 1, page_size: int = PAGE_SIZE) -> InboxPage:
    """What the user has finished, most recent first (index `ix_task_done_by`)."""
    page = max(page, 1)
    mine = HumanTask.completed_by_id == user.id
    ids = list(session.scalars(select(HumanTask.id).where(mine).order_by(HumanTask.completed_at.desc(),
                                                                          HumanTask.id.desc())
                               .offset((page - 1) * page_size).limit(page_size)))
    total = session.scalar(select(func.count()).select_from(HumanTask).where(mine)) or 0
    return InboxPage(_tasks_with_cases(session, ids), total, page, max((total + page_size - 1) // page_size, 1),
                     total, 0)


def applicant_tasks(session: Session, user: User) -> list[HumanTask]:
    """Open tasks that belong to the user as an applicant or agent (supplements)."""
    return list(session.scalars(
        select(HumanTask).join(HumanTask.case).where(HumanTask.state == "open", HumanTask.group_code == "applicant",
                                                     or_(Case.applicant_id == user.id, Case.agent_id == user.id))
        .order_by(HumanTask.created_at)))

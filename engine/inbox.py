"""Task inboxes, served from indexed `human_task` rows joined to their cases (never from workflows).

An inbox is two queues: tasks claimed by me, and unclaimed tasks of my groups. Each is read through its
own partial index (`ix_task_open_assignee`, `ix_task_queue`), already in order, and only as far as the
page needs; the database merges the few rows. An OR of both conditions would make it sort every open task
of the groups for each page. Counts stop at COUNT_CAP.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time
from functools import lru_cache

from sqlalchemy import bindparam, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session, contains_eager

from . import clock
from .models import Case, HumanTask, Item, User
from .permissions import inbox_scope

PAGE_SIZE = 25
# Queue counts stop here: past a thousand tasks nobody pages, they filter or sort, and counting a whole
# group's queue would cost the page more than everything else on it (docs/workbench.md). A count above
# the cap is shown as "1000+" and the pages offered end at the cap.
COUNT_CAP = 1000


@dataclass(frozen=True)
class InboxPage:
    tasks: list[HumanTask]
    total: int
    page: int
    pages: int
    mine: int       # claimed by me (at most COUNT_CAP + 1)
    groups: int     # unclaimed in my groups (at most COUNT_CAP + 1)

    @staticmethod
    def shown(count: int) -> str:
        """A count as the page shows it: exact up to the cap, "1000+" beyond."""
        return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)


def _pages(total: int, page_size: int) -> int:
    return max((min(total, COUNT_CAP) + page_size - 1) // page_size, 1)


# Written as literal SQL, not a bound parameter: a planner can only use a partial index whose predicate it
# can prove from the query text (SQLite always, PostgreSQL once it switches to generic prepared plans).
OPEN = literal_column("'open'")


def _claimed():
    """Open tasks claimed by any of `:people` (me, or also the colleagues I stand in for)."""
    return (HumanTask.state == OPEN, HumanTask.assignee_id.in_(bindparam("people", expanding=True)))


def _unclaimed(group: str):
    """Unclaimed open tasks of the group named by parameter `group` (one group: `ix_task_queue` in order)."""
    return HumanTask.state == OPEN, HumanTask.assignee_id.is_(None), HumanTask.group_code == bindparam(group)


def _unclaimed_in_groups():
    return (HumanTask.state == OPEN, HumanTask.assignee_id.is_(None),
            HumanTask.group_code.in_(bindparam("codes", expanding=True)))


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

# Each filter as a condition on the tasks' copies of their case's fields (`HumanTask.case_*`), which the queue
# indexes carry, by the name of its parameter.
_CONDITIONS = {
    "case_id": lambda p: HumanTask.case_id == p,
    "item_id": lambda p: HumanTask.case_item_id == p,
    "status": lambda p: HumanTask.case_status == p,
    "warning": lambda p: HumanTask.case_warning == p,
    "due_end": lambda p: HumanTask.case_due_at <= p,
    # Any part of the name: no b-tree serves it, so it is checked on the queue index's own copy of the name,
    # entry by entry, never on table rows (docs/workbench.md says why not pg_trgm).
    "applicant": lambda p: HumanTask.case_applicant.like(p, escape="/"),
}


def _like_part(text_: str) -> str:
    escaped = text_.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _filter_parameters(session: Session, f: InboxFilter) -> dict | object:
    """The filter's parameter values, by the names of `_CONDITIONS`. An item code or case number is looked up
    first (one indexed row each)."""
    values: dict = {}
    if f.case_no:
        values["case_id"] = session.scalar(select(Case.id).where(Case.case_no == f.case_no))
        if values["case_id"] is None:
            return NOTHING
    if f.item:
        values["item_id"] = session.scalar(select(Item.id).where(Item.code == f.item))
        if values["item_id"] is None:
            return NOTHING
    if f.status is not None:
        values["status"] = f.status
    if f.warning:
        values["warning"] = f.warning
    if f.due_before:
        values["due_end"] = datetime.combine(f.due_before, time.max, clock.TZ)
    if f.applicant:
        values["applicant"] = _like_part(f.applicant)
    return values


_ROW = (HumanTask.case_due_at, HumanTask.created_at, HumanTask.id)


def _heads(where, conditions, sort: str, queue: int) -> list:
    """A queue's first `:wanted` rows in the page's order, read in index order, tagged with the queue
    (0 claimed, 1 unclaimed). In due order: dated tasks by (due, arrival), then undated ones by arrival."""
    query = select(*_ROW, literal_column(str(queue)).label("queue")).where(*where, *conditions)
    wanted = bindparam("wanted")
    if sort == "due":
        return [query.where(HumanTask.case_due_at.is_not(None))
                .order_by(HumanTask.case_due_at, HumanTask.created_at, HumanTask.id).limit(wanted),
                # Ordered by the (null) due date too, so the planner reads `ix_task_queue_due`'s null range
                # in order rather than a whole group's `ix_task_queue` looking for nulls.
                query.where(HumanTask.case_due_at.is_(None))
                .order_by(HumanTask.case_due_at, HumanTask.created_at, HumanTask.id).limit(wanted)]
    return [query.order_by(HumanTask.created_at, HumanTask.id).limit(wanted)]


def _counted(where, conditions):
    """How many rows match, counting no further than one past COUNT_CAP."""
    return select(func.count()).select_from(select(HumanTask.id).where(*where, *conditions)
                                            .limit(COUNT_CAP + 1).subquery())


@dataclass(frozen=True)
class _Statements:
    page: object     # the page's tasks with their cases, in order, each row with the number of rows the heads
                     # read and how many of them were unclaimed (parameters people, group_<n>, wanted, skip,
                     # size, filters)
    counts: object   # my claimed tasks and my groups' unclaimed tasks, counted to the cap (people, codes, filters)


@lru_cache(maxsize=256)
def _statements(filters: tuple[str, ...], sort: str, groups: int) -> _Statements:
    """One page's statements for a shape of query (which filters, which order, how many groups), built once:
    constructing a union of a head per group costs more than the database takes to run it.

    Each head is an index range read of at most `:wanted` rows: my claimed tasks through
    `ix_task_open_assignee`, each group's unclaimed tasks through `ix_task_queue` (arrival order) or
    `ix_task_queue_due` (due order). The database merges and cuts them; an OR of the conditions would make
    it sort every open task of the groups. Filters are conditions on the index entries' own copies of the
    case fields, so no case or table row is read until the page's own 25 are joined to their cases."""
    conditions = [_CONDITIONS[name](bindparam(name)) for name in filters]
    heads = _heads(_claimed(), conditions, sort, 0)
    for n in range(groups):
        heads += _heads(_unclaimed(f"group_{n}"), conditions, sort, 1)
    both = union_all(*(select(*head.subquery().c) for head in heads)).subquery()

    def order(rows):
        if sort == "due":
            return rows.c.case_due_at.is_(None), rows.c.case_due_at, rows.c.created_at, rows.c.id
        return rows.c.created_at, rows.c.id

    cut = (select(both.c.id, both.c.case_due_at, both.c.created_at, func.count().over().label("read"),
                  func.sum(both.c.queue).over().label("unclaimed"))
           .order_by(*order(both)).offset(bindparam("skip")).limit(bindparam("size")).subquery())
    # The application (the largest column, JSON) is not shown in lists: left unloaded.
    page = (select(HumanTask, cut.c.read, cut.c.unclaimed).join(cut, cut.c.id == HumanTask.id)
            .join(HumanTask.case).options(contains_eager(HumanTask.case).defer(Case.application))
            .order_by(*order(cut)))
    counts = select(_counted(_claimed(), conditions).scalar_subquery(),
                    _counted(_unclaimed_in_groups(), conditions).scalar_subquery())
    return _Statements(page, counts)


def inbox_page(session: Session, user: User, page: int = 1, page_size: int = PAGE_SIZE,
               narrow: InboxFilter | None = None) -> InboxPage:
    """One page of the user's open tasks (claimed by them, or unclaimed in their groups), oldest first;
    `narrow` filters and sorts them by their cases."""
    people, codes = inbox_scope(session, user)
    page = max(page, 1)
    narrow = narrow or InboxFilter()
    values = _filter_parameters(session, narrow)
    if values is NOTHING:
        return InboxPage([], 0, page, 1, 0, 0)
    statements = _statements(tuple(sorted(values)), narrow.sort, len(codes))
    parameters = {**values, "people": people, "codes": codes, "wanted": page * page_size,
                  "skip": (page - 1) * page_size, "size": page_size,
                  **{f"group_{n}": code for n, code in enumerate(codes)}}
    # Pages end at the cap; a page past it is not read (its heads would read the queues to the end).
    rows = session.execute(statements.page, parameters).all() if page <= _pages(COUNT_CAP, page_size) else []
    read = rows[0].read if rows else 0
    if read < parameters["wanted"] and (rows or page == 1):
        # No head reached its limit, so the heads read every matching task: the counts are known already
        # (a rare name or a case number, an empty inbox), and counting would scan the queues again.
        groups = int(rows[0].unclaimed) if rows else 0
        mine = read - groups
    else:
        mine, groups = session.execute(statements.counts, parameters).one()
    total = mine + groups
    return InboxPage([row.HumanTask for row in rows], total, page, _pages(total, page_size), mine, groups)


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

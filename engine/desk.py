"""The supervision desk's lists (电子监察): every waiting deadline with its due time, case, step, handler and
department; the live yellow and red lists are the same query narrowed by level.

Three kinds of deadline, each read from its own partial index in due order and only as far as the page
needs, then merged: BPMN timers (`case_timer.due_at`), steps' own limits (`ix_task_open_due`) and cases'
promised limits (`ix_case_open_due`). Pages are "next / previous" without a total: counting every open
case on each page would cost more than the page itself.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, String, cast, literal_column, null, select, text, union_all
from sqlalchemy.orm import Session

from . import clock, deadlines
from .i18n import _
from .models import Case, CaseTimer, Department, HumanTask, Item, User
from .models.case import OPEN_CASE_DUE, OPEN_STEP_DUE
from .permissions import supervised_departments

PAGE_SIZE = 50
KINDS = {"timer": _("流程定时器"), "step": _("环节时限"), "case": _("承诺办结时限")}
LEVELS = {"city": _("市级"), "county": _("县（区）级"), "township": _("乡镇（街道）级")}
WARNINGS = ("normal", "yellow", "red")


@dataclass(frozen=True)
class DeskFilter:
    """What a supervisor narrows the desk to; every field optional."""

    department: str | None = None   # department code
    item: str | None = None         # item code
    level: str | None = None        # city / county / township (the department's level)
    warning: str | None = None      # normal / yellow / red
    kind: str | None = None         # timer / step / case
    due_from: date | None = None    # local dates, inclusive
    due_to: date | None = None

    def to_query(self) -> dict:
        return {f.name: (v.isoformat() if isinstance(v, date) else v) for f in fields(self)
                if (v := getattr(self, f.name)) not in (None, "")}


@dataclass(frozen=True)
class DeskRow:
    kind: str
    due_at: datetime
    level: str
    case_id: int
    case_no: str
    title: str
    item: str
    step: str            # the step's name (a case row: its oldest open step, if any)
    task_id: int | None
    handler: str         # who holds the step: the assignee, else the group's name
    department: str
    timer: str           # a BPMN timer's name
    overdue: bool


@dataclass(frozen=True)
class DeskPage:
    rows: list[DeskRow]
    page: int
    has_next: bool
    problems: dict       # filter values that could not be used, by field


def _departments(session: Session, user: User, f: DeskFilter, problems: dict) -> list[int] | None:
    """The department ids the page may show: the supervisor's scope narrowed by department and level."""
    scope = supervised_departments(session, user)
    ids = None if scope is None else set(scope)
    if f.department:
        dept = session.scalar(select(Department.id).where(Department.code == f.department))
        if dept is None:
            problems["department"] = _("没有编码为“%(code)s”的部门。", code=f.department)
        else:
            ids = {dept} & ids if ids is not None else {dept}
    if f.level:
        at_level = set(session.scalars(select(Department.id).where(Department.level == f.level)))
        ids = at_level & ids if ids is not None else at_level
    return None if ids is None else sorted(ids)


def overdue_timers(session: Session, user: User, f: DeskFilter | None = None, page: int = 1,
                   page_size: int = PAGE_SIZE, now: datetime | None = None) -> DeskPage:
    """One page of the deadlines the supervisor watches, soonest (most overdue) first."""
    f, now, page = f or DeskFilter(), now or clock.now(), max(page, 1)
    problems: dict = {}
    departments = _departments(session, user, f, problems)
    item_id = None
    if f.item:
        item_id = session.scalar(select(Item.id).where(Item.code == f.item))
        if item_id is None:
            problems["item"] = _("没有编码为“%(code)s”的事项。", code=f.item)
    if departments == [] or (f.item and item_id is None):
        return DeskPage([], page, False, problems)
    wanted = page * page_size + 1
    branches = []
    kinds = [f.kind] if f.kind in KINDS else list(KINDS)
    for kind in kinds:
        query = _branch(kind, now)
        due = query.selected_columns.due_at
        if departments is not None:
            column = HumanTask.department_id if kind == "step" else Case.department_id
            query = query.where(column.in_(departments))
        if item_id is not None:
            query = query.where(Case.item_id == item_id)
        if f.warning in WARNINGS:
            query = query.where(query.selected_columns.level == f.warning)
            if kind == "step":  # the same test on the step's own copy of its case's level: filtered before the join
                query = query.where(_step_warning(f.warning, now))
        if f.due_from:
            query = query.where(due >= datetime.combine(f.due_from, time(0), clock.TZ))
        if f.due_to:
            query = query.where(due < datetime.combine(f.due_to + timedelta(days=1), time(0), clock.TZ))
        branches.append(query.order_by(due).limit(wanted))
    if len(branches) == 1:
        merged = branches[0].subquery()
    else:
        merged = union_all(*[select(b.subquery()) for b in branches]).subquery()
    found = session.execute(select(merged).order_by(merged.c.due_at, merged.c.kind, merged.c.case_id)
                            .offset((page - 1) * page_size).limit(page_size + 1)).all()
    has_next = len(found) > page_size
    return DeskPage(_describe(session, found[:page_size], now), page, has_next, problems)


def _branch(kind: str, now: datetime):
    if kind == "timer":
        return (select(literal_column("'timer'").label("kind"), CaseTimer.due_at.label("due_at"),
                       Case.warning_level.label("level"), Case.id.label("case_id"),
                       HumanTask.id.label("task_id"), CaseTimer.name.label("timer"))
                .select_from(CaseTimer).join(Case, Case.id == CaseTimer.case_id)
                .outerjoin(HumanTask, HumanTask.task_uuid == CaseTimer.task_uuid))
    if kind == "step":
        return (select(literal_column("'step'").label("kind"), HumanTask.due_at.label("due_at"),
                       deadlines.step_level_sql(now).label("level"), Case.id.label("case_id"),
                       HumanTask.id.label("task_id"), cast(null(), String(200)).label("timer"))
                .select_from(HumanTask).join(Case, Case.id == HumanTask.case_id).where(text(_qualified_step())))
    return (select(literal_column("'case'").label("kind"), Case.promised_due_at.label("due_at"),
                   Case.warning_level.label("level"), Case.id.label("case_id"),
                   cast(null(), Integer).label("task_id"), cast(null(), String(200)).label("timer"))
            .where(text(_qualified_case())))


def _step_warning(warning: str, now: datetime):
    """`deadlines.step_level` == warning, over the open step's copy of its case's level (`case_warning`)."""
    from sqlalchemy import and_, func, or_

    level = func.coalesce(HumanTask.case_warning, "normal")
    if warning == "red":  # the bare column, so `ix_task_open_due_warning` reads red steps in due order
        return HumanTask.case_warning == "red"
    if warning == "yellow":
        return and_(level != "red", or_(HumanTask.due_at <= now, level == "yellow"))
    return and_(level == "normal", HumanTask.due_at > now)


def _qualified_step() -> str:
    # The partial index's predicate, verbatim, with the table named (the query joins case_file, whose
    # columns share some names).
    return OPEN_STEP_DUE.replace("state", "human_task.state").replace("due_at", "human_task.due_at")


def _qualified_case() -> str:
    return OPEN_CASE_DUE.replace("promised_due_at", "case_file.promised_due_at").replace("status", "case_file.status")


def _describe(session: Session, found, now: datetime) -> list[DeskRow]:
    if not found:
        return []
    case_ids = {row.case_id for row in found}
    # Only the columns a row shows: whole rows would decode every application and submission (JSON).
    cases = {c.id: c for c in session.execute(select(Case.id, Case.case_no, Case.title, Case.item_id,
                                                     Case.department_id).where(Case.id.in_(case_ids)))}
    step_columns = (HumanTask.id, HumanTask.case_id, HumanTask.name, HumanTask.assignee_id, HumanTask.group_code,
                    HumanTask.department_id)
    open_steps = {}
    for task in session.execute(select(*step_columns).where(HumanTask.case_id.in_(case_ids), HumanTask.state == "open")
                                .order_by(HumanTask.created_at, HumanTask.id)):
        open_steps.setdefault(task.case_id, task)
    task_ids = {row.task_id for row in found if row.task_id is not None}
    tasks = ({t.id: t for t in session.execute(select(*step_columns).where(HumanTask.id.in_(task_ids)))}
             if task_ids else {})
    people = {t.assignee_id for t in list(tasks.values()) + list(open_steps.values()) if t.assignee_id}
    names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(people))).all()) if people else {}
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    from .organisation import group_names  # small cached mapping

    groups = group_names(session)
    items = dict(session.execute(select(Item.id, Item.name).where(Item.id.in_({c.item_id for c in cases.values()})))
                 .all())
    rows = []
    for row in found:
        case = cases[row.case_id]
        task = tasks.get(row.task_id) if row.task_id is not None else open_steps.get(case.id)
        handler = ""
        if task is not None:
            handler = names.get(task.assignee_id) or groups.get(task.group_code, task.group_code or "")
        dept = (task.department_id if task is not None and row.kind == "step" else None) or case.department_id
        rows.append(DeskRow(row.kind, row.due_at, row.level, case.id, case.case_no, case.title,
                            items.get(case.item_id, ""), task.name if task is not None else "",
                            task.id if task is not None else None, handler, departments.get(dept, ""),
                            row.timer or "", row.due_at <= now))
    return rows


@dataclass(frozen=True)
class FaultRow:
    case_id: int
    case_no: str
    title: str
    item: str
    department: str
    fault: str            # the diagram's error, as the scheduler or the engine recorded it
    since: datetime


def workflow_faults(session: Session, user: User, limit: int = 100) -> list[FaultRow]:
    """Cases in the supervisor's scope stopped by a workflow fault (`case_file.fault`), latest first: the
    scheduler parks a case whose diagram fails when a timer fires, and nothing moves it on its own."""
    scope = supervised_departments(session, user)
    if scope == []:
        return []
    query = (select(Case.id, Case.case_no, Case.title, Item.name, Department.name, Case.fault, Case.updated_at)
             .join(Item, Item.id == Case.item_id).outerjoin(Department, Department.id == Case.department_id)
             .where(Case.fault.is_not(None)).order_by(Case.updated_at.desc(), Case.id.desc()).limit(limit))
    if scope is not None:
        query = query.where(Case.department_id.in_(scope))
    return [FaultRow(*row[:4], row[4] or "", row[5], row[6]) for row in session.execute(query)]


def level_counts(session: Session, user: User, now: datetime | None = None) -> dict:
    """How many open cases and open staff steps in the supervisor's scope are yellow and red (the
    dashboard): {"case": {"yellow": n, "red": n}, "step": {...}}. The rows the live lists show: open cases
    (yellow or red only against a promised limit) and staff steps with their own limit, at the level
    `deadlines.step_level` gives them, counted in one pass over the open steps' partial index without a
    join to the cases (bench/desk_bench.py times it)."""
    from sqlalchemy import case as sql_case, func

    from .permissions import APPLICANT_GROUP

    now = now or clock.now()
    scope = supervised_departments(session, user)
    counts = {"case": {"yellow": 0, "red": 0}, "step": {"yellow": 0, "red": 0}}
    if scope == []:
        return counts
    # A yellow or red case always has a promised limit (engine.case_clock.warning_level), so the open cases'
    # partial index `ix_case_open_due_warning` holds them all; its predicate is named verbatim for SQLite.
    cases = (select(Case.warning_level, func.count()).where(text(_qualified_case()),
                                                           Case.warning_level.in_(("yellow", "red"))))
    # Steps from their own rows alone: an open task carries its case's level (`case_warning`, kept equal by
    # engine.models.case), so no join to the cases; one pass over `ix_task_open_due_warning`, by level, with
    # how many are past their own limit. The level rule is `deadlines.step_level`'s: red with its case;
    # yellow with a yellow case, or past its own limit in a case that is not red.
    steps = (select(HumanTask.case_warning, func.count(), func.sum(sql_case((HumanTask.due_at <= now, 1), else_=0)))
             .where(text(_qualified_step()), func.coalesce(HumanTask.group_code, "") != APPLICANT_GROUP))
    if scope is not None:
        cases = cases.where(Case.department_id.in_(scope))
        steps = steps.where(HumanTask.department_id.in_(scope))
    for colour, n in session.execute(cases.group_by(Case.warning_level)).all():
        counts["case"][colour] = n
    for level, n, overdue in session.execute(steps.group_by(HumanTask.case_warning)).all():
        if level == "red":
            counts["step"]["red"] += n
        elif level == "yellow":
            counts["step"]["yellow"] += n
        else:
            counts["step"]["yellow"] += int(overdue or 0)
    return counts


def waiting_counts(session: Session, user: User) -> dict:
    """In the supervisor's scope: urges not yet answered and cards nobody has acknowledged (the dashboard)."""
    from sqlalchemy import func

    from .models import SupervisionCard, Urge

    scope = supervised_departments(session, user)
    if scope == []:
        return {"urges": 0, "cards": 0}
    urges = (select(func.count()).select_from(Urge).join(Case, Case.id == Urge.case_id)
             .where(Urge.answered_at.is_(None)))
    cards = select(func.count()).select_from(SupervisionCard).where(SupervisionCard.acknowledged_at.is_(None))
    if scope is not None:
        urges = urges.where(Case.department_id.in_(scope))
        cards = cards.where(SupervisionCard.department_id.in_(scope))
    return {"urges": session.scalar(urges) or 0, "cards": session.scalar(cards) or 0}

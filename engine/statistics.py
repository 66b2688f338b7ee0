"""Statistics of the supervision desk (统计分析): counts and rates by department, item, window, clerk, level
or month, computed with GROUP BY over case rows (`case_file`, the pre-review task that accepted or refused
it, the `evaluation` row), never from workflows. The window is the one a walk-in case was received at
(`case_file.window`); online cases count under 网上申报 (`engine.windows`).

The population is the **cohort of cases received in the period** (local dates, inclusive) inside the
supervisor's scope: every number of a row is about the same cases, so each number drills down to the
list of those cases with the same filter and one metric's condition (`cases_behind`). Each metric is one
SQL condition (`_conditions`), used both to count and to list: the two cannot disagree.

Working days (average per case) come from engine.calendar over (accepted day, concluded day, paused
days) groups, so the calendar is applied per distinct group, not per case.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case as sql_case, func, literal, literal_column, or_, select, true
from sqlalchemy.orm import Session

from . import clock, windows
from .calendar import WorkCalendar
from .i18n import _
from .models import Case, Department, Evaluation, HumanTask, Item, User
from .permissions import supervised_departments
from .status import CONCLUDED, FINAL

DIMENSIONS = {"department": _("部门"), "item": _("事项"), "window": _("窗口"), "clerk": _("受理人员"),
              "level": _("层级"), "month": _("月份")}
METRICS = {"received": _("收件"), "accepted": _("受理"), "refused": _("不予受理"), "concluded": _("办结"),
           "in_progress": _("在办"), "overdue": _("超期"), "early": _("提前办结"), "on_time": _("按时办结"),
           "evaluated": _("评价数"), "bad_review": _("差评数")}
LEVEL_LABELS = {"province": _("省级"), "city": _("市级"), "county": _("县（区）级"), "township": _("乡镇（街道）级")}
NO_CLERK = _("（未经窗口受理）")
PAGE_SIZE = 50

_CONCLUDED = sorted(int(s) for s in CONCLUDED)
_FINAL = sorted(int(s) for s in FINAL)
_REFUSED = [4, 5]  # 不受理 / 不予受理 (engine.status)


@dataclass(frozen=True)
class StatsFilter:
    """A statistics question: group by `dimension`, cases received from `date_from` to `date_to`."""

    dimension: str = "department"
    date_from: date | None = None
    date_to: date | None = None
    department: str | None = None   # narrow to one department (code)
    item: str | None = None         # narrow to one item (code)

    def to_query(self) -> dict:
        return {f.name: (v.isoformat() if isinstance(v, date) else v) for f in fields(self)
                if (v := getattr(self, f.name)) not in (None, "")}


@dataclass
class StatsRow:
    key: str                 # what `cases_behind` takes: an id, a level, a month, a window; "none": no clerk
    label: str
    counts: dict = field(default_factory=dict)   # metric -> number of cases
    workdays_total: int = 0  # working days used by the concluded cases that were accepted
    workdays_cases: int = 0
    rating_total: int = 0

    @property
    def early_rate(self) -> float | None:
        return _rate(self.counts.get("early", 0), self.counts.get("concluded", 0))

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.counts.get("on_time", 0), self.counts.get("concluded", 0))

    @property
    def average_workdays(self) -> float | None:
        return round(self.workdays_total / self.workdays_cases, 1) if self.workdays_cases else None

    @property
    def average_rating(self) -> float | None:
        evaluated = self.counts.get("evaluated", 0)
        return round(self.rating_total / evaluated, 2) if evaluated else None


@dataclass
class StatsTable:
    filter: StatsFilter
    rows: list[StatsRow]
    total: StatsRow
    problems: dict


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _local(column, dialect: str, fmt: str):
    """A UTC timestamp column as local (Beijing, no summer time) text: fmt 'day' or 'month'."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM-DD" if fmt == "day" else "YYYY-MM")
    return func.strftime("%Y-%m-%d" if fmt == "day" else "%Y-%m", column, "+8 hours")


def _day_before(column, dialect: str):
    """The deadline's last day begins one day before the midnight it ends at."""
    if dialect == "postgresql":
        return column - literal_column("interval '1 day'")
    return func.datetime(column, "-1 day")


def _window(f: StatsFilter) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(f.date_from, time(0), clock.TZ) if f.date_from else None
    end = datetime.combine(f.date_to + timedelta(days=1), time(0), clock.TZ) if f.date_to else None
    return start, end


def _cohort(session: Session, user: User, f: StatsFilter, problems: dict):
    """The cases the question is about, one row each, with the columns every metric and dimension needs."""
    dialect = session.get_bind().dialect.name
    clerk = (select(HumanTask.completed_by_id).where(HumanTask.case_id == Case.id,
                                                     HumanTask.case_step == "pre_review", HumanTask.state == "done")
             .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc()).limit(1).correlate(Case).scalar_subquery())
    concluded_sql = Case.concluded_at if dialect == "postgresql" else func.datetime(Case.concluded_at)
    # The window a case was received at; online (and agent, API) cases count under 网上申报 (engine.windows).
    window = sql_case((Case.window.is_not(None), Case.window),
                      (Case.channel == "window", literal(windows.UNRECORDED)), else_=literal(windows.ONLINE))
    query = (select(Case.id.label("case_id"), Case.department_id, Case.item_id, Case.status, Case.accepted_at,
                    Case.concluded_at, Case.promised_due_at, Case.paused_workdays, Case.warning_level,
                    Department.level.label("level"), clerk.label("clerk_id"), window.label("window"),
                    _local(Case.received_at, dialect, "month").label("month"),
                    _local(Case.accepted_at, dialect, "day").label("accepted_day"),
                    _local(Case.concluded_at, dialect, "day").label("concluded_day"),
                    (concluded_sql < _day_before(Case.promised_due_at, dialect)).label("before_last_day"),
                    Evaluation.level.label("rating"), Evaluation.is_bad.label("bad"))
             .join(Department, Department.id == Case.department_id)
             .outerjoin(Evaluation, Evaluation.case_id == Case.id))
    scope = supervised_departments(session, user)
    if scope is not None:
        query = query.where(Case.department_id.in_(scope or [-1]))
    start, end = _window(f)
    if start is not None:
        query = query.where(Case.received_at >= start)
    if end is not None:
        query = query.where(Case.received_at < end)
    if f.department:
        dept = session.scalar(select(Department.id).where(Department.code == f.department))
        if dept is None:
            problems["department"] = _("没有编码为“%(code)s”的部门。", code=f.department)
        else:
            query = query.where(Case.department_id == dept)
    if f.item:
        item = session.scalar(select(Item.id).where(Item.code == f.item))
        if item is None:
            problems["item"] = _("没有编码为“%(code)s”的事项。", code=f.item)
        else:
            query = query.where(Case.item_id == item)
    return query.subquery("cohort").c


def _conditions(c) -> dict:
    """Each metric as an SQL condition over a cohort row (see the module's docstring and docs)."""
    concluded = c.status.in_(_CONCLUDED)
    return {
        "received": true(),
        "accepted": c.accepted_at.is_not(None),
        "refused": c.status.in_(_REFUSED),
        "concluded": concluded,
        "in_progress": and_(c.accepted_at.is_not(None), c.status.not_in(_FINAL)),
        "overdue": or_(and_(concluded, c.promised_due_at.is_not(None), c.concluded_at > c.promised_due_at),
                       and_(c.status.not_in(_FINAL), c.warning_level == "red")),
        "early": and_(concluded, c.promised_due_at.is_not(None), c.before_last_day),
        "on_time": and_(concluded, or_(c.promised_due_at.is_(None), c.concluded_at <= c.promised_due_at)),
        "evaluated": c.rating.is_not(None),
        "bad_review": c.bad.is_(True),
    }


def _key_column(c, dimension: str):
    return {"department": c.department_id, "item": c.item_id, "clerk": c.clerk_id, "level": c.level,
            "month": c.month, "window": c.window}[dimension]


def table(session: Session, user: User, f: StatsFilter, calendar: WorkCalendar) -> StatsTable:
    """One row per value of the dimension (and a total row) with every metric, rate and average."""
    problems: dict = {}
    if f.dimension not in DIMENSIONS:
        problems["dimension"] = _("统计维度“%(value)s”无效，已按部门统计。", value=f.dimension[:20])
        f = replace(f, dimension="department")
    c = _cohort(session, user, f, problems)
    key = _key_column(c, f.dimension)
    sums = [func.sum(sql_case((condition, 1), else_=0)).label(name) for name, condition in _conditions(c).items()]
    rows: dict = {}
    for found in session.execute(select(key.label("key"), *sums, func.sum(func.coalesce(c.rating, 0)).label("rt"))
                                 .group_by(key)).all():
        row = rows.setdefault(_key_text(found.key), StatsRow(_key_text(found.key), ""))
        row.counts = {name: int(getattr(found, name) or 0) for name in METRICS}
        row.rating_total = int(found.rt or 0)
    concluded = c.status.in_(_CONCLUDED)
    for found in session.execute(select(key.label("key"), c.accepted_day, c.concluded_day, c.paused_workdays,
                                        func.count().label("n"))
                                 .where(concluded, c.accepted_day.is_not(None))
                                 .group_by(key, c.accepted_day, c.concluded_day, c.paused_workdays)).all():
        row = rows[_key_text(found.key)]
        used = workdays_used(calendar, found.accepted_day, found.concluded_day, found.paused_workdays or 0)
        row.workdays_total += used * found.n
        row.workdays_cases += found.n
    _label(session, f.dimension, rows)
    ordered = sorted(rows.values(), key=lambda r: (-r.counts.get("received", 0), r.label))
    if f.dimension == "month":
        ordered = sorted(rows.values(), key=lambda r: r.key)
    total = StatsRow("all", str(_("合计")))
    for row in ordered:
        for name in METRICS:
            total.counts[name] = total.counts.get(name, 0) + row.counts.get(name, 0)
        total.workdays_total += row.workdays_total
        total.workdays_cases += row.workdays_cases
        total.rating_total += row.rating_total
    return StatsTable(f, ordered, total, problems)


def workdays_used(calendar: WorkCalendar, accepted_day: str, concluded_day: str, paused: int) -> int:
    """Working days a concluded case used, as its clock counts them (engine.deadlines): from the working
    day after acceptance to the day of conclusion, paused working days not counted."""
    start, end = date.fromisoformat(accepted_day), date.fromisoformat(concluded_day)
    used = calendar.workdays_between(start + timedelta(days=1), end + timedelta(days=1)) if end > start else 0
    return max(used - paused, 0)


def _key_text(value) -> str:
    return "none" if value is None else str(value)


def _label(session: Session, dimension: str, rows: dict) -> None:
    ids = [int(k) for k in rows if k.isdigit()]
    names: dict = {}
    if dimension == "department" and ids:
        names = dict(session.execute(select(Department.id, Department.name).where(Department.id.in_(ids))).all())
    elif dimension == "item" and ids:
        names = dict(session.execute(select(Item.id, Item.name).where(Item.id.in_(ids))).all())
    elif dimension == "clerk" and ids:
        names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
    window_names = windows.labels(session) if dimension == "window" else {}
    for key, row in rows.items():
        if dimension == "window":
            row.label = window_names.get(key, key)
        elif dimension == "level":
            row.label = str(LEVEL_LABELS.get(key, key))
        elif dimension == "month":
            row.label = key
        elif key == "none":
            row.label = str(NO_CLERK)
        else:
            row.label = names.get(int(key), key)


def parse_key(dimension: str, key: str):
    """A row's key from a URL back to the value the cohort column holds; None when it cannot be one."""
    if dimension in ("department", "item", "clerk"):
        if key == "none" and dimension == "clerk":
            return "none"
        return int(key) if key.isascii() and key.isdigit() and len(key) < 12 else None
    if dimension == "level":
        return key if key in LEVEL_LABELS else None
    if dimension == "window":
        return key if key in windows.LABELS or (":" in key and len(key) <= 100) else None
    if dimension == "month":
        try:
            date.fromisoformat(key + "-01")
        except ValueError:
            return None
        return key
    return None


@dataclass(frozen=True)
class CasePage:
    cases: list
    page: int
    has_next: bool


def cases_behind(session: Session, user: User, f: StatsFilter, key: str, metric: str, page: int = 1,
                 page_size: int = PAGE_SIZE) -> CasePage | None:
    """The cases behind one number of the table: the same cohort, the row's key, the metric's condition.
    None when the key or metric is not one the table shows (the caller answers 404)."""
    value = parse_key(f.dimension, key) if key != "all" else "all"
    if f.dimension not in DIMENSIONS or metric not in METRICS or value is None:
        return None
    c = _cohort(session, user, f, {})
    condition = _conditions(c)[metric]
    ids = select(c.case_id).where(condition)
    if value != "all":
        column = _key_column(c, f.dimension)
        ids = ids.where(column.is_(None) if value == "none" else column == value)
    found = list(session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.received_at, Case.id)
                                 .offset((page - 1) * page_size).limit(page_size + 1)))
    return CasePage(found[:page_size], page, len(found) > page_size)


def trend(session: Session, user: User, f: StatsFilter) -> list[tuple[str, int, int, int]]:
    """(month, received, concluded, overdue) for every month of the period (zeros included), for the trend."""
    c = _cohort(session, user, f, {})
    conditions = _conditions(c)
    rows = session.execute(select(c.month, func.count(),
                                  func.sum(sql_case((conditions["concluded"], 1), else_=0)),
                                  func.sum(sql_case((conditions["overdue"], 1), else_=0)))
                           .group_by(c.month).order_by(c.month)).all()
    found = {month: (int(n), int(done or 0), int(late or 0)) for month, n, done, late in rows}
    months = _months(f.date_from, f.date_to) if f.date_from and f.date_to else sorted(found)
    return [(month, *found.get(month, (0, 0, 0))) for month in months]


def _months(first: date, last: date) -> list[str]:
    """Every month from `first` to `last` ("YYYY-MM"), so a month without cases shows as zero."""
    months, at = [], first.replace(day=1)
    while at <= last and len(months) < 240:
        months.append(at.strftime("%Y-%m"))
        at = (at.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months

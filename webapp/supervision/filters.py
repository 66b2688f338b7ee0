"""The desk's and the statistics' filter forms: URL parameters in, an engine filter out, with a Chinese
message naming every value that could not be used (that value is left out; the page still shows)."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from engine import clock
from engine.desk import KINDS, LEVELS, WARNINGS, DeskFilter
from engine.models import Department, Item
from engine.permissions import supervised_departments
from engine.statistics import DIMENSIONS, StatsFilter

LEVEL_ORDER = ("province", "city", "county", "township")


def department_choices(session, user) -> list[tuple[str, str, str]]:
    """(code, name, level) of the departments the supervisor watches."""
    scope = supervised_departments(session, user)
    query = select(Department.code, Department.name, Department.level).order_by(Department.sort, Department.code)
    if scope is not None:
        query = query.where(Department.id.in_(scope or [-1]))
    return [tuple(row) for row in session.execute(query)]


def level_choices(departments) -> list[tuple[str, str]]:
    """The levels a supervisor may narrow to: theirs and those below (the levels of their departments)."""
    present = {level for _code, _name, level in departments}
    return [(level, str(LEVELS[level])) for level in LEVEL_ORDER if level in present and level in LEVELS]


def item_choices(session) -> list[tuple[str, str]]:
    return [tuple(row) for row in session.execute(select(Item.code, Item.name).where(Item.retired_at.is_(None))
                                                   .order_by(Item.code))]


def _date(args, key: str, label: str, problems: list) -> date | None:
    raw = (args.get(key) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(_("%(label)s“%(value)s”不是有效日期（如 2026-12-31），已忽略。", label=label, value=raw[:20]))
        return None


def _choice(args, key: str, allowed, label: str, problems: list) -> str | None:
    raw = (args.get(key) or "").strip()
    if not raw:
        return None
    if raw in allowed:
        return raw
    problems.append(_("%(label)s“%(value)s”无效，已忽略。", label=label, value=raw[:30]))
    return None


def desk_from_args(args, departments, items) -> tuple[DeskFilter, list[str]]:
    problems: list[str] = []
    values = {
        "department": _choice(args, "department", {c for c, _n, _l in departments}, _("部门"), problems),
        "item": _choice(args, "item", {c for c, _n in items}, _("事项"), problems),
        "level": _choice(args, "level", {c for c, _n in level_choices(departments)}, _("层级"), problems),
        "warning": _choice(args, "warning", set(WARNINGS), _("预警等级"), problems),
        "kind": _choice(args, "kind", set(KINDS), _("时限类型"), problems),
        "due_from": _date(args, "due_from", _("到期日期起"), problems),
        "due_to": _date(args, "due_to", _("到期日期止"), problems),
    }
    if values["due_from"] and values["due_to"] and values["due_from"] > values["due_to"]:
        problems.append(_("到期日期起不能晚于到期日期止，已忽略日期范围。"))
        values["due_from"] = values["due_to"] = None
    return DeskFilter(**values), problems


def month_bounds(month: str) -> tuple[date, date] | None:
    try:
        first = date.fromisoformat(month + "-01")
    except ValueError:
        return None
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first, following - timedelta(days=1)


def stats_from_args(args, departments, items) -> tuple[StatsFilter, list[str], str]:
    """The statistics question and the month it is about ("" when from/to dates were given)."""
    problems: list[str] = []
    dimension = _choice(args, "dimension", set(DIMENSIONS), _("统计维度"), problems) or "department"
    date_from = _date(args, "date_from", _("起始日期"), problems)
    date_to = _date(args, "date_to", _("截止日期"), problems)
    month = (args.get("month") or "").strip()
    if month and month_bounds(month) is None:
        problems.append(_("月份“%(value)s”无效（如 2026-03），已忽略。", value=month[:20]))
        month = ""
    if date_from and date_to and date_from > date_to:
        problems.append(_("起始日期不能晚于截止日期，已忽略日期范围。"))
        date_from = date_to = None
    if not (date_from or date_to):
        month = month or clock.local_now().strftime("%Y-%m")
        date_from, date_to = month_bounds(month)
    else:
        month = ""
    values = dict(dimension=dimension, date_from=date_from, date_to=date_to,
                  department=_choice(args, "department", {c for c, _n, _l in departments}, _("部门"), problems),
                  item=_choice(args, "item", {c for c, _n in items}, _("事项"), problems))
    return StatsFilter(**values), problems, month

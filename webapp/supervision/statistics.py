"""Statistics (统计分析): the table by department, item, window, clerk, level or month; the cases behind
every number; chart data (ECharts, static/statistics.js) with a table beside each chart; CSV, Excel and the monthly PDF."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from flask import abort, jsonify, render_template, request
from flask_babel import gettext as _

from engine import calendar_store, reports
from engine import statistics as stats
from engine.models import Department

from .. import downloads
from ..access import area_required, signed_in
from ..extensions import db
from ..params import page_arg
from . import filters


def _question():
    user = signed_in()
    departments, items = filters.department_choices(db.session, user), filters.item_choices(db.session)
    narrow, problems, month = filters.stats_from_args(request.args, departments, items)
    return user, narrow, problems, month, departments, items


def _query(narrow, month: str) -> dict:
    """The URL parameters that ask the same question again (a month stays a month)."""
    query = narrow.to_query()
    if month:
        query.pop("date_from", None)
        query.pop("date_to", None)
        query["month"] = month
    return query


def _table(user, narrow):
    return stats.table(db.session, user, narrow, calendar_store.calendar_for(db.session))


def _trend_filter(narrow, month: str):
    """The trend covers the twelve months up to the month asked about, or the dates asked about."""
    if not month:
        return narrow
    first = date.fromisoformat(month + "-01")
    start = first
    for _i in range(11):
        start = (start - timedelta(days=1)).replace(day=1)
    return replace(narrow, date_from=start)


@area_required("supervision")
def statistics():
    user, narrow, problems, month, departments, items = _question()
    table = _table(user, narrow)
    problems += [str(m) for m in table.problems.values()]
    by_department = table if narrow.dimension == "department" else _table(user, replace(narrow, dimension="department"))
    by_item = table if narrow.dimension == "item" else _table(user, replace(narrow, dimension="item"))
    trend = stats.trend(db.session, user, _trend_filter(narrow, month))
    ranking = sorted(by_department.rows, key=lambda r: (-(r.on_time_rate or 0), -r.counts.get("received", 0)))
    late_items = sorted((r for r in by_item.rows if r.counts.get("overdue")), key=lambda r: -r.counts["overdue"])
    return render_template("supervision/statistics.html", table=table, narrow=narrow, query=_query(narrow, month),
                           month=month, problems=problems, departments=departments, items=items,
                           dimensions=stats.DIMENSIONS, metrics=stats.METRICS, rates=reports.RATES, trend=trend,
                           ranking=ranking, late_items=late_items, scope=_scope_name(user))


@area_required("supervision")
def charts():
    user, narrow, _problems, month, _d, _i = _question()
    by_department = _table(user, replace(narrow, dimension="department"))
    by_item = _table(user, replace(narrow, dimension="item"))
    trend = stats.trend(db.session, user, _trend_filter(narrow, month))
    ranking = sorted(by_department.rows, key=lambda r: (-(r.on_time_rate or 0), -r.counts.get("received", 0)))
    return jsonify({
        "trend": {"months": [m for m, *_ in trend], "received": [n for _m, n, _c, _o in trend],
                  "concluded": [c for _m, _n, c, _o in trend], "overdue": [o for _m, _n, _c, o in trend],
                  "labels": {"received": _("收件"), "concluded": _("办结"), "overdue": _("超期")}},
        "departments": {"names": [r.label for r in ranking], "on_time_rate": [r.on_time_rate for r in ranking],
                        "received": [r.counts.get("received", 0) for r in ranking],
                        "labels": {"on_time_rate": _("按时办结率（%）"), "received": _("收件")}},
        "items": {"names": [r.label for r in by_item.rows if r.counts.get("overdue")],
                  "overdue": [r.counts["overdue"] for r in by_item.rows if r.counts.get("overdue")],
                  "labels": {"overdue": _("超期")}},
    })


@area_required("supervision")
def cases_behind():
    user, narrow, problems, month, _d, _i = _question()
    key, metric, page = request.args.get("key", "all"), request.args.get("metric", "received"), page_arg()
    found = stats.cases_behind(db.session, user, narrow, key, metric, page)
    if found is None or (page > 1 and not found.cases):
        abort(404)
    return render_template("supervision/statistics_cases.html", found=found, narrow=narrow, month=month,
                           query=dict(_query(narrow, month), key=key, metric=metric), back=_query(narrow, month), metric_label=stats.METRICS[metric],
                           dimension_label=stats.DIMENSIONS[narrow.dimension], key=key, problems=problems)


def _period_text(narrow) -> str:
    return f"{narrow.date_from.isoformat()}_{narrow.date_to.isoformat()}"


@area_required("supervision")
def export(fmt: str):
    user, narrow, _problems, month, _d, _i = _question()
    table = _table(user, narrow)
    dimension = str(stats.DIMENSIONS[narrow.dimension])
    name = _("办件统计-按%(dimension)s-%(period)s.%(fmt)s", dimension=dimension, period=_period_text(narrow), fmt=fmt)
    if fmt == "csv":
        return downloads.send_bytes(reports.to_csv(table), name, "text/csv")
    return downloads.send_bytes(reports.to_xlsx(table, dimension), name,
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@area_required("supervision")
def report():
    user, narrow, _problems, month, _d, _i = _question()
    if not month:
        month = narrow.date_from.strftime("%Y-%m")
        narrow = replace(narrow, date_from=filters.month_bounds(month)[0], date_to=filters.month_bounds(month)[1])
    tables = [(_("按部门"), _table(user, replace(narrow, dimension="department"))),
              (_("按事项"), _table(user, replace(narrow, dimension="item"))),
              (_("按窗口"), _table(user, replace(narrow, dimension="window"))),
              (_("按受理人员"), _table(user, replace(narrow, dimension="clerk")))]
    body = reports.monthly_pdf(month, _scope_name(user), tables)
    return downloads.send_bytes(body, _("效能监察月度报告-%(month)s.pdf", month=month), "application/pdf")


def _scope_name(user) -> str:
    if user.department_id is None:
        return _("统计范围：全部部门")
    name = db.session.get(Department, user.department_id).name
    return _("统计范围：%(name)s及其下级部门", name=name)

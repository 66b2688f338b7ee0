"""The supervisor's desk: the dashboard of yellow and red counts, every waiting deadline with filters, and
the live lists of yellow and red cases and steps (refreshed in place by static/supervision.js)."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from engine import complaints, desk

from ..access import area_required, signed_in
from ..extensions import db
from ..params import page_arg
from ..workbench.filters import WARNING_LABELS
from . import filters

LIVE_COLOURS = ("yellow", "red")


@area_required("supervision")
def dashboard():
    user = signed_in()
    return render_template("supervision/dashboard.html", counts=desk.level_counts(db.session, user),
                           waiting=desk.waiting_counts(db.session, user),
                           faults=desk.workflow_faults(db.session, user),
                           overdue_complaints=complaints.overdue_count(db.session, user))


@area_required("supervision")
def deadlines():
    user, page = signed_in(), page_arg()
    departments, items = filters.department_choices(db.session, user), filters.item_choices(db.session)
    narrow, problems = filters.desk_from_args(request.args, departments, items)
    result = desk.overdue_timers(db.session, user, narrow, page)
    problems += [str(message) for message in result.problems.values()]
    if page > 1 and not result.rows:
        abort(404)
    return render_template("supervision/deadlines.html", result=result, narrow=narrow, query=narrow.to_query(),
                           problems=problems, departments=departments, items=items,
                           levels=filters.level_choices(departments), kinds=desk.KINDS, warnings=WARNING_LABELS)


@area_required("supervision")
def live(colour: str):
    if colour not in LIVE_COLOURS:
        abort(404)
    user = signed_in()
    cases = desk.overdue_timers(db.session, user, desk.DeskFilter(warning=colour, kind="case"), page_size=100)
    steps = desk.overdue_timers(db.session, user, desk.DeskFilter(warning=colour, kind="step"), page_size=100)
    template = "supervision/_live_tables.html" if request.args.get("fragment") == "1" else "supervision/live.html"
    title = _("黄牌预警") if colour == "yellow" else _("红牌超期")
    return render_template(template, colour=colour, title=title, cases=cases, steps=steps, warnings=WARNING_LABELS)

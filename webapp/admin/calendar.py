"""The working-day calendar: holidays and make-up workdays per year, and recomputing running cases' due dates."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import calendar_admin, clock
from engine.calendar import WorkCalendar
from engine.errors import InvalidInput
from engine.permissions import may_edit_calendar

from ..access import permission_required, signed_in
from ..extensions import engine_db

KINDS = {"holiday": False, "workday": True, "base": None}


def _year() -> int:
    year = request.values.get("year", type=int) or clock.local_now().year
    return year if 2000 <= year <= 2100 else clock.local_now().year


@permission_required(may_edit_calendar)
def calendar(errors=None, status=200):
    year = _year()
    published = WorkCalendar().has_published_schedule(year)
    return render_template("admin/calendar.html", year=year, published=published,
                           overrides=calendar_admin.overrides_of_year(engine_db(), year), errors=errors or {},
                           form=request.form if errors else {}), status


@permission_required(may_edit_calendar)
def set_day():
    errors: dict[str, list[str]] = {}
    try:
        day = date.fromisoformat(request.form.get("day", ""))
    except ValueError:
        errors["day"] = [_("请填写有效日期，例如 2027-02-06")]
        day = None
    kind = request.form.get("kind", "")
    if kind not in KINDS:
        errors["kind"] = [_("请选择放假或调休上班")]
    if errors:
        return calendar(errors, 400)
    try:
        calendar_admin.set_override(engine_db(), signed_in(), day, KINDS[kind], request.form.get("note", ""))
    except InvalidInput as exc:
        return calendar(exc.errors, 400)
    changed = calendar_admin.recompute_due_dates(engine_db(), signed_in())
    flash(_("已保存 %(day)s；%(n)s 件办理中办件的办结期限已按新日历重新计算。", day=day.isoformat(), n=changed), "success")
    return redirect(url_for("admin.calendar", year=day.year))


@permission_required(may_edit_calendar)
def set_schedule():
    """Many days at once, e.g. the State Council's schedule of a year pasted line by line."""
    try:
        entries = calendar_admin.parse_schedule(request.form.get("schedule", ""))
        calendar_admin.set_overrides(engine_db(), signed_in(), entries)
    except InvalidInput as exc:
        return calendar(exc.errors, 400)
    changed = calendar_admin.recompute_due_dates(engine_db(), signed_in())
    flash(_("已保存 %(days)s 天；%(n)s 件办理中办件的办结期限已按新日历重新计算。", days=len(entries), n=changed), "success")
    return redirect(url_for("admin.calendar", year=entries[0][0].year))

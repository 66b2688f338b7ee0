"""The desk's complaints (投诉督办): open complaint stages, the overdue ones first among them, by department;
and the bad reviews (差评) with their rectification, by department and state. Each row drills down."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from engine import complaints, evaluation, inquiries, rectification
from engine.models import Department

from ..access import area_required, signed_in
from ..extensions import db
from ..params import page_arg
from . import filters

VIEWS = {"overdue": _("已超期"), "open": _("全部在办")}


def _department(departments, problems: list) -> tuple[str | None, int | None]:
    code = (request.args.get("department") or "").strip()
    if not code:
        return None, None
    if code not in {c for c, _n, _l in departments}:
        problems.append(_("部门“%(value)s”无效，已忽略。", value=code[:30]))
        return None, None
    return code, db.session.scalar(select(Department.id).where(Department.code == code))


@area_required("supervision")
def complaint_stages():
    user, page, problems = signed_in(), page_arg(), []
    departments = filters.department_choices(db.session, user)
    view = request.args.get("view") or "overdue"
    if view not in VIEWS:
        problems.append(_("列表“%(value)s”无效，已显示超期环节。", value=view[:20]))
        view = "overdue"
    code, department_id = _department(departments, problems)
    found = complaints.open_stages(db.session, user, view == "overdue", department_id, page)
    if page > 1 and not found.stages:
        abort(404)
    return render_template("supervision/complaints.html", found=found, view=view, views=VIEWS,
                           department=code, departments=departments, problems=problems, status_label=inquiries.status_label,
                           query={k: v for k, v in (("view", view), ("department", code)) if v})


@area_required("supervision")
def bad_reviews():
    user, page, problems = signed_in(), page_arg(), []
    departments = filters.department_choices(db.session, user)
    state = (request.args.get("state") or "").strip() or None
    if state is not None and state not in evaluation.RECTIFICATION_STATES:
        problems.append(_("整改状态“%(value)s”无效，已忽略。", value=state[:20]))
        state = None
    code, department_id = _department(departments, problems)
    found = evaluation.bad_reviews(db.session, user, state, department_id, page)
    if page > 1 and not found.reviews:
        abort(404)
    return render_template("supervision/bad_reviews.html", found=found, state=state, department=code,
                           departments=departments, problems=problems, levels=evaluation.LEVELS,
                           states={s: rectification.STATE_LABELS[s] for s in evaluation.RECTIFICATION_STATES},
                           query={k: v for k, v in (("state", state), ("department", code)) if v})

"""Clerks, reviewers and section heads: the inbox of their groups' open tasks, and each task's page."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import cases, revisions, saved_filters
from engine import inbox as inboxes
from engine.errors import Forbidden
from engine.models import Group, HumanTask
from engine.permissions import fee_departments, may_view_case, may_work_on, standing_in_for

from .. import case_pages, formrender
from ..access import area_required, signed_in
from ..extensions import db, engine_db
from ..params import page_arg
from . import filters
from ..task_forms import complete_from_request, task_form_spec


@area_required("workbench")
def inbox():
    page = page_arg()
    narrow, problems = filters.from_args(request.args)
    result = inboxes.inbox_page(db.session, signed_in(), page, narrow=narrow)
    if page > result.pages:
        abort(404)
    return render_template("workbench/inbox.html", result=result, groups=_group_names(result.tasks), me=signed_in(),
                           collects_fees=bool(fee_departments(db.session, signed_in())), narrow=narrow,
                           query=narrow.to_query(), problems=problems, saved=saved_filters.of_user(db.session,
                                                                                                  signed_in()),
                           items=filters.item_choices(db.session), statuses=filters.STATUS_CHOICES,
                           warnings=filters.WARNING_LABELS, standing_in=bool(standing_in_for(db.session, signed_in())))


@area_required("workbench")
def done():
    page = page_arg()
    result = inboxes.done_page(db.session, signed_in(), page)
    if page > result.pages:
        abort(404)
    return render_template("workbench/done.html", result=result, groups=_group_names(result.tasks))


def _group_names(tasks) -> dict[str, str]:
    codes = {t.group_code for t in tasks if t.group_code}
    if not codes:
        return {}
    return dict(db.session.execute(select(Group.code, Group.name).where(Group.code.in_(codes))).all())


@area_required("workbench")
def task(task_id: int):
    found, case = load_task(task_id)
    return _render_task(found, case)


@area_required("workbench")
def claim(task_id: int):
    load_task(task_id)
    cases.claim(engine_db(), task_id, signed_in())
    flash(_("已签收，该任务只在您的待办中显示。"), "success")
    return redirect(url_for(".task", task_id=task_id))


@area_required("workbench")
def unclaim(task_id: int):
    load_task(task_id)
    cases.unclaim(engine_db(), task_id, signed_in())
    flash(_("已退回，该任务回到组内待办。"), "info")
    return redirect(url_for(".inbox"))


@area_required("workbench")
def complete(task_id: int):
    found, case = load_task(task_id)
    submission = complete_from_request(found, signed_in())
    if submission is not None:
        return _render_task(found, case, submission), 400
    flash(_("“%(task)s”已办理完成（办件 %(no)s）。", task=found.name, no=case.case_no), "success")
    return redirect(url_for(".inbox"))


@area_required("workbench")
def diagram(task_id: int):
    found, case = load_task(task_id)
    return jsonify(case_pages.diagram_state(db.session, case, found.bpmn_id))


def load_task(task_id: int):
    """The task and its case, if the signed-in person may see them."""
    found = db.session.get(HumanTask, task_id)
    if found is None:
        abort(404)
    case, user = found.case, signed_in()
    if not (may_work_on(db.session, user, found, case) or may_view_case(db.session, user, case)):
        raise Forbidden(_("您无权查看该任务。"))
    return found, case


def _render_task(found: HumanTask, case, submission: formrender.Submission | None = None):
    user = signed_in()
    spec = task_form_spec(found)
    workable = found.state == "open" and may_work_on(db.session, user, found, case)
    form = None
    if workable:
        form = formrender.again(spec, submission)
    return render_template(
        "workbench/task.html", task=found, case=case, form=form, workable=workable, me=user,
        application=formrender.display(case_pages.application_spec(case), case.application),
        answer=formrender.display(spec, found.submission) if found.submission else None,
        history=case_pages.history(db.session, case), clock=case_pages.clock_view(db.session, case),
        opinions=case_pages.review_opinions(db.session, case),
        changes=revisions.latest_changes(db.session, case, case_pages.application_spec(case).get("schema") or {}))

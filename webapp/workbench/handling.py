"""Acting on a case beyond its current task: special procedures, extensions; and the clerk's own set-up:
saved inbox filters and absence substitutes. Rules live in the engine; these views only translate."""
from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import extensions, joint_review, saved_filters, special_procedures, substitution
from engine.errors import Conflict, InvalidInput, InvalidState
from engine.models import Case, Group, HumanTask, User
from engine.permissions import extension_departments, may_decide_extension, may_handle_case, may_lead_joint_review
from engine.status import FINAL

from ..access import area_required, signed_in
from ..extensions import db, engine_db
from .controllers import load_task
from .filters import from_args

FAILURES = (InvalidInput, InvalidState, Conflict)


@dataclass(frozen=True)
class CaseActions:
    """The special procedures and extensions of a case, and what the viewer may do about them."""

    procedures: list
    extensions: list
    may_handle: bool
    running: object | None       # the special procedure in progress, if any
    may_request_extension: bool
    kinds: dict


def case_actions(case: Case) -> CaseActions:
    """Template global for the task page (the page has already checked its viewer)."""
    user = signed_in()
    procedures = special_procedures.of_case(db.session, case.id)
    asked = extensions.of_case(db.session, case.id)
    handle = may_handle_case(db.session, user, case)
    running = next((p for p in procedures if p.ended_at is None), None)
    open_case = case.accepted_at is not None and case.status not in FINAL
    may_request = handle and open_case and not any(e.state in ("requested", "approved") for e in asked)
    return CaseActions(procedures, asked, handle and open_case, running, may_request, special_procedures.KINDS)


def _flash_failure(exc) -> None:
    flash(exc.message, "error")
    for messages in (getattr(exc, "errors", None) or {}).values():
        for message in messages:
            flash(message, "error")


def review_additions(case: Case, opinions) -> list[tuple[str, str]]:
    """Template global: the departments' review groups the lead window may still add to a running joint
    review (empty when the viewer is not the lead or no review is running)."""
    if not any(row.state == "open" for row in opinions) or not may_lead_joint_review(db.session, signed_in(), case):
        return []
    taken = {code for (code,) in db.session.execute(select(HumanTask.group_code).where(
        HumanTask.case_id == case.id, HumanTask.case_step == "review", HumanTask.state != "cancelled"))}
    rows = db.session.execute(select(Group.code, Group.name).where(Group.code.like("%\\_reviewer", escape="\\"))
                              .order_by(Group.code)).all()
    return [(code, name) for code, name in rows if code not in taken]


def _on_case(task_id: int, act, done: str, anchor: str):
    """Run an engine action on the task's case; say how it went above the task page."""
    _task, case = load_task(task_id)
    try:
        act(case)
        flash(done, "success")
    except FAILURES as exc:
        _flash_failure(exc)
    return redirect(url_for(".task", task_id=task_id, _anchor=anchor))


@area_required("workbench")
def add_reviewer(task_id: int):
    return _on_case(task_id, lambda case: joint_review.add_department(engine_db(), case.id, signed_in(),
                                                                      request.form.get("group", "")),
                    _("已增加会审部门，该部门的会审任务已生成。"), "joint-opinions")


@area_required("workbench")
def start_special_procedure(task_id: int):
    form = request.form
    return _on_case(task_id, lambda case: special_procedures.start(
        engine_db(), case.id, signed_in(), form.get("kind", ""), form.get("reason", ""), form.get("limit_days", "")),
        _("特别程序已启动，办理时限暂停计算，已向申请人出具特别程序告知书。"), "case-actions")


@area_required("workbench")
def end_special_procedure(task_id: int, procedure_id: int):
    return _on_case(task_id, lambda _case: special_procedures.end(engine_db(), procedure_id, signed_in(),
                                                                  request.form.get("result", "")),
                    _("特别程序已结束，办理时限恢复计算。"), "case-actions")


@area_required("workbench")
def request_extension(task_id: int):
    return _on_case(task_id, lambda case: extensions.request(engine_db(), case.id, signed_in(),
                                                             request.form.get("reason", "")),
                    _("延期申请已提交，等待负责人审批。"), "case-actions")


def extension_requests():
    """Pending extension requests the signed-in head or supervisor may decide."""
    user = signed_in()
    rows = extensions.pending(db.session, extension_departments(db.session, user))
    rows = [row for row in rows if may_decide_extension(db.session, user, row.case)]
    names = dict(db.session.execute(select(User.id, User.display_name)
                                    .where(User.id.in_({row.requested_by_id for row in rows}))).all()) if rows else {}
    return render_template("workbench/extensions.html", requests=rows, names=names,
                           decide_endpoint=f"{request.blueprint}.decide_extension")


def decide_extension(extension_id: int):
    approve = request.form.get("decision") == "approve"
    try:
        extensions.decide(engine_db(), extension_id, signed_in(), approve, request.form.get("opinion", ""))
        flash(_("已批准延期，已向申请人出具延期告知书。") if approve else _("已退回延期申请。"), "success")
    except FAILURES as exc:
        _flash_failure(exc)
    return redirect(url_for(f"{request.blueprint}.extension_requests"))


@area_required("workbench")
def save_filter():
    narrow, problems = from_args(request.form)
    for problem in problems:
        flash(problem, "error")
    try:
        saved_filters.save(engine_db(), signed_in(), request.form.get("name", ""), narrow.to_query())
        flash(_("筛选条件已保存。"), "success")
    except InvalidInput as exc:
        _flash_failure(exc)
    return redirect(url_for(".inbox", **narrow.to_query()))


@area_required("workbench")
def delete_filter(filter_id: int):
    saved_filters.delete(engine_db(), signed_in(), filter_id)
    flash(_("筛选条件已删除。"), "info")
    return redirect(url_for(".inbox"))


@area_required("workbench")
def substitutes():
    user = signed_in()
    return render_template("workbench/substitutes.html", rows=substitution.current(db.session, user),
                           colleagues=substitution.colleagues(db.session, user), me=user, form=request.form,
                           errors={})


@area_required("workbench")
def name_substitute():
    user = signed_in()
    form = request.form
    try:
        substitution.name(engine_db(), user, form.get("substitute_id"), form.get("starts_on", ""),
                          form.get("ends_on", ""), form.get("reason", ""))
    except (InvalidInput, Conflict) as exc:
        return render_template("workbench/substitutes.html", rows=substitution.current(db.session, user),
                               colleagues=substitution.colleagues(db.session, user), me=user, form=form,
                               errors=getattr(exc, "errors", {}), failure=exc.message), 400
    flash(_("代岗人已设置：代岗期间您的待办将显示在代岗人的待办中。"), "success")
    return redirect(url_for(".substitutes"))


@area_required("workbench")
def cancel_substitute(substitution_id: int):
    substitution.cancel(engine_db(), substitution_id, signed_in())
    flash(_("代岗已取消。"), "info")
    return redirect(url_for(".substitutes"))


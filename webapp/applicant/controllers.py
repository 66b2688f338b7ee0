"""Applicants and agents: apply, read the receipt, follow cases, answer their own tasks, withdraw."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import defer

from engine import cases, inbox
from engine.errors import InvalidInput
from engine.models import AuditEvent, Case, HumanTask
from engine.permissions import APPLICANT_GROUP, may_view_case
from engine.status import CaseStatus

from .. import case_pages, formrender
from ..access import area_required, signed_in
from ..extensions import db, engine_db
from ..params import page_arg
from ..portal.queries import published_version
from ..task_forms import complete_from_request, task_form_spec
from . import on_behalf

CASES_PER_PAGE = 20
RECEIPT = "receipt"  # session key: shown once on the receipt page, then forgotten


@area_required("applicant")
def home():
    user = signed_in()
    query = (select(Case).options(defer(Case.application))
             .where(or_(Case.applicant_id == user.id, Case.agent_id == user.id))
             .order_by(Case.received_at.desc(), Case.id.desc()))
    page = db.paginate(query, page=page_arg(), per_page=CASES_PER_PAGE, error_out=False)
    if page.page > max(page.pages, 1):
        abort(404)
    return render_template("applicant/home.html", page=page, tasks=inbox.applicant_tasks(db.session, user))


@area_required("applicant")
def apply(code: str):
    version = published_version(db.session, code) if len(code) <= 64 else None
    if version is None or version.guide.get("online") is False:
        abort(404)
    spec = version.forms[version.application_form]
    user = signed_in()
    behalf = on_behalf.spec() if on_behalf.needed(user) else None
    if request.method == "GET":
        return _render_apply(version, spec, behalf)
    submission = formrender.read(spec, request.form)
    person = formrender.read(behalf, request.form) if behalf else None
    if submission.ok and (person is None or person.ok):
        extra = on_behalf.submit_arguments(person.data, user) if person else {"applicant": user}
        try:
            done = cases.submit(engine_db(), code, submission.data, **extra)
        except InvalidInput as exc:
            submission.errors = exc.errors or {"": [exc.message]}
            if person is not None:
                person.errors = on_behalf.errors_for_person(submission.errors)
        else:
            session[RECEIPT] = {"case_id": done.case_id, "case_no": done.case_no,
                                "query_code": done.query_code}
            return redirect(url_for(".receipt", case_id=done.case_id))
    return _render_apply(version, spec, behalf, submission, person), 400


def _render_apply(version, spec, behalf, submission=None, person=None):
    person_form = formrender.again(behalf, person) if behalf is not None else None
    return render_template("applicant/apply.html", item=version.item, guide=version.guide,
                           form=formrender.again(spec, submission), person_form=person_form)


@area_required("applicant")
def receipt(case_id: int):
    case = _visible_case(case_id)
    shown = session.get(RECEIPT) or {}
    query_code = None
    if shown.get("case_id") == case.id:
        query_code = session.pop(RECEIPT)["query_code"]
    return render_template("applicant/receipt.html", case=case, query_code=query_code)


@area_required("applicant")
def case_detail(case_id: int):
    case = _visible_case(case_id)
    own_tasks = select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == "open",
                                        HumanTask.group_code == APPLICANT_GROUP)
    tasks = db.session.scalars(own_tasks).all()
    return render_template("applicant/case.html", case=case, tasks=tasks,
                           timeline=case_pages.status_timeline(db.session, case),
                           clock=case_pages.clock_view(db.session, case), final=case_pages.is_final(case),
                           application=formrender.display(case_pages.application_spec(case),
                                                          case.application))


@area_required("applicant")
def withdraw(case_id: int):
    _visible_case(case_id)
    reason = request.form.get("reason", "").strip()[:500]
    cases.withdraw(engine_db(), case_id, signed_in(), reason)
    flash(_("办件已撤回。"), "success")
    return redirect(url_for(".case", case_id=case_id))


@area_required("applicant")
def task(task_id: int):
    found = db.session.get(HumanTask, task_id)
    if found is None or found.group_code != APPLICANT_GROUP:
        abort(404)
    case = _visible_case(found.case_id)
    submission = None
    if request.method == "POST":
        submission = complete_from_request(found, signed_in())
        if submission is None:
            flash(_("已提交，工作人员将继续办理。"), "success")
            return redirect(url_for(".case", case_id=case.id))
    spec = task_form_spec(found)
    form = None
    if found.state == "open":
        form = formrender.again(spec, submission)
    notice = db.session.scalar(select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "status",
        AuditEvent.status == int(CaseStatus.SUPPLEMENT_REQUESTED)).order_by(AuditEvent.seq.desc()).limit(1))
    body = render_template("applicant/task.html", task=found, case=case, form=form, notice=notice,
                           asked=case_pages.supplement_items(case, notice.detail if notice else None))
    return (body, 400) if submission is not None else body


def _visible_case(case_id: int) -> Case:
    """The case if the signed-in applicant or agent may see it; 404 otherwise (existence is not revealed)."""
    case = db.session.get(Case, case_id)
    if case is None or not may_view_case(db.session, signed_in(), case):
        abort(404)
    return case

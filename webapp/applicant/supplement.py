"""The applicant's own tasks, above all answering a supplement request (补正).

The page lists exactly what the notice asked for. The application fields it names are editable here and
nothing else is: the form shows only them (under `application[...]`), the request is read only for them,
and the engine refuses a corrected application that differs anywhere else. Both versions are kept
(`engine.revisions`)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import cases, revisions
from engine.errors import InvalidInput, InvalidState
from engine.models import AuditEvent, HumanTask
from engine.permissions import APPLICANT_GROUP
from engine.status import CaseStatus

from .. import case_pages, formrender
from ..access import area_required, signed_in
from ..extensions import db, engine_db
from ..task_forms import complete_from_request, task_form_spec
from .controllers import visible_case

PREFIX = "application"  # the corrected fields' names: application[builder][name], never meeting the task form's


class Corrections:
    """The application fields a supplement request names, as a form of their own."""

    def __init__(self, case, paths: list[str]):
        self.case, self.paths = case, paths
        part = revisions.correction_form(case_pages.application_spec(case), paths)
        self.spec = {"schema": {"type": "object", "properties": {PREFIX: part["schema"]}, "required": [PREFIX]},
                     "ui": {PREFIX: part["ui"]}}

    def current(self) -> formrender.Submission:
        return formrender.Submission({PREFIX: self.case.application})

    def read(self, form) -> formrender.Submission:
        return formrender.read(self.spec, form)

    def application(self, submission: formrender.Submission) -> dict:
        """The whole corrected application: the case's, with the named fields as the applicant typed them."""
        return revisions.with_fields(self.case.application, submission.data.get(PREFIX) or {}, self.paths)


@area_required("applicant")
def task(task_id: int):
    found = db.session.get(HumanTask, task_id)
    if found is None or found.group_code != APPLICANT_GROUP:
        abort(404)
    case = visible_case(found.case_id)
    notice = db.session.scalar(select(AuditEvent).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "status",
        AuditEvent.status == int(CaseStatus.SUPPLEMENT_REQUESTED)).order_by(AuditEvent.seq.desc()).limit(1))
    paths = revisions.requested_fields(db.session, case.id) if found.case_step == "supplement" else []
    corrections = Corrections(case, paths) if paths and found.state == "open" else None
    submission = fixes = None
    if request.method == "POST":
        submission, fixes = _answer(found, corrections)
        if submission is None:
            flash(_("已提交，工作人员将继续办理。"), "success")
            return redirect(url_for(".case", case_id=case.id))
    form = formrender.again(task_form_spec(found), submission) if found.state == "open" else None
    fix_form = None
    if corrections is not None:
        shown = fixes or corrections.current()
        fix_form = formrender.prepare(corrections.spec, shown.data, shown.errors, shown.raw)
    body = render_template("applicant/task.html", task=found, case=case, form=form, fix_form=fix_form,
                           notice=notice, asked=case_pages.supplement_items(case, notice.detail if notice else None))
    return (body, 400) if submission is not None else body


def _answer(task: HumanTask, corrections: Corrections | None):
    """Complete the task from the request: (None, None) when done, else the forms to show again."""
    if corrections is None:
        return complete_from_request(task, signed_in()), None
    submission = formrender.read(task_form_spec(task), request.form)
    fixes = corrections.read(request.form)
    if not submission.ok or not fixes.ok:
        return submission, fixes
    try:
        cases.complete(engine_db(), task.id, signed_in(), submission.data,
                       application=corrections.application(fixes))
    except InvalidInput as exc:  # the whole corrected application is checked by the engine
        errors = exc.errors or {"": [exc.message]}
        fixes.errors = {f"{PREFIX}.{key}": messages for key, messages in errors.items() if key}
        submission.errors = {"": [exc.message]}
        return submission, fixes
    except InvalidState as exc:
        submission.errors = {"": [exc.message]}
        return submission, fixes
    return None, None

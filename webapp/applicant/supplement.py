"""The applicant's own tasks, above all answering a supplement request (补正).

The page lists exactly what the notice asked for. The application fields it names are editable here and
nothing else is: the form shows only them (under `application[...]`), the request is read only for them,
and the engine refuses a corrected application that differs anywhere else. Both versions are kept
(`engine.revisions`)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import cases, materials, revisions
from engine.errors import InvalidInput, InvalidState
from engine.models import AuditEvent, HumanTask
from engine.permissions import APPLICANT_GROUP
from engine.status import CaseStatus

from .. import case_pages, formrender, materials_form
from ..access import area_required, signed_in
from ..extensions import db, engine_db
from ..task_forms import task_form_spec
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
    asking = found.case_step == "supplement" and found.state == "open"
    paths = revisions.requested_fields(db.session, case.id) if asking else []
    corrections = Corrections(case, paths) if paths else None
    files_asked = _requested_materials(case) if asking else set()
    answer = None
    if request.method == "POST":
        answer = _answer(found, corrections, files_asked)
        if answer is None:
            flash(_("已提交，工作人员将继续办理。"), "success")
            return redirect(url_for(".case", case_id=case.id))
    submission, fixes, chosen, refused = answer or (None, None, None, None)
    form = formrender.again(task_form_spec(found), submission) if found.state == "open" else None
    fix_form = None
    if corrections is not None:
        shown = fixes or corrections.current()
        fix_form = formrender.prepare(corrections.spec, shown.data, shown.errors, shown.raw)
    files = None
    if files_asked:
        files = materials_form.context(signed_in(), case.item_version.guide,
                                       chosen if chosen is not None else materials.current_choice(db.session, case),
                                       refused, editable_ids=files_asked, case=case)
    body = render_template("applicant/task.html", task=found, case=case, form=form, fix_form=fix_form,
                           files=files, **(files or {}), notice=notice,
                           asked=case_pages.supplement_items(case, notice.detail if notice else None))
    return (body, 400) if answer is not None else body


def _requested_materials(case) -> set[str]:
    """The item's materials the latest supplement request names (older requests named them in free text)."""
    known = {m.get("id") for m in case.item_version.guide.get("materials") or [] if m.get("id")}
    return set(revisions.requested_materials(db.session, case.id)) & known


def _answer(task: HumanTask, corrections: Corrections | None, files_asked: set[str]):
    """Complete the task from the request: None when done, else what to show again:
    (task form submission, corrections submission, chosen files, refused files)."""
    submission = formrender.read(task_form_spec(task), request.form)
    fixes = corrections.read(request.form) if corrections is not None else None
    chosen, refused = None, {}
    if files_asked:
        chosen, refused = materials_form.read_materials(request, signed_in(), task.case.item_version.guide)
        db.session.rollback()  # end this request's read snapshot: the files were stored by their own transaction
    if not submission.ok or (fixes is not None and not fixes.ok) or refused:
        return submission, fixes, chosen, refused
    try:
        cases.complete(engine_db(), task.id, signed_in(), submission.data,
                       application=corrections.application(fixes) if corrections is not None else None,
                       materials=chosen)
    except InvalidInput as exc:  # the corrected application and the files are checked whole by the engine
        errors = exc.errors or {"": [exc.message]}
        refused = {key: messages for key, messages in errors.items() if key.startswith("materials.")}
        rest = {key: messages for key, messages in errors.items() if not key.startswith("materials.")}
        if fixes is not None:
            fixes.errors = {f"{PREFIX}.{key}": messages for key, messages in rest.items() if key}
            submission.errors = {"": [exc.message]}
        else:
            submission.errors = rest or {"": [exc.message]}
        return submission, fixes, chosen, refused
    except InvalidState as exc:
        submission.errors = {"": [exc.message]}
        return submission, fixes, chosen, refused
    return None

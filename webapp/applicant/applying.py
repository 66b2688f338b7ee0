"""Applying online without losing work: the form (kept as a server draft while it is typed), the review
page, the confirmation that makes exactly one case, and the receipt with its PDF.

    GET  /my/apply/<code>            the form: the open draft if there is one, else prefilled
    POST /my/apply/<code>            save the draft; when the form is valid, go on to the review page
    POST /my/apply/<code>/autosave   the script's save while typing (JSON answer; nothing is validated)
    GET  /my/apply/<code>/review     the draft read-only, with its digest, and the confirm button
    POST /my/apply/<code>/confirm    the reviewed draft becomes a case (once, whatever is clicked twice)
"""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from engine import cases, drafts, formdata, materials, prefill
from engine.errors import InvalidInput, NotFound

from .. import formrender, materials_form
from ..access import area_required, signed_in
from ..extensions import db, engine_db
from ..formrender.parse import parse
from ..portal.queries import published_version
from . import on_behalf, receipts
from .controllers import DISCARDED

ACTION_SAVE = "save"  # the "保存草稿" button: keep what is typed, validate nothing


def _version_or_404(code: str):
    version = published_version(db.session, code) if len(code) <= 64 else None
    if version is None or version.guide.get("online") is False:
        abort(404)
    return version


class ApplyForm:
    """The forms of one application: the item's form and, for an agent, the person applied for."""

    def __init__(self, version, user):
        self.version = version
        self.user = user
        self.spec = version.forms[version.application_form]
        self.behalf = on_behalf.spec() if on_behalf.needed(user) else None

    def draft(self):
        return drafts.open_draft(db.session, self.user.id, self.version.item_id)

    def parse(self, form: MultiDict) -> tuple[dict, dict | None]:
        """What the form holds now, typed but not validated (a half-filled form is what a draft is)."""
        schema, ui = self.spec.get("schema") or {}, self.spec.get("ui") or {}
        data = parse(schema, form, ui).data
        person = None
        if self.behalf is not None:
            person = parse(self.behalf["schema"], form, self.behalf["ui"]).data.get(on_behalf.PREFIX)
        return data, person

    def read(self, form: MultiDict):
        """The submission checked: (item form submission, person submission or None)."""
        submission = formrender.read(self.spec, form)
        person = formrender.read(self.behalf, form) if self.behalf is not None else None
        return submission, person

    def check(self, data: dict, person: dict | None):
        """A saved draft checked the way a submission is: (submission, person submission or None)."""
        schema = self.spec.get("schema") or {}
        submission = formrender.Submission(data, formdata.errors_for(schema, data))
        person_submission = None
        if self.behalf is not None:
            wrapped = {on_behalf.PREFIX: person} if person else {}
            person_submission = formrender.Submission(wrapped, formdata.errors_for(self.behalf["schema"], wrapped))
        return submission, person_submission

    def read_materials(self) -> tuple[dict, dict]:
        """The files chosen per material, storing any posted with the form: (chosen, refused uploads)."""
        found = materials_form.read_materials(request, self.user, self.version.guide)
        db.session.rollback()  # end this request's read snapshot: the files were stored by their own transaction
        return found

    def check_materials(self, chosen: dict) -> dict:
        """What is wrong with the chosen files (required ones missing, files not the applicant's)."""
        _usable, problems = materials.check(db.session, self.version.guide, chosen, self.user, enforce_required=True)
        return problems

    def fresh_data(self) -> dict:
        """A new form's values: the schema's defaults and what the platform knows of the applicant."""
        schema, ui = self.spec.get("schema") or {}, self.spec.get("ui") or {}
        if self.behalf is not None:  # an agent's profile and cases are other people's
            return prefill.defaults(schema)
        return prefill.prefill(db.session, self.user, schema, ui)

    def render(self, submission=None, person=None, status: int = 200, chosen=None, material_errors=None):
        """The form page: as submitted (with its messages), else the open draft, else a fresh form."""
        draft = self.draft()
        if chosen is None:
            chosen = draft.materials if draft is not None else {}
        if submission is None:
            submission = formrender.Submission(draft.data if draft is not None else self.fresh_data())
            if self.behalf is not None and draft is not None and draft.on_behalf:
                person = formrender.Submission({on_behalf.PREFIX: draft.on_behalf})
        form = formrender.prepare(self.spec, submission.data, submission.errors, submission.raw)
        person_form = None
        if self.behalf is not None:
            person_form = (formrender.prepare(self.behalf, person.data, person.errors, person.raw) if person
                           else formrender.prepare(self.behalf))
        body = render_template("applicant/apply.html", item=self.version.item, guide=self.version.guide,
                               form=form, person_form=person_form, draft=draft,
                               draft_state=drafts.state_of(draft) if draft else None,
                               **materials_form.context(self.user, self.version.guide, chosen, material_errors))
        return body, status


@area_required("applicant")
def apply(code: str):
    version = _version_or_404(code)
    form = ApplyForm(version, signed_in())
    if request.method == "GET":
        return form.render()
    submission, person_submission = form.read(request.form)  # the draft keeps what was typed, right or not
    person = person_submission.data.get(on_behalf.PREFIX) if person_submission is not None else None
    chosen, refused = form.read_materials()
    drafts.save(engine_db(), form.user, code, submission.data, on_behalf=person, materials=chosen)
    if request.form.get("action") == ACTION_SAVE and not refused:
        flash(_("草稿已保存。您可以稍后在“我的办件”的草稿中继续填写，换一台设备登录也可以。"), "success")
        return redirect(url_for(".apply", code=code))
    problems = {**form.check_materials(chosen), **refused}
    if submission.ok and (person_submission is None or person_submission.ok) and not problems:
        return redirect(url_for(".review", code=code))
    return form.render(submission, person_submission, status=400, chosen=chosen, material_errors=problems)


@area_required("applicant")
def autosave(code: str):
    """Save what the form holds now. The script calls this as the applicant types."""
    version = _version_or_404(code)
    form = ApplyForm(version, signed_in())
    data, person = form.parse(request.form)
    chosen, _refused = form.read_materials()  # the script uploads files on its own; none come with this
    try:
        state = drafts.save(engine_db(), form.user, code, data, on_behalf=person, materials=chosen)
    except InvalidInput as exc:
        return jsonify(error=exc.message), 400
    return jsonify(version=state.version, saved_at=state.updated_at.isoformat(), draft_id=state.id)


@area_required("applicant")
def review(code: str):
    version = _version_or_404(code)
    form = ApplyForm(version, signed_in())
    draft = form.draft()
    if draft is None:
        flash(_("没有待核对的申请，请先填写申请表。"), "info")
        return redirect(url_for(".apply", code=code))
    submission, person = form.check(draft.data, draft.on_behalf)
    problems = form.check_materials(draft.materials)
    if not submission.ok or (person is not None and not person.ok) or problems:
        return form.render(submission, person, status=400, material_errors=problems)
    return render_template("applicant/review.html", item=version.item, guide=version.guide,
                           files=_chosen_files(version.guide, draft.materials),
                           rows=formrender.display(form.spec, draft.data),
                           person_rows=formrender.display(form.behalf, person.data) if person else None,
                           state=drafts.state_of(draft))


@area_required("applicant")
def confirm(code: str):
    version = _version_or_404(code)
    user = signed_in()
    form = ApplyForm(version, user)
    draft_id = request.form.get("draft_id", "")
    reviewed = request.form.get("digest", "")[:64]
    if not draft_id.isdigit():
        abort(400)
    draft = form.draft()
    if draft is not None and draft.id != int(draft_id):
        draft = None  # a confirmation of an older draft: the engine says which case it became
    data = draft.data if draft is not None else {}
    extra = {"applicant": user}
    if form.behalf is not None:
        extra = on_behalf.submit_arguments({on_behalf.PREFIX: (draft.on_behalf if draft else None) or {}}, user)
    try:
        done = cases.submit(engine_db(), code, data, draft_id=int(draft_id), draft_digest=reviewed,
                            enforce_required=True, **extra)
    except drafts.AlreadySubmitted as exc:
        flash(exc.message, "info")
        return redirect(url_for(".case", case_id=exc.case_id))
    except drafts.DraftChanged as exc:
        flash(exc.message, "error")
        return redirect(url_for(".review", code=code))
    except NotFound:
        abort(404)
    except InvalidInput as exc:  # the identity of the person applied for, checked by the engine
        flash(exc.message, "error")
        return redirect(url_for(".apply", code=code))
    receipts.remember(session, done)
    return redirect(url_for(".receipt", case_id=done.case_id))


def _chosen_files(guide: dict, chosen: dict) -> list[tuple[str, list[str]]]:
    """(material name, names of its chosen files) for the review page, in the guide's order."""
    rows = materials.files_by_id(db.session, [f for ids in chosen.values() for f in ids or []])
    return [(m.get("name", m["id"]), [rows[f].name for f in chosen.get(m["id"]) or [] if f in rows])
            for m in guide.get("materials") or [] if m.get("id") and chosen.get(m["id"])]


@area_required("applicant")
def discard_draft(draft_id: int):
    code = drafts.delete(engine_db(), signed_in(), draft_id)
    session[DISCARDED] = code  # the next page tells the browser to drop its local copy of that form
    flash(_("草稿已删除。"), "success")
    return redirect(url_for(".home"))

"""Walk-in registration (现场收件): the window clerk enters an application brought to the counter, with the
same item form applicants use online and the applicant's checked identity; the case starts with channel
`window` and its pre-review task is the clerk's to do next."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, session, url_for
from sqlalchemy import select

from engine import cases, windows
from engine.errors import Forbidden, InvalidInput
from engine.i18n import _
from engine.models import Case, HumanTask, Item
from engine.permissions import may_register_walk_in

from .. import formrender, materials_form
from ..access import area_required, signed_in
from ..applicant import on_behalf
from ..extensions import db, engine_db
from ..portal.queries import published_version

RECEIPT = "walk_in_receipt"


def _clerk():
    user = signed_in()
    if not may_register_walk_in(user):
        raise Forbidden(_("只有窗口受理人员可以现场收件。"))
    return user


@area_required("workbench")
def choose_item():
    _clerk()
    items = db.session.execute(select(Item.code, Item.name).where(Item.retired_at.is_(None), Item.internal.is_(False),
                                                                  Item.current_version_id.is_not(None))
                               .order_by(Item.code)).all()
    return render_template("workbench/walk_in_items.html", items=items)


@area_required("workbench")
def register(code: str):
    clerk = _clerk()
    version = published_version(db.session, code) if len(code) <= 64 else None
    if version is None:
        abort(404)
    spec, person_spec = version.forms[version.application_form], on_behalf.spec()
    if request.method == "GET":
        return _render(version, spec, person_spec)
    window = request.form.get("window", "")[:100]
    submission, person = formrender.read(spec, request.form), formrender.read(person_spec, request.form)
    # Scanned materials are the clerk's uploads; paper brought to the counter needs none, so none is required.
    chosen, refused = materials_form.read_materials(request, clerk, version.guide)
    db.session.rollback()  # end this request's read snapshot: the files were stored by their own transaction
    window_error = None
    if submission.ok and person.ok and not refused:
        try:
            done = cases.submit(engine_db(), code, submission.data, None, channel="window", received_by=clerk,
                                materials=chosen, window=window, **on_behalf.person_arguments(person.data))
        except InvalidInput as exc:
            errors = exc.errors or {"": [exc.message]}
            window_error = errors.pop("window", None)
            refused = {k: v for k, v in errors.items() if k.startswith("materials.")}
            submission.errors = {k: v for k, v in errors.items()
                                 if not k.startswith(("applicant_", "materials."))} or {"": [exc.message]}
            person.errors = on_behalf.errors_for_person(errors)
        else:
            session[RECEIPT] = {"case_id": done.case_id, "query_code": done.query_code}
            return redirect(url_for(".walk_in_receipt", case_id=done.case_id))
    return _render(version, spec, person_spec, submission, person, chosen, refused,
                   (window, window_error)), 400


def _render(version, spec, person_spec, submission=None, person=None, chosen=None, refused=None, window=None):
    """The walk-in form; `window` is (the window sent, its error) when it was refused."""
    clerk = signed_in()
    sent, window_error = window or (None, None)
    return render_template("workbench/walk_in.html", item=version.item, guide=version.guide,
                           windows=windows.of_clerk(db.session, clerk), window=sent or clerk.window,
                           window_error=window_error,
                           form=formrender.again(spec, submission), person_form=formrender.again(person_spec, person),
                           **materials_form.context(signed_in(), version.guide, chosen, refused))


@area_required("workbench")
def walk_in_receipt(case_id: int):
    _clerk()
    shown = session.get(RECEIPT) or {}
    if shown.get("case_id") != case_id:
        abort(404)  # the query code is shown once, right after registering
    session.pop(RECEIPT)
    case = db.session.get(Case, case_id)
    task = db.session.scalar(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == "open")
                             .order_by(HumanTask.id).limit(1))
    return render_template("workbench/walk_in_receipt.html", case=case, query_code=shown["query_code"], task=task)

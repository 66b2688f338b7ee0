"""Complaints (投诉) through their stages: the handler's list, a complaint's page with its stages and history,
assigning a stage's handler and moving it on with a note. The same views serve the workbench (handlers,
section heads) and the supervision desk (supervisors); rules in engine.complaints and engine.inquiries."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import clock, complaints, inquiries
from engine.errors import InvalidInput, InvalidState
from engine.models import Inquiry
from engine.permissions import may_assign_complaint, may_handle_complaint, may_view_complaint

from ..access import signed_in
from ..extensions import db, engine_db


def complaint_list():
    """The workbench list: open stages the signed-in person handles or their department's."""
    return render_template("workbench/complaints.html", stages=complaints.for_staff(db.session, signed_in()),
                           status_label=inquiries.status_label)


def _load(reference: str) -> tuple[Inquiry, object]:
    reference = (reference or "")[:20].strip().upper()
    found = db.session.scalar(select(Inquiry).where(Inquiry.reference == reference,
                                                    Inquiry.kind == inquiries.COMPLAINT))
    if found is None:
        abort(404)
    stage = complaints.open_stage(db.session, found.id)
    if not may_view_complaint(db.session, signed_in(), found.department_id, stage.handler_id if stage else None):
        abort(404)
    return found, stage


def _render(found: Inquiry, stage, errors: dict | None = None, values: dict | None = None, status: int = 200):
    user = signed_in()
    order = inquiries.STATUSES[inquiries.COMPLAINT]
    later = [s for s in order if order.index(s) > order.index(found.status)]
    may_assign = may_assign_complaint(db.session, user, found.department_id)
    handler_id = stage.handler_id if stage else None
    return render_template(
        "workbench/complaint.html", complaint=found, stage=stage, later=later, status_label=inquiries.status_label,
        stages=complaints.stages_of(db.session, found.id), history=complaints.history(db.session, found.id),
        actions=complaints.ACTIONS, may_assign=may_assign and stage is not None,
        may_move=bool(later) and may_handle_complaint(db.session, user, found.department_id, handler_id),
        handlers=complaints.handler_choices(db.session, found.department_id) if may_assign else [],
        area=request.blueprint, now=clock.now(), errors=errors or {}, values=values or {}), status


def complaint_page(reference: str):
    return _render(*_load(reference))


def _handler_arg() -> int | None:
    raw = request.form.get("handler", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) < 12):
        raise InvalidInput(_("请选择经办人。"), {"handler": [_("请从列表中选择经办人。")]})
    return int(raw)


def assign_handler(reference: str):
    found, stage = _load(reference)
    values = {"handler": request.form.get("handler", "")[:12],
              "assign_note": request.form.get("note", "")[:3000]}
    try:
        handler_id = _handler_arg()
        complaints.assign(engine_db(), signed_in(), found.reference, handler_id, values["assign_note"])
    except InvalidInput as exc:
        errors = exc.errors or {"handler": [exc.message]}
        errors = {("assign_note" if key == "note" else key): value for key, value in errors.items()}
        return _render(found, stage, errors, values, 400)
    flash(_("已指定经办人。"), "success")
    return redirect(url_for(f"{request.blueprint}.complaint", reference=found.reference))


def advance_complaint(reference: str):
    found, stage = _load(reference)
    values = {"status": request.form.get("status", "")[:20], "note": request.form.get("note", "")[:5000],
              "next_handler": request.form.get("handler", "")[:12]}
    try:
        handler_id = _handler_arg()
        inquiries.advance(engine_db(), signed_in(), found.reference, values["status"], values["note"],
                          handler_id)
    except InvalidInput as exc:
        errors = exc.errors or {"note": [exc.message]}
        if "handler" in errors:
            errors["next_handler"] = errors.pop("handler")
        return _render(found, stage, errors, values, 400)
    except InvalidState as exc:
        return _render(found, stage, {"status": [exc.message]}, values, 409)
    flash(_("已转入“%(stage)s”。", stage=inquiries.status_label(values["status"])), "success")
    return redirect(url_for(f"{request.blueprint}.complaint", reference=found.reference))

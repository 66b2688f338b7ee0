"""A case as the supervisor sees it: its clocks, open steps with the urge (催办) form, cards, urges and the
full audit trail; and the audit chain check (the same as `onewindow audit verify`)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import audit, supervision, urging
from engine.organisation import group_names
from engine.errors import InvalidInput
from engine.models import Case, HumanTask, Urge
from engine.permissions import may_supervise_case, may_urge

from ..access import area_required, signed_in
from ..extensions import db, engine_db


def _load(case_id: int) -> Case:
    found = db.session.get(Case, case_id)
    if found is None or not may_supervise_case(db.session, signed_in(), found):
        abort(404)
    return found


def _render(case: Case, errors: dict | None = None, values: dict | None = None, status: int = 200):
    user = signed_in()
    steps = list(db.session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)
                                    .order_by(HumanTask.created_at, HumanTask.id)))
    urgeable = {t.id for t in steps if t.state == "open" and may_urge(db.session, user, t, case)}
    urges = list(db.session.scalars(select(Urge).where(Urge.case_id == case.id)
                                    .order_by(Urge.created_at, Urge.id)))
    from ..case_pages import history

    return render_template("supervision/case.html", case=case, steps=steps, urgeable=urgeable, urges=urges,
                           cards=supervision.cards_of_case(db.session, case), history=history(db.session, case),
                           reasons=supervision.REASONS, groups=group_names(db.session), errors=errors or {}, values=values or {}), status


@area_required("supervision")
def case(case_id: int):
    return _render(_load(case_id))


@area_required("supervision")
def urge(case_id: int, task_id: int):
    found = _load(case_id)
    task = db.session.get(HumanTask, task_id)
    if task is None or task.case_id != found.id:
        abort(404)
    message = request.form.get("message", "")
    try:
        urging.urge(engine_db(), task.id, signed_in(), message)
    except InvalidInput as exc:
        return _render(found, {task.id: exc.errors.get("message") or [exc.message]}, {task.id: message}, 400)
    flash(_("已向“%(step)s”的经办人发出催办。", step=task.name), "success")
    return redirect(url_for(".case", case_id=found.id) + f"#step-{task.id}")


@area_required("supervision")
def audit_chain():
    report = audit.verify(db.session)
    return render_template("supervision/audit_chain.html", report=report)

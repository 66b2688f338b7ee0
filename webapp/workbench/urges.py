"""The handler's side of supervision on the workbench: the urges (催办) on a step with the answer form, the
step's and case's clocks (task page, `workbench/_urges.html`), and the yellow / red cards addressed to the
person with an acknowledge button (inbox, `workbench/_notices.html`)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from engine import supervision, urging
from engine.errors import InvalidInput
from engine.models import Case, HumanTask, SupervisionCard, Urge
from engine.permissions import may_answer_urge

from ..access import area_required, signed_in
from ..extensions import db, engine_db


@dataclass(frozen=True)
class TaskSupervision:
    urges: list
    may_answer: bool
    errors: dict        # urge id -> messages, after a refused answer
    values: dict        # urge id -> the answer as typed


def task_supervision(task: HumanTask, case: Case) -> TaskSupervision:
    """Template global for the task page: the step's urges and whether the viewer may answer them."""
    user = signed_in()
    return TaskSupervision(urging.urges_of_task(db.session, task), may_answer_urge(db.session, user, task, case),
                           getattr(g, "urge_errors", {}), getattr(g, "urge_values", {}))


@dataclass(frozen=True)
class Notices:
    cards: list
    urges: list


def my_notices() -> Notices:
    """Template global for the inbox: the person's unacknowledged cards and unanswered urges."""
    user = signed_in()
    return Notices(supervision.notices_for(db.session, user), urging.waiting_for(db.session, user))


@area_required("workbench")
def answer_urge(urge_id: int):
    row = db.session.get(Urge, urge_id)
    if row is None or not may_answer_urge(db.session, signed_in(), row.task, row.case):
        abort(404)
    text = request.form.get("answer", "")
    try:
        urging.answer(engine_db(), row.id, signed_in(), text)
    except InvalidInput as exc:
        from .controllers import _render_task

        g.urge_errors = {row.id: exc.errors.get("answer") or exc.errors.get("text") or [exc.message]}
        g.urge_values = {row.id: text}
        return _render_task(row.task, row.case), 400
    flash(_("已答复催办。"), "success")
    return redirect(url_for(".task", task_id=row.task_id) + "#urges")


@area_required("workbench")
def acknowledge_card(card_id: int):
    if db.session.get(SupervisionCard, card_id) is None:
        abort(404)
    supervision.acknowledge(engine_db(), card_id, signed_in())
    flash(_("已签收提醒。"), "success")
    return redirect(url_for(".inbox"))

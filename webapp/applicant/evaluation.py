"""好差评 on the applicant's case page: rate a concluded case once (five levels, five indicators, a comment
that a bad review must have), and later rate the department's answer to a bad review.

The case page includes `applicant/_evaluation.html`; it shows `evaluation_box` when the view passes one
(`evaluation_view(session, case, user)`), and computes it itself through the template global
`case_evaluation(case)` otherwise. Who may rate is `engine.permissions.may_evaluate`."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import evaluation, rectification
from engine.errors import Conflict, InvalidInput, InvalidState
from engine.models import Case
from engine.permissions import may_evaluate, may_view_case

from ..access import area_required, signed_in
from ..extensions import db, engine_db


def evaluation_view(session, case: Case, user, values: dict | None = None, errors: dict | None = None,
                    rating_errors: dict | None = None, notice: str | None = None) -> dict:
    """What `applicant/_evaluation.html` needs for `case` seen by `user`: pass it as `evaluation_box`."""
    return {"standing": evaluation.standing(session, case, user), "case_id": case.id,
            "levels": evaluation.LEVELS, "indicators": evaluation.INDICATORS, "entered": values or {},
            "errors": errors or {}, "rating_errors": rating_errors or {}, "notice": notice,
            "states": rectification.STATE_LABELS, "max_comment": evaluation.MAX_COMMENT}


def case_evaluation(case: Case) -> dict:
    """The template global behind the partial when the view passed no `evaluation_box`."""
    return evaluation_view(db.session, case, signed_in())


@area_required("applicant")
def page(case_id: int):
    return _page(_visible_case(case_id))


@area_required("applicant")
def rate_case(case_id: int):
    case = _visible_case(case_id)
    if evaluation.of_case(db.session, case.id) is not None:
        return _page(case, notice=evaluation.ONCE), 409
    if not may_evaluate(signed_in(), case):
        abort(403)
    values = {key: request.form.get(key, "")[:1000] for key in ("level", *evaluation.INDICATORS, "comment")}
    try:
        rating = evaluation.parse_rating(values)
        evaluation.evaluate(engine_db(), case.id, signed_in(), rating)
    except InvalidInput as exc:
        return _page(case, values=values, errors=exc.errors or {"": [exc.message]}), 400
    except Conflict as exc:  # rated already (perhaps a second ago, in another tab): show that rating
        return _page(case, notice=exc.message), 409
    flash(_("感谢您的评价。") if rating.level not in evaluation.BAD_LEVELS
          else _("感谢您的评价。我们已安排办理部门核实整改，整改答复将通过“我的消息”通知您。"), "success")
    return redirect(url_for(".case", case_id=case.id) + "#case-evaluation")


@area_required("applicant")
def rate_rectification(case_id: int):
    case = _visible_case(case_id)
    decision = request.form.get("decision", "")
    satisfied = {"satisfied": True, "unsatisfied": False}.get(decision)
    try:
        rectification.rate(engine_db(), case.id, signed_in(), satisfied, request.form.get("comment", "")[:1000])
    except InvalidInput as exc:
        return _page(case, rating_errors=exc.errors or {"": [exc.message]}), 400
    except (InvalidState, Conflict) as exc:
        return _page(case, notice=exc.message), 409
    flash(_("感谢您对整改结果的评价。"), "success")
    return redirect(url_for(".case", case_id=case.id) + "#case-evaluation")


def _page(case: Case, **context):
    db.session.expire_all()  # the engine wrote in its own session
    return render_template("applicant/evaluation.html", case=case,
                           evaluation_box=evaluation_view(db.session, case, signed_in(), **context))


def _visible_case(case_id: int) -> Case:
    """The case if the signed-in applicant or agent may see it, never an internal one; 404 otherwise."""
    case = db.session.get(Case, case_id)
    if case is None or case.channel == "internal" or not may_view_case(db.session, signed_in(), case):
        abort(404)
    return case

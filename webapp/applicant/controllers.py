"""Applicants and agents following their cases: my cases and drafts, one case, withdrawing.

Applying is in `applying.py`, the receipt in `receipts.py`, answering a supplement in `supplement.py`."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import applicant_cases, cases, drafts, inbox
from engine.models import Case, HumanTask
from engine.permissions import APPLICANT_GROUP, may_view_case

from .. import case_pages, formrender
from ..access import area_required, signed_in
from ..extensions import db, engine_db
from ..params import page_arg

CASES_PER_PAGE = 20
DISCARDED = "discarded_draft"  # session key: the item code whose draft was just discarded (home drops its copy)


@area_required("applicant")
def home():
    user = signed_in()
    query = applicant_cases.cases_of(user)
    page = db.paginate(query, page=page_arg(), per_page=CASES_PER_PAGE, error_out=False)
    if page.page > max(page.pages, 1):
        abort(404)
    return render_template("applicant/home.html", page=page, tasks=inbox.applicant_tasks(db.session, user),
                           drafts=drafts.drafts_of(db.session, user), discarded=session.pop(DISCARDED, None))


@area_required("applicant")
def case_detail(case_id: int):
    case = visible_case(case_id)
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
    visible_case(case_id)
    reason = request.form.get("reason", "").strip()[:500]
    cases.withdraw(engine_db(), case_id, signed_in(), reason)
    flash(_("办件已撤回。"), "success")
    return redirect(url_for(".case", case_id=case_id))


def visible_case(case_id: int) -> Case:
    """The case if the signed-in applicant or agent may see it; 404 otherwise (existence is not revealed)."""
    case = db.session.get(Case, case_id)
    if case is None or not may_view_case(db.session, signed_in(), case):
        abort(404)
    return case

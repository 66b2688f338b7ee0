"""Fees at the window: the fee section of a task page, recording payments, waivers, and settling tickets.

Forms carry a receipt number or a reason, never an amount: amounts come from the item definition and
no route passes one to the engine. Who may do what is asked of engine.permissions (and checked again by
engine.fees inside each action).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import fees
from engine.errors import Forbidden, InvalidInput, InvalidState
from engine.models import Case, FeeCharge
from engine.permissions import fee_departments, may_collect_fees, may_waive_fees

from ..access import area_required, signed_in
from ..extensions import db, engine_db
from ..portal.labels import FEE_STATUSES, PAYMENTS, label
from .controllers import load_task

TICKETS_SHOWN = 500  # one ticket book or a few; older ones first


@dataclass(frozen=True)
class FeeSection:
    """What a page shows about a case's fees, and what the signed-in person may do with them."""

    fees: list[FeeCharge]
    pending: bool          # the item charges fees, and the case is not accepted yet
    may_collect: bool
    may_waive: bool

    @property
    def total_due(self) -> Decimal:
        return sum((fee.amount for fee in self.fees if fee.status == fees.DUE), Decimal("0.00"))

    @staticmethod
    def payment_label(code: str) -> str:
        return label(PAYMENTS, code)

    @staticmethod
    def status_label(code: str) -> str:
        return label(FEE_STATUSES, code)


def case_fees(case: Case) -> FeeSection:
    """The fee section of a case page (template global; the page has already checked its viewer)."""
    rows = fees.fees_of_case(db.session, case.id)
    user = signed_in()
    pending = not rows and case.accepted_at is None and bool(case.item_version.guide.get("fees"))
    collect = bool(rows) and may_collect_fees(db.session, user, case)
    return FeeSection(rows, pending, collect, collect and may_waive_fees(db.session, user, case))


@area_required("workbench")
def record_payment(task_id: int, fee_id: int):
    _task, case = load_task(task_id)
    fee = _fee_of(case, fee_id)
    receipt = request.form.get("receipt_no", "")  # the only field read: an `amount` sent along is ignored
    try:
        fees.record_payment(engine_db(), fee.id, signed_in(), receipt)
    except (InvalidInput, InvalidState) as exc:
        flash(exc.message, "error")
    else:
        flash(_("已登记“%(name)s”缴费，票据号 %(no)s。", name=fee.name, no=receipt.strip()), "success")
    return redirect(url_for(".task", task_id=task_id, _anchor="case-fees"))


@area_required("workbench")
def waive(task_id: int, fee_id: int):
    _task, case = load_task(task_id)
    fee = _fee_of(case, fee_id)
    try:
        fees.waive(engine_db(), fee.id, signed_in(), request.form.get("reason", ""))
    except (InvalidInput, InvalidState) as exc:
        flash(exc.message, "error")
    else:
        flash(_("已减免“%(name)s”。", name=fee.name), "success")
    return redirect(url_for(".task", task_id=task_id, _anchor="case-fees"))


@area_required("workbench")
def tickets():
    departments = _ticket_departments()
    rows = fees.unsettled_tickets(db.session, departments, limit=TICKETS_SHOWN + 1)
    shown = rows[:TICKETS_SHOWN]
    return render_template("workbench/tickets.html", tickets=shown, more=len(rows) > TICKETS_SHOWN,
                           total=sum((fee.amount for fee in shown), Decimal("0.00")))


@area_required("workbench")
def settle_tickets():
    _ticket_departments()
    raw = request.form.getlist("fee_ids")
    if any(not (value.isascii() and value.isdigit()) for value in raw):
        abort(400)
    try:
        count = fees.settle_tickets(engine_db(), [int(v) for v in raw], signed_in(),
                                    request.form.get("receipt_no", ""))
    except (InvalidInput, InvalidState) as exc:  # NotFound (a fee not theirs, or none) is a 404 page
        flash(exc.message, "error")
    else:
        flash(_("已结算 %(n)s 笔拉票费用。", n=count), "success")
    return redirect(url_for(".tickets"))


def _ticket_departments() -> set[int]:
    departments = fee_departments(db.session, signed_in())
    if not departments:
        raise Forbidden(_("您不负责收费。"))
    return departments


def _fee_of(case: Case, fee_id: int) -> FeeCharge:
    """The fee, if it belongs to the task's case (a fee id from another case is not found)."""
    fee = db.session.scalar(select(FeeCharge).where(FeeCharge.id == fee_id, FeeCharge.case_id == case.id))
    if fee is None:
        abort(404)
    return fee

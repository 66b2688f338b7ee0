"""Fees of a case (Zhoushan's three ways): charged on acceptance, paid, settled in batch, or waived.

The standards come from the item version's guide (`fees`: code, name, amount as a decimal string,
payment bank / window / ticket, finance code, waivable). On acceptance they are copied into `fee_charge`
rows in the acceptance's own transaction; from then on the amount is what the item said: no function
here takes an amount, so nobody (clerk, head, web form) can change or delete one.

- bank (银行缴款): the applicant pays into the finance account named by the finance code; a clerk
  records the bank's receipt number.
- window (窗口收费): paid at the window, the clerk records the receipt number.
- ticket (拉票): small, frequent fees paid at the window against a numbered ticket: recorded with the
  ticket number, the fee is paid at once (the case may conclude); when the ticket book is used up, its
  money goes to the bank in one go and its fees are settled here together under that one bank receipt.

A case cannot conclude as approved while a fee is still due (`require_settled`, called by
`engine.cases.complete` after the workflow moved, so the refusal rolls the whole action back).
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, contains_eager

from . import audit, clock, versions
from .db import Database
from .errors import Forbidden, InvalidInput, InvalidState, NotFound
from .i18n import _
from .models import Case, FeeCharge, User
from .permissions import may_collect_fees, may_waive_fees
from .status import FINAL, CaseStatus

BANK, WINDOW, TICKET = "bank", "window", "ticket"
DUE, PAID, WAIVED = "due", "paid", "waived"
CENT = Decimal("0.01")
RECEIPT_MAX = 64       # fee_charge.receipt_no
REASON_MAX = 500
APPROVED = frozenset({CaseStatus.APPROVED, CaseStatus.APPROVED_TOLERATED})
# Cases that ended without approval: their unpaid tickets are not waiting for settlement.
ENDED_UNAPPROVED = frozenset(FINAL - APPROVED)


def charge(session: Session, case: Case, actor: User | None = None) -> list[FeeCharge]:
    """Copy the item version's fee standards into the case's fee rows (called on acceptance).

    Runs inside the caller's transaction. A case is charged once: a second call adds nothing."""
    version = versions.content(session, case.item_version_id)
    standards = version.guide.get("fees") or []
    if not standards:
        return []
    with session.no_autoflush:  # the case row is written once, at commit
        if session.scalar(select(FeeCharge.id).where(FeeCharge.case_id == case.id).limit(1)) is not None:
            return []
    now = clock.now()
    rows = [FeeCharge(case_id=case.id, code=fee["code"], name=fee["name"],
                      amount=Decimal(str(fee["amount"])).quantize(CENT), payment=fee["payment"],
                      finance_code=fee.get("finance_code"), waivable=bool(fee.get("waivable", False)),
                      status=DUE, created_at=now) for fee in standards]
    session.add_all(rows)
    audit.record(session, "fees_charged", case=case, actor=actor, department_code=version.department_code,
                 detail={"fees": [{"code": r.code, "amount": str(r.amount), "payment": r.payment} for r in rows]})
    return rows


def fees_of_case(session: Session, case_id: int) -> list[FeeCharge]:
    """The fees of one case, in the order of the item's fee list."""
    return list(session.scalars(select(FeeCharge).where(FeeCharge.case_id == case_id).order_by(FeeCharge.id)))


def unpaid(session: Session, case_id: int) -> list[FeeCharge]:
    """The case's fees still due (neither paid nor waived)."""
    return [fee for fee in fees_of_case(session, case_id) if fee.status == DUE]


def unsettled_tickets(session: Session, department_ids, limit: int | None = None) -> list[FeeCharge]:
    """Ticket fees (拉票) of these departments not yet settled with the bank, oldest first (at most `limit`),
    each with its case loaded: those paid against a ticket, and those still due on running or approved
    cases (a case that ended unapproved owes nothing). Read through `ix_fee_status_payment`."""
    ids = list(department_ids)
    if not ids:
        return []
    still_owed = and_(FeeCharge.status == DUE, Case.status.not_in([int(s) for s in ENDED_UNAPPROVED]))
    query = (select(FeeCharge).join(Case, Case.id == FeeCharge.case_id).options(contains_eager(FeeCharge.case))
             .where(FeeCharge.payment == TICKET, FeeCharge.status.in_((DUE, PAID)), FeeCharge.settled_at.is_(None),
                    Case.department_id.in_(ids), or_(FeeCharge.status == PAID, still_owed))
             .order_by(FeeCharge.created_at, FeeCharge.id).limit(limit))
    return list(session.scalars(query))


def record_payment(db: Database, fee_id: int, user: User, receipt_no: str) -> None:
    """A fee was paid: record the receipt number (the bank's, the window's own, or the ticket's number)."""
    receipt = _receipt(receipt_no)
    with db.write() as session:
        fee, case = _lock_fee(session, fee_id)
        if not may_collect_fees(session, user, case):
            raise Forbidden(_("您无权登记该办件的缴费。"))
        _require_due(fee)
        _mark_paid(fee, user, receipt)
        audit.record(session, "fee_paid", case=case, actor=user, department_code=_department_code(session, case),
                     detail={"fee": fee.code, "amount": str(fee.amount), "payment": fee.payment,
                             "receipt_no": receipt})


def settle_tickets(db: Database, fee_ids, user: User, receipt_no: str) -> int:
    """Settle the ticket fees of a used-up ticket book with its one bank receipt; all or none. A ticket
    fee not yet recorded at the window is paid and settled at once under that receipt.

    Returns how many fees were settled."""
    receipt = _receipt(receipt_no)
    ids = sorted({int(i) for i in fee_ids})
    if not ids:
        raise InvalidInput(_("请选择要结算的拉票费用。"), {"fee_ids": [_("请选择要结算的拉票费用。")]})
    with db.write() as session:
        # Lock in id order, so two batches sharing fees queue instead of deadlocking.
        fees = list(session.scalars(select(FeeCharge).join(Case, Case.id == FeeCharge.case_id)
                                    .options(contains_eager(FeeCharge.case)).where(FeeCharge.id.in_(ids))
                                    .order_by(FeeCharge.id).with_for_update(of=FeeCharge)))
        # Another department's fee reads as a missing one: the refusal must not name its case.
        if len(fees) != len(ids) or not all(may_collect_fees(session, user, fee.case) for fee in fees):
            raise NotFound(_("所选费用不存在。"))
        for fee in fees:
            if fee.payment != TICKET:
                raise InvalidState(_("“%(name)s”不是拉票收费，不能批量结算。", name=fee.name))
            if fee.settled_at is not None:
                raise InvalidState(_("“%(name)s”已于银行回单 %(no)s 结算。", name=fee.name, no=fee.settlement_receipt_no))
            if fee.status == WAIVED:
                raise InvalidState(_("“%(name)s”已减免，无需结算。", name=fee.name))
        now = clock.now()
        for fee in fees:
            if fee.status == DUE:
                _mark_paid(fee, user, receipt)
            fee.settled_at, fee.settlement_receipt_no = now, receipt
            audit.record(session, "tickets_settled", case=fee.case, actor=user,
                         department_code=_department_code(session, fee.case),
                         detail={"fee": fee.code, "amount": str(fee.amount), "receipt_no": receipt,
                                 "ticket_no": fee.receipt_no, "batch": len(fees)})
    return len(fees)


def waive(db: Database, fee_id: int, user: User, reason: str) -> None:
    """A section head waives a waivable fee (减免), giving the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写减免理由。"), {"reason": [_("请填写减免理由。")]})
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("减免理由不能超过 %(n)s 个字。", n=REASON_MAX), {"reason": [_("减免理由过长。")]})
    with db.write() as session:
        fee, case = _lock_fee(session, fee_id)
        if not may_waive_fees(session, user, case):
            raise Forbidden(_("只有本部门的科室负责人可以减免费用。"))
        if not fee.waivable:
            raise InvalidState(_("“%(name)s”按收费标准不可减免。", name=fee.name))
        _require_due(fee)
        fee.status, fee.waiver_reason, fee.recorded_by_id = WAIVED, reason, user.id
        audit.record(session, "fee_waived", case=case, actor=user, opinion=reason,
                     department_code=_department_code(session, case),
                     detail={"fee": fee.code, "amount": str(fee.amount)})


def require_settled(session: Session, case: Case) -> None:
    """The conclusion gate: a case concluding as approved must have no fee still due.

    Called after the workflow moved, inside the action's transaction: raising rolls everything back."""
    if case.status not in APPROVED:
        return
    due = unpaid(session, case.id)
    if due:
        names = "、".join(_("%(name)s（%(amount)s 元）", name=fee.name, amount=fee.amount) for fee in due)
        raise InvalidState(_("办件尚有未缴清的费用：%(fees)s。请先登记缴费或办理减免，再办结。", fees=names))


def _lock_fee(session: Session, fee_id: int) -> tuple[FeeCharge, Case]:
    """The fee and its case, the case row locked like every other action on the case."""
    case_id = session.scalar(select(FeeCharge.case_id).where(FeeCharge.id == fee_id))
    if case_id is None:
        raise NotFound(_("费用不存在。"))
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    fee = session.get(FeeCharge, fee_id)
    session.refresh(fee)  # re-read after the lock: another clerk may have recorded it meanwhile
    return fee, case


def _require_due(fee: FeeCharge) -> None:
    if fee.status == PAID:
        raise InvalidState(_("“%(name)s”已缴纳（票据号 %(no)s），不能重复登记。", name=fee.name, no=fee.receipt_no))
    if fee.status == WAIVED:
        raise InvalidState(_("“%(name)s”已减免，无需缴纳。", name=fee.name))


def _mark_paid(fee: FeeCharge, user: User, receipt: str) -> None:
    fee.status, fee.receipt_no, fee.paid_at, fee.recorded_by_id = PAID, receipt, clock.now(), user.id


def _receipt(receipt_no: str) -> str:
    receipt = (receipt_no or "").strip()
    if not receipt:
        raise InvalidInput(_("请填写票据号（收据号）。"), {"receipt_no": [_("请填写票据号（收据号）。")]})
    if len(receipt) > RECEIPT_MAX or not receipt.isprintable():
        raise InvalidInput(_("票据号格式不正确。"), {"receipt_no": [_("票据号格式不正确。")]})
    return receipt


def _department_code(session: Session, case: Case) -> str:
    return versions.content(session, case.item_version_id).department_code

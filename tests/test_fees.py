"""Fees (Zhoushan's three ways): charged on acceptance from the item definition, paid with receipt numbers,
ticket fees settled in batch, waivable fees waived by a section head, and no approval while a fee is due."""
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from engine import accounts, cases, fees
from engine.errors import Forbidden, InvalidInput, InvalidState
from engine.models import AuditEvent, Department
from engine.permissions import CLERK
from engine.status import CaseStatus

from .helpers import answer, application, audit_actions, case, drive, item_code, only_open_task

ITEM_FILE = Path(__file__).resolve().parent.parent / "processes" / "real_estate_transfer.item.yaml"


def item_fees() -> list[dict]:
    """The fee standards as the analyst wrote them in the sample item's file."""
    return yaml.safe_load(ITEM_FILE.read_text(encoding="utf-8"))["fees"]


def submit_real_estate(db, users) -> int:
    code = item_code(db, "real_estate_transfer")
    return cases.submit(db, code, application(db, code), users["haiyun"]).case_id


def accepted_case(db, users) -> int:
    case_id = submit_real_estate(db, users)
    assert drive(db, users, case_id, max_steps=1) == ["pre_review"]  # the window accepts
    return case_id


def at_issue(db, users) -> int:
    """An accepted, reviewed and approved case whose last task (核收费用并缮证发证) is open, fees unpaid."""
    case_id = accepted_case(db, users)
    assert drive(db, users, case_id, max_steps=2) == ["review", "approve"]
    assert only_open_task(db, case_id).bpmn_id == "issue"
    return case_id


def fee(db, case_id: int, payment: str):
    with db.read() as session:
        return next(f for f in fees.fees_of_case(session, case_id) if f.payment == payment)


def fee_rows(db, case_id: int) -> list:
    with db.read() as session:
        return fees.fees_of_case(session, case_id)


def audit_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def test_acceptance_charges_the_items_fees_with_their_exact_amounts(db, users):
    case_id = accepted_case(db, users)
    rows = fee_rows(db, case_id)
    charged = {(r.code, r.name, r.amount, r.payment, r.finance_code, r.waivable, r.status) for r in rows}
    expected = {(f["code"], f["name"], Decimal(f["amount"]), f["payment"], f.get("finance_code"),
                 f.get("waivable", False), "due") for f in item_fees()}
    assert charged == expected
    assert all(isinstance(r.amount, Decimal) for r in rows)
    assert ("fees_charged", None) in audit_actions(db, case_id)


def test_no_fee_is_charged_before_acceptance(db, users):
    case_id = submit_real_estate(db, users)
    assert fee_rows(db, case_id) == []


def test_recording_a_window_payment_keeps_its_receipt_number(db, users):
    case_id = accepted_case(db, users)
    window = fee(db, case_id, "window")
    fees.record_payment(db, window.id, users["clerk"], " SJ2026-000123 ")
    paid = fee(db, case_id, "window")
    assert (paid.status, paid.receipt_no, paid.recorded_by_id) == ("paid", "SJ2026-000123", users["clerk"].id)
    assert paid.paid_at is not None and paid.amount == window.amount
    assert ("fee_paid", None) in audit_actions(db, case_id)


def test_a_payment_without_a_receipt_number_is_refused(db, users):
    case_id = accepted_case(db, users)
    with pytest.raises(InvalidInput):
        fees.record_payment(db, fee(db, case_id, "bank").id, users["clerk"], "   ")
    assert fee(db, case_id, "bank").status == "due"


def test_a_fee_cannot_be_paid_twice(db, users):
    case_id = accepted_case(db, users)
    bank = fee(db, case_id, "bank")
    fees.record_payment(db, bank.id, users["clerk"], "YH-0001")
    with pytest.raises(InvalidState):
        fees.record_payment(db, bank.id, users["clerk"], "YH-0002")
    assert fee(db, case_id, "bank").receipt_no == "YH-0001"


def test_a_ticket_fee_is_paid_by_its_ticket_number_and_waits_for_the_books_settlement(db, users):
    case_id = accepted_case(db, users)
    ticket = fee(db, case_id, "ticket")
    fees.record_payment(db, ticket.id, users["clerk"], "LP-0000123")
    paid = fee(db, case_id, "ticket")
    assert (paid.status, paid.receipt_no, paid.settled_at) == ("paid", "LP-0000123", None)
    with db.read() as session:
        land = session.scalar(select(Department.id).where(Department.code == "dm_land"))
        assert [t.id for t in fees.unsettled_tickets(session, [land])] == [ticket.id]
    assert fees.settle_tickets(db, [ticket.id], users["clerk"], "JS2026-08") == 1
    settled = fee(db, case_id, "ticket")
    assert (settled.receipt_no, settled.settlement_receipt_no) == ("LP-0000123", "JS2026-08")
    with pytest.raises(InvalidState):
        fees.settle_tickets(db, [ticket.id], users["clerk"], "JS2026-09")  # a ticket is settled once


def test_ticket_fees_of_several_cases_are_settled_in_one_batch_with_one_receipt(db, users):
    first, second = accepted_case(db, users), accepted_case(db, users)
    with db.read() as session:
        land = session.scalar(select(Department.id).where(Department.code == "dm_land"))
        waiting = fees.unsettled_tickets(session, [land])
    assert {t.case_id for t in waiting} == {first, second}
    assert fees.settle_tickets(db, [t.id for t in waiting], users["clerk"], "JS2026-07") == 2
    settled = [fee(db, first, "ticket"), fee(db, second, "ticket")]
    assert {(t.status, t.receipt_no, t.settlement_receipt_no) for t in settled} == {("paid", "JS2026-07", "JS2026-07")}
    with db.read() as session:
        assert fees.unsettled_tickets(session, [land]) == []


def test_waiving_needs_a_waivable_fee(db, users):
    case_id = accepted_case(db, users)
    with pytest.raises(InvalidState):
        fees.waive(db, fee(db, case_id, "bank").id, users["head"], "小微企业免收。")
    assert fee(db, case_id, "bank").status == "due"


def test_waiving_needs_a_reason(db, users):
    case_id = accepted_case(db, users)
    with pytest.raises(InvalidInput):
        fees.waive(db, fee(db, case_id, "window").id, users["head"], "  ")
    assert fee(db, case_id, "window").status == "due"


def test_only_a_section_head_may_waive_a_fee(db, users):
    case_id = accepted_case(db, users)
    window = fee(db, case_id, "window")
    for someone in ("clerk", "reviewer", "haiyun"):
        with pytest.raises(Forbidden):
            fees.waive(db, window.id, users[someone], "小微企业免收。")
    fees.waive(db, window.id, users["head"], "小微企业，依财税〔2016〕79号免收。")
    waived = fee(db, case_id, "window")
    assert (waived.status, waived.waiver_reason, waived.amount) == ("waived", "小微企业，依财税〔2016〕79号免收。",
                                                                    window.amount)
    assert ("fee_waived", None) in audit_actions(db, case_id)


def test_a_clerk_of_another_department_cannot_record_payments(db, users):
    with db.write() as session:
        other = accounts.create_user(session, "clerk_planning", "pw-2026", "规划窗口", roles=(CLERK,),
                                     department="dm_planning", groups=("dm_planning_window",))
    case_id = accepted_case(db, users)
    with pytest.raises(Forbidden):
        fees.record_payment(db, fee(db, case_id, "window").id, other, "SJ-1")
    assert fee(db, case_id, "window").status == "due"


def test_a_case_cannot_conclude_with_an_unpaid_fee(db, users):
    case_id = at_issue(db, users)
    bank = fee(db, case_id, "bank")
    fees.record_payment(db, bank.id, users["clerk"], "YH-0001")  # the window fee and the ticket fee are still due
    before, events, issue = case(db, case_id), audit_count(db), only_open_task(db, case_id)
    with pytest.raises(InvalidState) as refused:
        cases.complete(db, issue.id, users["clerk"], answer(db, issue))
    message = refused.value.message
    for due in (fee(db, case_id, "window"), fee(db, case_id, "ticket")):
        assert f"{due.name}（{due.amount} 元）" in message
    assert f"{bank.name}（{bank.amount} 元）" not in message
    after = case(db, case_id)
    assert (after.status, after.concluded_at, after.version) == (before.status, None, before.version)
    assert only_open_task(db, case_id).id == issue.id and audit_count(db) == events


def test_the_case_concludes_once_its_fees_are_paid_or_waived(db, users):
    case_id = at_issue(db, users)
    fees.waive(db, fee(db, case_id, "window").id, users["head"], "小微企业免收。")
    fees.record_payment(db, fee(db, case_id, "bank").id, users["clerk"], "YH-0001")
    fees.settle_tickets(db, [fee(db, case_id, "ticket").id], users["clerk"], "JS-0001")
    drive(db, users, case_id)
    assert case(db, case_id).status == CaseStatus.APPROVED


def test_a_denial_is_not_held_up_by_unpaid_fees(db, users):
    case_id = accepted_case(db, users)
    drive(db, users, case_id, {"approve": {"decision": "deny", "opinion": "权属有争议。"}})
    assert case(db, case_id).status == CaseStatus.DENIED
    assert {r.status for r in fee_rows(db, case_id)} == {"due"}

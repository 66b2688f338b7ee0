"""Fees in the web app: the task page's fee section, payments with receipt numbers, waivers by section heads,
batch settlement of ticket fees, the applicant's read-only view, and amounts no route can change."""
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict

from engine import accounts, cases, demo, fees
from engine.permissions import CLERK
from tests.webpage import Page, login, submit

from .helpers import application, case, drive, item_code, open_tasks


def accepted_case(db, users) -> int:
    code = item_code(db, "real_estate_transfer")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    drive(db, users, case_id, max_steps=1)  # the window accepts: the item's fees are charged
    return case_id


@pytest.fixture
def accepted(db, users) -> int:
    return accepted_case(db, users)


@pytest.fixture
def at_approval(db, users, accepted) -> int:
    """Reviewed, waiting for the head's approval: the section head's own task page shows the fees."""
    drive(db, users, accepted, max_steps=1)
    assert open_tasks(db, accepted)[0].bpmn_id == "approve"
    return accepted


def task_url(db, case_id: int) -> str:
    return f"/workbench/tasks/{open_tasks(db, case_id)[0].id}"


def fee(db, case_id: int, payment: str):
    with db.read() as session:
        return next(f for f in fees.fees_of_case(session, case_id) if f.payment == payment)


def test_the_task_page_shows_each_fee_with_its_amount_payment_way_and_status(client, db, accepted):
    login(client, "clerk")
    page = Page(client.get(task_url(db, accepted)))
    labels = {"bank": "银行缴款", "window": "窗口收费", "ticket": "拉票"}
    for payment, label in labels.items():
        row = fee(db, accepted, payment)
        assert Decimal(page.text(f"fee-amount-{row.id}")) == row.amount
        assert page.text(f"fee-payment-{row.id}") == label
        assert page.find(f"fee-status-{row.id}").get("data-status") == "due"


def test_no_fee_amount_is_an_input_on_the_task_page(client, db, at_approval):
    case_id = at_approval
    login(client, "head")
    page = Page(client.get(task_url(db, case_id)))
    fields = [e for e in page.find("case-fees").iter() if e.tag in ("input", "select", "textarea")]
    assert fields and {e.get("name") for e in fields} <= {"csrf_token", "receipt_no", "reason"}


def test_a_clerk_records_a_window_payment_with_its_receipt_number(client, db, accepted):
    login(client, "clerk")
    window = fee(db, accepted, "window")
    response = submit(client, task_url(db, accepted), f"fee-pay-form-{window.id}", {"receipt_no": "SJ2026-0042"})
    assert response.status_code == 302
    page = Page(client.get(response.headers["Location"]))
    assert page.find(f"fee-status-{window.id}").get("data-status") == "paid"
    assert page.text(f"fee-receipt-{window.id}").startswith("SJ2026-0042")
    assert fee(db, accepted, "window").receipt_no == "SJ2026-0042"


def test_an_amount_posted_to_any_fee_route_is_ignored(client, db, at_approval):
    case_id = at_approval
    window = fee(db, case_id, "window")
    task_id = open_tasks(db, case_id)[0].id
    login(client, "head")
    client.post(f"/workbench/tasks/{task_id}/fees/{window.id}/waiver", data={"reason": "小微企业免收。", "amount": "0"})
    bank = fee(db, case_id, "bank")
    client.post(f"/workbench/tasks/{task_id}/fees/{bank.id}/payment", data={"receipt_no": "YH-1", "amount": "0.01"})
    ticket = fee(db, case_id, "ticket")
    client.post("/workbench/tickets/settle", data={"fee_ids": [ticket.id], "receipt_no": "JS-1", "amount": "1"})
    after = {r.payment: (r.status, r.amount) for r in (fee(db, case_id, p) for p in ("bank", "window", "ticket"))}
    assert after == {"bank": ("paid", bank.amount), "window": ("waived", window.amount),
                     "ticket": ("paid", ticket.amount)}


def test_a_clerk_of_another_department_cannot_record_payments_on_the_case(client, db, accepted):
    with db.write() as session:
        accounts.create_user(session, "clerk_planning", demo.DEMO_PASSWORD, "规划窗口", roles=(CLERK,),
                             department="dm_planning", groups=("dm_planning_window",))
    window = fee(db, accepted, "window")
    login(client, "clerk_planning")
    response = client.post(f"{task_url(db, accepted)}/fees/{window.id}/payment", data={"receipt_no": "SJ-9"})
    assert response.status_code == 403
    assert fee(db, accepted, "window").status == "due"


def test_only_a_section_head_is_offered_the_waiver_of_a_waivable_fee(client, db, at_approval):
    case_id = at_approval
    window, bank = fee(db, case_id, "window"), fee(db, case_id, "bank")
    login(client, "clerk")
    assert Page(client.get(task_url(db, case_id))).find(f"fee-waive-form-{window.id}") is None
    response = client.post(f"{task_url(db, case_id)}/fees/{window.id}/waiver", data={"reason": "免收。"})
    assert response.status_code == 403 and fee(db, case_id, "window").status == "due"
    client.post("/auth/logout")
    login(client, "head")
    page = Page(client.get(task_url(db, case_id)))
    assert page.find(f"fee-waive-form-{window.id}") is not None
    assert page.find(f"fee-waive-form-{bank.id}") is None


def test_a_section_head_waives_a_fee_with_a_reason_through_the_task_page(client, db, at_approval):
    case_id = at_approval
    window = fee(db, case_id, "window")
    login(client, "head")
    response = submit(client, task_url(db, case_id), f"fee-waive-form-{window.id}", {"reason": "小微企业免收。"})
    page = Page(client.get(response.headers["Location"]))
    assert page.find(f"fee-status-{window.id}").get("data-status") == "waived"
    assert page.text(f"fee-waiver-reason-{window.id}") == "小微企业免收。"


def test_the_ticket_page_lists_unsettled_ticket_fees_and_settles_the_chosen_ones_together(client, db, users, accepted):
    second = accepted_case(db, users)
    tickets = [fee(db, accepted, "ticket"), fee(db, second, "ticket")]
    login(client, "clerk")
    page = Page(client.get("/workbench/tickets"))
    assert {e.get("data-testid") for e in page.all("data-testid", "ticket-")} == {f"ticket-{t.id}" for t in tickets}
    ticked = [(name, value) for name, value in page.form_values("settle-form") if name != "receipt_no"]
    ticked += [("fee_ids", str(t.id)) for t in tickets] + [("receipt_no", "JS2026-0001")]  # tick both boxes
    response = client.post(page.find("settle-form").get("action"), data=MultiDict(ticked))
    assert response.status_code == 302
    assert Page(client.get("/workbench/tickets")).find("tickets-empty") is not None
    assert {(fee(db, c, "ticket").status, fee(db, c, "ticket").receipt_no) for c in (accepted, second)} == {
        ("paid", "JS2026-0001")}


def test_the_applicant_sees_the_fees_read_only_with_the_finance_code_of_the_bank_payment(client, db, accepted):
    bank = fee(db, accepted, "bank")
    login(client, "haiyun")
    page = Page(client.get(f"/my/cases/{accepted}"))
    howto = page.text(f"fee-howto-{bank.id}")
    assert bank.finance_code in howto and str(bank.amount) in howto
    assert not [e for e in page.find("case-fees").iter() if e.tag in ("form", "input", "button")]


def test_concluding_through_the_task_form_with_fees_due_shows_which_fees_and_keeps_the_task_open(client, db, users,
                                                                                                  accepted):
    drive(db, users, accepted, max_steps=2)  # reviewed and approved: 核收费用并缮证发证 is next
    issue = open_tasks(db, accepted)[0]
    login(client, "clerk")
    url = f"/workbench/tasks/{issue.id}"
    response = submit(client, url, "task-form", demo.approving_answer(db, issue))
    page = Page(response)
    assert page.status == 400
    for payment in ("bank", "window", "ticket"):
        assert fee(db, accepted, payment).name in page.text("form-errors")
    assert open_tasks(db, accepted)[0].id == issue.id


def test_a_ticket_fee_is_recorded_with_its_ticket_number_on_the_task_page(client, db, users, accepted):
    login(client, "clerk")
    ticket = fee(db, accepted, "ticket")
    response = submit(client, task_url(db, accepted), f"fee-pay-form-{ticket.id}", {"receipt_no": "LP-0042"})
    assert response.status_code == 302
    assert (fee(db, accepted, "ticket").status, fee(db, accepted, "ticket").receipt_no) == ("paid", "LP-0042")
    page = Page(client.get("/workbench/tickets"))
    assert page.text(f"ticket-no-{ticket.id}") == "LP-0042"


def test_settling_another_departments_ticket_fee_is_refused_as_missing_without_naming_the_case(client, db, accepted):
    with db.write() as session:
        accounts.create_user(session, "clerk_planning", demo.DEMO_PASSWORD, "规划窗口", roles=(CLERK,),
                             department="dm_planning", groups=("dm_planning_window",))
    ticket = fee(db, accepted, "ticket")
    login(client, "clerk_planning")
    response = client.post("/workbench/tickets/settle", data={"fee_ids": [ticket.id], "receipt_no": "JS-9"})
    assert response.status_code == 404
    assert "所选费用不存在" in response.get_data(as_text=True)
    assert case(db, accepted).case_no not in response.get_data(as_text=True)  # names no case
    after = fee(db, accepted, "ticket")
    assert (after.status, after.settled_at, after.settlement_receipt_no) == (ticket.status, None, None)

"""In a real browser: a window clerk records the receipt of a window fee on the task page."""
import pytest

from engine import cases, demo, fees

from .helpers import application, drive, item_code, only_open_task

pytestmark = pytest.mark.browser


def test_a_clerk_records_the_window_fee_receipt_on_the_task_page_and_sees_it_paid(page, live_server, db, users):
    code = item_code(db, "real_estate_transfer")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    drive(db, users, case_id, max_steps=3)  # accepted (fees charged), reviewed, approved
    issue = only_open_task(db, case_id)
    with db.read() as session:
        window = next(f for f in fees.fees_of_case(session, case_id) if f.payment == fees.WINDOW)

    page.goto(f"{live_server}/auth/login")
    page.fill("#username", "clerk")
    page.fill("#password", demo.DEMO_PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#logout-button")
    page.goto(f"{live_server}/workbench/tasks/{issue.id}")
    assert page.get_attribute(f"#fee-status-{window.id}", "data-status") == "due"
    page.fill(f"#fee-receipt-input-{window.id}", "SJ2026-0088")
    page.click(f"#fee-pay-{window.id}")
    page.wait_for_selector('[data-testid="flash-success"]')
    assert page.get_attribute(f"#fee-status-{window.id}", "data-status") == "paid"
    assert page.inner_text(f"#fee-status-{window.id}").strip() == "已缴"
    assert page.inner_text(f"#fee-receipt-{window.id}").startswith("SJ2026-0088")

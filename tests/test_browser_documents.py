"""In a real browser: a clerk accepts a construction permit case and opens the printable acceptance notice."""
import pytest

from engine import cases, demo

from .helpers import application, documents, item_code, only_open_task
from .test_browser_journey import _fill, _login

pytestmark = pytest.mark.browser


def test_clerk_accepts_a_construction_permit_case_and_opens_the_printable_acceptance_notice(page, live_server, db,
                                                                                            users):
    code = item_code(db, "construction_permit")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    task = only_open_task(db, case_id)

    _login(page, live_server, "clerk")
    page.goto(f"{live_server}/workbench/tasks/{task.id}")
    page.click("#claim-button")
    _fill(page, demo.approving_answer(db, task))
    page.click("#complete-task")
    page.wait_for_selector('[data-testid="flash-success"]')

    [notice] = documents(db, case_id)
    page.goto(f"{live_server}/workbench/tasks/{task.id}")
    page.click(f'[data-testid="document-print-{notice.id}"]')
    assert page.inner_text("#document-number").strip() == notice.number
    assert page.inner_text("#document-title").strip() == "受理通知书"
    assert page.locator("#print-button").is_visible()  # the print button appears once the script runs
    assert page.locator("#document svg.qr").count() == 1

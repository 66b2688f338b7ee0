"""In a real browser (Playwright driving Debian's chromium): apply online, a clerk concludes, look it up."""
import pytest
from sqlalchemy import select

from engine import demo, status
from engine.models import Case, Item

from .helpers import only_open_task

pytestmark = pytest.mark.browser


def _login(page, base, username):
    page.goto(f"{base}/auth/login")
    page.fill("#username", username)
    page.fill("#password", demo.DEMO_PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#logout-button")


def _logout(page):
    page.click("#logout-button")
    page.wait_for_selector("#login-link")


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, path + (key,))
    else:
        yield path, value


def _fill(page, data):
    """Type every value of `data` into the rendered form the way a person would, field by field.

    Ticks and choices first: they reveal the conditional sections whose fields come next."""
    leaves = sorted(_leaves(data), key=lambda leaf: not isinstance(leaf[1], bool))
    for path, value in leaves:
        field_id = "f-" + "-".join(str(p) for p in path)
        name = path[0] + "".join(f"[{p}]" for p in path[1:])
        radio = page.locator(f'input[type="radio"][name="{name}"][value="{value}"]')
        if radio.count():
            radio.check()
            continue
        element = page.locator(f"#{field_id}")
        kind = element.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind == "input:checkbox":
            element.set_checked(bool(value))
        elif kind.startswith("select"):
            element.select_option(str(value))
        else:
            element.fill(str(value))


def test_applicant_applies_online_and_a_clerk_concludes_the_case_in_the_browser(page, live_server, db):
    with db.read() as session:
        code = session.scalar(select(Item.code).where(Item.case_kind == "immediate"))
    _login(page, live_server, "zhangsan")
    page.goto(f"{live_server}/my/apply/{code}")
    _fill(page, demo.sample_application(db, code))
    page.click("#submit-application")
    page.click("#confirm-submit")
    case_no, query_code = page.inner_text("#case-no").strip(), page.inner_text("#query-code").strip()
    _logout(page)

    with db.read() as session:
        case_id = session.scalar(select(Case.id).where(Case.case_no == case_no))
    task = only_open_task(db, case_id)
    _login(page, live_server, "clerk")
    page.goto(f"{live_server}/workbench/")
    page.click(f'[data-testid="open-task-{task.id}"]')
    page.click("#claim-button")
    _fill(page, demo.approving_answer(db, task))
    page.click("#complete-task")
    page.wait_for_selector('[data-testid="flash-success"]')
    _logout(page)

    page.goto(f"{live_server}/status")
    page.fill("#case_no_input", case_no)
    page.fill("#query_code_input", query_code)
    page.click("#lookup-button")
    assert page.inner_text("#case-status").strip() == status.label(status.CaseStatus.APPROVED)

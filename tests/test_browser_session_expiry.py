"""In a real browser, on the app with CSRF checks on: a session that ends mid-form, or a page whose token went
stale, loses nothing typed. The script says what happened, the browser keeps its copy until the server has
accepted the form, and the form is restored after signing in again."""
import pytest
from playwright.sync_api import expect

from engine import demo, drafts

from . import material_files
from .helpers import item_code
from .test_browser_journey import _fill, _leaves, _login

pytestmark = pytest.mark.browser
EARLY = ("household", "operator")  # typed while signed in; the rest after the session has ended


def _draft_data(db, username: str, code: str) -> dict:
    from sqlalchemy import select

    from engine.models import Item

    user = demo.user(db, username)
    with db.read() as session:
        found = drafts.open_draft(session, user.id, session.scalar(select(Item.id).where(Item.code == code)))
        return found.data if found else {}


def _start(page, base, db):
    """Sign in, open the form, type the early part and attach the one required file; wait for the save."""
    code = item_code(db, "business_license_change")
    data = demo.sample_application(db, code)
    _login(page, base, "zhangsan")
    page.goto(f"{base}/my/apply/{code}")
    _fill(page, {key: value for key, value in data.items() if key in EARLY})
    page.set_input_files("#upload-premises_proof", files=[{"name": "租赁合同.pdf", "mimeType": "application/pdf",
                                                           "buffer": material_files.pdf("lease")}])
    page.wait_for_selector('#material-files-premises_proof input[name="materials.premises_proof"]:checked')
    page.wait_for_selector('#autosave-status[data-state="saved"]')
    return code, data


def _local_copy(page, key: str | None = None):
    key = key or page.get_attribute("#application-form", "data-autosave-key")
    return page.evaluate("key => localStorage.getItem(key)", key)


def test_autosave_after_the_session_ended_asks_to_sign_in_again_and_keeps_the_text(page, csrf_live_server, db):
    code, data = _start(page, csrf_live_server, db)
    page.context.clear_cookies()  # the session ends while the tab stays open
    _fill(page, {key: value for key, value in data.items() if key not in EARLY})
    page.wait_for_selector('#autosave-status[data-state="signed-out"]')
    expect(page.locator("#autosave-login")).to_have_attribute("href", f"/auth/login?next=/my/apply/{code}")
    assert data["new_scope"] in _local_copy(page)
    assert "new_scope" not in _draft_data(db, "zhangsan", code)


def test_a_form_submitted_after_the_session_ended_is_restored_after_signing_in_again(page, csrf_live_server, db):
    code, data = _start(page, csrf_live_server, db)
    page.context.clear_cookies()
    _fill(page, {key: value for key, value in data.items() if key not in EARLY})
    page.click("#submit-application")  # before the autosave could even tell
    page.wait_for_selector('#error-page[data-status="401"]')

    page.click("#relogin-link")
    page.fill("#username", "zhangsan")
    page.fill("#password", demo.DEMO_PASSWORD)
    page.click("#login-button")
    page.wait_for_selector('#autosave-status[data-state="restored"]')
    assert page.url == f"{csrf_live_server}/my/apply/{code}"
    expect(page.locator("#f-new_scope")).to_have_value(data["new_scope"])  # shown from the server's draft
    assert _draft_data(db, "zhangsan", code)["new_scope"] == data["new_scope"]

    key = page.get_attribute("#application-form", "data-autosave-key")
    page.click("#submit-application")
    page.wait_for_selector("#confirm-form")
    assert _local_copy(page, key) is None  # the server has the form now: the browser's copy may go


def test_a_page_whose_token_went_stale_says_so_and_restores_on_reload(page, csrf_live_server, db):
    code, data = _start(page, csrf_live_server, db)
    page.context.clear_cookies()
    other = page.context.new_page()  # the applicant signs in again in another tab: a new session and token
    _login(other, csrf_live_server, "zhangsan")
    other.close()
    _fill(page, {key: value for key, value in data.items() if key not in EARLY})
    page.wait_for_selector('#autosave-status[data-state="stale"]')
    assert "new_scope" not in _draft_data(db, "zhangsan", code)

    page.reload()
    page.wait_for_selector('#autosave-status[data-state="restored"]')
    expect(page.locator("#f-new_scope")).to_have_value(data["new_scope"])
    assert _draft_data(db, "zhangsan", code)["new_scope"] == data["new_scope"]


def test_a_discarded_draft_does_not_come_back_from_the_browsers_copy(page, csrf_live_server, db):
    code, data = _start(page, csrf_live_server, db)
    key = page.get_attribute("#application-form", "data-autosave-key")
    path, typed = next((path, value) for path, value in _leaves({k: data[k] for k in EARLY}) if isinstance(value, str))
    field = "#f-" + "-".join(str(p) for p in path)
    assert typed in _local_copy(page, key)
    page.goto(f"{csrf_live_server}/my/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click('#my-drafts [data-testid^="discard-draft-"]')
    page.wait_for_selector("#autosave-clear", state="attached")
    assert _local_copy(page, key) is None
    assert _draft_data(db, "zhangsan", code) == {}
    page.goto(f"{csrf_live_server}/my/apply/{code}")
    page.wait_for_selector("#application-form")
    expect(page.locator(field)).not_to_have_value(typed)

"""In a real browser: a content editor writes a notice with hostile HTML, previews, publishes it, and the portal
page shows the text with nothing run; then a published version's running case is moved by an analyst."""
import pytest
from playwright.sync_api import expect

from .test_browser_journey import _login, _logout
from .helpers import item_code
from .test_version_migration import STEM, add_head_sign, publish, submit

pytestmark = pytest.mark.browser
HOSTILE = ('<p onmouseover="window.pwned=1">请携带身份证原件。</p><script>window.pwned=2</script>'
           '<img src=x onerror="window.pwned=3"><a href="javascript:window.pwned=4" id="bad-link">详情</a>')


def test_an_editor_publishes_a_notice_and_no_script_of_it_runs_on_the_portal(page, live_server):
    _login(page, live_server, "editor")
    page.goto(f"{live_server}/admin/content")
    page.click("#new-article")
    page.wait_for_selector("#article-form")
    page.select_option("#article-kind", "notice")
    page.fill("#article-title", "窗口办事提醒")
    page.fill("#article-body", HOSTILE)
    page.click("#save-article")
    page.wait_for_selector('#article-state[data-state="draft"]')
    expect(page.locator("#article-body")).to_contain_text("请携带身份证原件。")
    page.click("#publish-article")
    page.wait_for_selector('#article-state[data-state="published"]')
    page.click("#portal-link")
    page.wait_for_selector("#article-title")
    expect(page.locator("#article-title")).to_have_text("窗口办事提醒")
    page.hover("#article-body p")
    expect(page.locator("#article-body script, #article-body img, #article-body [onmouseover]")).to_have_count(0)
    assert page.evaluate("() => window.pwned === undefined")


def test_an_analyst_moves_a_running_case_to_the_new_version_in_the_browser(page, live_server, db, users):
    case_id = submit(db, users)
    version_no = publish(db, users, add_head_sign)
    _login(page, live_server, "analyst")
    page.goto(f"{live_server}/admin/items/{item_code(db, STEM)}")
    page.click(f"#moves-{version_no}")
    page.wait_for_selector(f'#verdict-{case_id}[data-movable="yes"]')
    page.check(f"#case-{case_id}")
    page.click("#move-selected")
    page.wait_for_selector(f"#moved-{case_id}")
    expect(page.locator("#no-running-cases")).to_be_visible()
    _logout(page)

"""In a real browser: an analyst designs a form whose 不通过原因 is shown only when the 结论 is 不通过, by picking
the condition in the designer (no JSON), and the preview (the applicants' renderer) shows and hides it."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from engine import definition

from .helpers import item_code
from .test_browser_journey import _login

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _row(page, n, name, title, kind):
    page.wait_for_selector(f"#f-rows-{n}-name")
    page.fill(f"#f-rows-{n}-name", name)
    page.fill(f"#f-rows-{n}-title", title)
    page.select_option(f"#f-rows-{n}-kind", kind)


def test_an_analyst_sets_a_display_condition_and_the_preview_shows_the_field_only_for_that_value(
        page, live_server, db, users):
    code = item_code(db, "construction_permit")
    _login(page, live_server, "analyst")
    page.goto(f"{live_server}/admin/items/{code}")
    page.click("#start-draft")
    page.wait_for_selector("#draft-form")
    page.goto(f"{live_server}/admin/items/{code}/draft/forms")
    page.fill("#new-form-key", "construction_permit/site_check")
    page.click("#add-form")
    _row(page, 0, "result", "核查结论", "choice")
    page.fill("#f-rows-0-options", "pass=通过\nfail=不通过")
    page.check("#f-rows-0-required")
    page.click("#save-form-design")
    page.wait_for_selector('[data-testid="flash-success"]')

    # The saved choice field's values are now offered as conditions for the next row.
    _row(page, 1, "fail_reason", "不通过原因", "textarea")
    page.check("#f-rows-1-required")
    page.select_option("#f-rows-1-show_when", "result=fail")
    page.click("#save-form-design")
    page.wait_for_selector('[data-testid="flash-success"]')
    expect(page.locator("#f-rows-1-show_when")).to_have_value("result=fail")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-form-condition.png"), full_page=True)

    reason = page.locator('#form-preview [data-testid="field-fail_reason"]')
    expect(reason).to_be_hidden()
    page.select_option("#form-preview #f-result", "fail")
    expect(reason).to_be_visible()
    page.select_option("#form-preview #f-result", "pass")
    expect(reason).to_be_hidden()

    schema = definition.draft_of(db, users["analyst"], code).forms["construction_permit/site_check"]["schema"]
    assert schema["required"] == ["result"]
    assert schema["allOf"] == [{"if": {"properties": {"result": {"const": "fail"}}, "required": ["result"]},
                                "then": {"required": ["fail_reason"]}}]

"""In a real browser: an analyst opens the modeler on a draft, sets a step's limit, saves, publishes, and an
applicant's new case runs on the new version."""
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine import cases, definition
from engine.models import Item, ItemVersion

from .helpers import application, case, item_code
from .test_browser_journey import _login

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"admin-{name}.png"), full_page=True)


def test_an_analyst_models_saves_and_publishes_and_an_applicant_applies_to_the_new_version(page, live_server,
                                                                                             db, users):
    code = item_code(db, "business_license_change")
    _login(page, live_server, "analyst")
    page.goto(f"{live_server}/admin/items/{code}")
    page.click("#start-draft")
    # Someone left the draft with a wrong case step on the window's task.
    xml = definition.draft_of(db, users["analyst"], code).bpmn_xml
    definition.save_draft(db, users["analyst"], code, bpmn_xml=xml.replace('value="pre_review"', 'value="prereview"', 1))
    page.goto(f"{live_server}/admin/items/{code}/modeler")
    page.wait_for_selector('#modeler-canvas[data-loaded="true"]')
    expect(page.locator(".bjs-powered-by")).to_be_visible()  # the bpmn.io watermark stays visible

    page.click("#save-diagram")
    page.wait_for_selector('#save-status[data-state="invalid"]')
    expect(page.locator('.djs-element.has-problem[data-element-id="pre_review"]')).to_have_count(1)
    _shot(page, "modeler-problem")

    page.select_option("#element-picker", "pre_review")  # by keyboard: the picker selects in the diagram
    expect(page.locator("#element-form")).to_be_visible()
    expect(page.locator('.djs-element.selected[data-element-id="pre_review"]')).to_have_count(1)
    expect(page.locator("#el-group")).to_have_value("dm_market_window")
    page.select_option("#el-step", "pre_review")
    page.fill("#el-limit", "2")
    page.click("#apply-element")
    page.wait_for_selector('#save-status[data-state="applied"]')
    page.click("#save-diagram")
    page.wait_for_selector('#save-status[data-state="saved"]')
    expect(page.locator(".djs-element.has-problem")).to_have_count(0)
    _shot(page, "modeler")

    page.click("#publish-draft")
    page.wait_for_selector('[data-testid="version-row-2"]')
    _shot(page, "item")

    submitted = cases.submit(db, code, application(db, code), users["zhangsan"])
    with db.read() as session:
        version = session.scalar(select(ItemVersion).join(Item, Item.id == ItemVersion.item_id)
                                 .where(Item.code == code, ItemVersion.version_no == 2))
    assert version.user_tasks["pre_review"]["step_limit_days"] == 2
    assert case(db, submitted.case_id).item_version_id == version.id

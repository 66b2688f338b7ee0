"""In a real browser: an analyst builds a brand-new item (新建事项), designs its application form, makes
its process two steps in the modeler, sets the steps' groups in the side panel and publishes it; an
applicant finds it on the portal and applies; a window clerk completes both steps; the case concludes."""
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from engine import status
from engine.models import Case, HumanTask, Item, ItemDraft, ItemVersion

from .helpers import only_open_task
from .test_browser_journey import _fill, _login, _logout

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CODE = "440403-SJ-GTXY-009"
NAME = "个体工商户歇业备案"

# The second step drawn with the bpmn-js API (drawing by mouse is not what this test is about): the flow
# from the window's step to the end is replaced by window step → 审批 → end. Saving is the page's own button.
ADD_SECOND_STEP = """() => {
  const modeler = window.oneWindowModeler;
  const registry = modeler.get("elementRegistry"), modeling = modeler.get("modeling");
  const accept = registry.get("f_accept"), end = registry.get("end_approved");
  modeling.moveShape(end, { x: 160, y: 0 });
  const task = modeler.get("elementFactory").createShape({
    type: "bpmn:UserTask",
    businessObject: modeler.get("bpmnFactory").create("bpmn:UserTask", { id: "approve", name: "审批" })
  });
  const at = { x: end.x - 100, y: end.y + end.height / 2 };
  modeling.createShape(task, at, end.parent);
  modeling.reconnectEnd(accept, task, { x: task.x, y: at.y });  // the accept flow, with its condition, now
  modeling.connect(task, end);                                  // reaches the new step, then the end
  modeler.get("canvas").zoom("fit-viewport", "auto");           // the whole wider diagram in view
}"""


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"admin-new-item-{name}.png"), full_page=True)


def _create(page, base):
    page.goto(f"{base}/admin/")
    page.click("#new-item")
    page.wait_for_selector("#new-item-form")
    page.fill("#f-code", "440403-SJ-GTBG-001")  # the code of an item that exists: refused, saying so
    page.fill("#f-name", NAME)
    page.select_option("#f-item_type", "行政备案")
    page.select_option("#f-department", "dm_market")
    page.check("#f-service_objects-0")
    page.select_option("#f-case_kind", "promised")
    page.fill("#f-statutory_days", "10")
    page.fill("#f-promised_days", "5")
    page.select_option("#f-group", "dm_market_window")
    page.click("#create-item")
    page.wait_for_selector("#form-errors")
    expect(page.locator("#f-code-error")).to_contain_text("已被其他事项使用")
    _shot(page, "form")
    page.fill("#f-code", CODE)  # everything else was kept
    page.click("#create-item")
    page.wait_for_selector("#draft-form")
    expect(page.locator("#check-ok")).to_be_visible()


def _design_application_form(page, stem):
    page.click("#open-forms")
    page.click(f"#form-{stem}-apply")
    for n, (name, title, kind) in enumerate((("shop_name", "个体工商户名称", "text"),
                                             ("closing_date", "歇业日期", "date"))):
        page.wait_for_selector(f"#f-rows-{n}-name")
        page.fill(f"#f-rows-{n}-name", name)
        page.fill(f"#f-rows-{n}-title", title)
        page.select_option(f"#f-rows-{n}-kind", kind)
        page.check(f"#f-rows-{n}-required")
        page.click("#save-form-design")
        page.wait_for_selector('[data-testid="flash-success"]')
    # A table (one row per employee) with a required sub-field: the designer's nested rows.
    page.fill("#f-rows-2-name", "staff")
    page.fill("#f-rows-2-title", "从业人员")
    page.select_option("#f-rows-2-kind", "table")
    page.fill("#f-rows-2-fields-0-name", "staff_name")
    page.fill("#f-rows-2-fields-0-title", "姓名")
    page.select_option("#f-rows-2-fields-0-kind", "text")
    page.check("#f-rows-2-fields-0-required")
    page.click("#save-form-design")
    page.wait_for_selector('[data-testid="flash-success"]')
    expect(page.locator("#form-preview #f-closing_date")).to_have_attribute("type", "date")
    expect(page.locator("#form-preview #f-staff-0-staff_name")).to_have_count(1)
    _shot(page, "form-designer")


def _set_task(page, element_id, form, group, step):
    page.click(f'.djs-element[data-element-id="{element_id}"]')
    expect(page.locator("#element-form")).to_have_attribute("data-element-id", element_id)
    expect(page.locator("#element-form")).to_be_visible()
    page.select_option("#el-form", form)
    page.select_option("#el-group", group)
    page.select_option("#el-step", step)
    page.click("#apply-element")
    page.wait_for_selector('#save-status[data-state="applied"]')


def _model_two_steps(page, base):
    page.goto(f"{base}/admin/items/{CODE}/modeler")
    page.wait_for_selector('#modeler-canvas[data-loaded="true"]')
    page.evaluate(ADD_SECOND_STEP)
    page.click("#save-diagram")  # the new step has neither form nor group yet: the checker says so
    page.wait_for_selector('#save-status[data-state="invalid"]')
    expect(page.locator('.djs-element.has-problem[data-element-id="approve"]')).to_have_count(1)
    _set_task(page, "pre_review", "common/pre_review", "center_window", "pre_review")
    _set_task(page, "approve", "common/approve", "center_lead", "approve")
    page.click("#save-diagram")
    page.wait_for_selector('#save-status[data-state="saved"]')
    expect(page.locator(".djs-element.has-problem")).to_have_count(0)
    _shot(page, "modeler")


def _apply_on_the_portal(page, base, db):
    _login(page, base, "zhangsan")
    page.goto(f"{base}/")
    page.fill("#q", "歇业备案")
    page.click("#search-button")
    page.click(f'[data-testid="item-{CODE}"] a')
    page.wait_for_selector("#apply-link")
    page.click("#apply-link")
    page.wait_for_selector("#application-form")
    _fill(page, {"shop_name": "斗门区张三便利店", "closing_date": "2026-12-31"})
    page.fill("#f-staff-0-staff_name", "李四")
    page.click("#submit-application")
    page.click("#confirm-submit")
    case_no = page.inner_text("#case-no").strip()
    _logout(page)
    with db.read() as session:
        return session.scalar(select(Case.id).where(Case.case_no == case_no))


def _complete_open_step(page, base, db, case_id, bpmn_id, answer):
    task = only_open_task(db, case_id)
    assert task.bpmn_id == bpmn_id
    page.goto(f"{base}/workbench/")
    page.click(f'[data-testid="open-task-{task.id}"]')
    page.click("#claim-button")
    _fill(page, answer)
    page.click("#complete-task")
    page.wait_for_selector('[data-testid="flash-success"]')


def test_an_analyst_builds_a_new_two_step_item_an_applicant_applies_and_a_clerk_concludes(
        page, live_server, db):
    _login(page, live_server, "analyst")
    _create(page, live_server)
    with db.read() as session:
        stem = session.scalar(select(ItemDraft.stem).join(Item, Item.id == ItemDraft.item_id)
                              .where(Item.code == CODE))
    _design_application_form(page, stem)
    _model_two_steps(page, live_server)
    page.click("#publish-draft")
    page.wait_for_selector('[data-testid="version-row-1"]')
    _shot(page, "published")
    _logout(page)

    with db.read() as session:
        version = session.scalar(select(ItemVersion).join(Item, Item.id == ItemVersion.item_id)
                                 .where(Item.code == CODE))
        assert {k: (t["group"], t["case_step"]) for k, t in version.user_tasks.items()} == {
            "pre_review": ("center_window", "pre_review"), "supplement": ("applicant", "supplement"),
            "approve": ("center_lead", "approve")}
        application = version.forms[version.application_form]["schema"]
        assert application["required"] == ["shop_name", "closing_date"]
        assert application["properties"]["staff"]["items"]["required"] == ["staff_name"]

    case_id = _apply_on_the_portal(page, live_server, db)
    _login(page, live_server, "clerk")
    _complete_open_step(page, live_server, db, case_id, "pre_review",
                        {"decision": "accept", "opinion": "材料齐全，予以受理。"})
    _complete_open_step(page, live_server, db, case_id, "approve", {"decision": "approve"})
    _shot(page, "concluded")

    with db.read() as session:
        case = session.get(Case, case_id)
        assert case.status == status.CaseStatus.APPROVED and case.concluded_at is not None
        assert case.application == {"shop_name": "斗门区张三便利店", "closing_date": "2026-12-31",
                                    "staff": [{"staff_name": "李四"}]}
        done = session.scalars(select(HumanTask.bpmn_id).where(HumanTask.case_id == case_id,
                                                               HumanTask.state == "done")).all()
    assert sorted(done) == ["approve", "pre_review"]

"""In a real browser: a clerk asks for a supplement by ticking what is wrong, the applicant answers, the clerk
accepts; four departments review the planning permit side by side and the lead concludes."""
from pathlib import Path

import pytest

from engine import cases, demo
from engine.status import CaseStatus

from .helpers import application, case, documents, item_code, only_open_task, open_tasks
from .test_browser_journey import _fill, _login, _logout

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"workbench-{name}.png"), full_page=True)


def _accept(page, base, task):
    """The clerk accepts a pre-review from the task page."""
    _open_and_claim(page, base, task)
    page.check('input[type="radio"][name="decision"][value="accept"]')
    page.click("#complete-task")
    page.wait_for_selector('[data-testid="flash-success"]')


def _open_and_claim(page, base, task):
    page.goto(f"{base}/workbench/")
    page.click(f'[data-testid="open-task-{task.id}"]')
    page.wait_for_url(f"**/workbench/tasks/{task.id}")
    page.wait_for_load_state("domcontentloaded")
    if page.locator("#claim-button").count():
        page.click("#claim-button")
        page.wait_for_selector("#complete-task")
        page.wait_for_load_state("domcontentloaded")


def test_a_clerk_ticks_what_to_supplement_the_applicant_answers_and_the_clerk_accepts(page, live_server, db, users):
    code = item_code(db, "construction_permit")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    pre_review = only_open_task(db, case_id)

    _login(page, live_server, "clerk")
    _open_and_claim(page, live_server, pre_review)
    page.check('input[type="radio"][name="decision"][value="supplement"]')
    page.check('input[name^="supplement_fields"][value="builder.name"]')
    page.check('input[name^="supplement_materials"][value="contract"]')
    page.fill("#f-opinion", "单位名称与营业执照不一致；施工合同缺少盖章页。")
    _shot(page, "pre-review-ticks")
    page.click("#complete-task")
    page.wait_for_selector('[data-testid="flash-success"]')
    _logout(page)
    assert case(db, case_id).status == CaseStatus.SUPPLEMENT_REQUESTED

    supplement = only_open_task(db, case_id)
    _login(page, live_server, "haiyun")
    page.goto(f"{live_server}/my/tasks/{supplement.id}")
    assert page.inner_text("#supplement-fields").strip() == "建设单位 / 单位名称"
    assert "合同" in page.inner_text("#supplement-materials")
    _fill(page, demo.approving_answer(db, supplement))
    page.click("#complete-task")
    page.wait_for_selector('[data-testid="flash-success"]')
    _logout(page)

    second_review = only_open_task(db, case_id)
    assert second_review.case_step == "pre_review"
    _login(page, live_server, "clerk")
    _accept(page, live_server, second_review)
    assert [d.kind for d in documents(db, case_id)] == ["supplement_notice", "acceptance_notice"]
    assert case(db, case_id).accepted_at is not None


def test_departments_review_the_planning_permit_in_parallel_one_added_by_the_lead_who_concludes(page, live_server, db,
                                                                                                 users):
    code = item_code(db, "planning_permit")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    pre_review = only_open_task(db, case_id)
    _login(page, live_server, "clerk")
    _accept(page, live_server, pre_review)
    assert len(open_tasks(db, case_id)) == 4
    page.goto(f"{live_server}/workbench/tasks/{pre_review.id}")  # the lead adds the water company
    page.select_option("#add-reviewer-group", "dm_water_reviewer")
    page.click("#add-reviewer")
    page.wait_for_selector('[data-testid="flash-success"]')
    _logout(page)

    reviews = open_tasks(db, case_id)
    assert len(reviews) == 5 and "dm_water_reviewer" in {t.group_code for t in reviews}
    _login(page, live_server, "reviewer")
    for number, task in enumerate(reviews, 1):
        _open_and_claim(page, live_server, task)
        assert page.locator('[data-testid^="opinion-"]').count() == 5
        assert page.locator('[data-testid^="opinion-"][data-state="done"]').count() == number - 1
        page.check('input[type="radio"][name="decision"][value="agree"]')
        page.fill("#f-opinion", f"第{number}个部门：同意。")
        if number == 5:
            page.wait_for_selector('#process-diagram[data-rendered="true"]')
            assert page.locator("#process-diagram .step-active").count() == 1   # the review, still running
            assert page.locator("#process-diagram .step-done").count() >= 1     # the pre-review
            _shot(page, "joint-review")
        page.click("#complete-task")
        page.wait_for_selector('[data-testid="flash-success"]')
    _logout(page)

    consolidate = only_open_task(db, case_id)
    assert consolidate.bpmn_id == "consolidate"
    _login(page, live_server, "clerk")
    _open_and_claim(page, live_server, consolidate)
    assert page.locator('[data-testid^="opinion-"][data-state="done"]').count() == 5
    page.check('input[type="radio"][name="decision"][value="approve"]')
    page.fill("#f-summary", "各部门均同意，准予核发建设工程规划许可证。")
    page.click("#complete-task")
    page.wait_for_selector('[data-testid="flash-success"]')
    assert case(db, case_id).status in (CaseStatus.APPROVED, CaseStatus.APPROVED_TOLERATED)
    assert open_tasks(db, case_id) == []
    kinds = [d.kind for d in documents(db, case_id)]
    assert kinds[0] == "acceptance_notice" and "approval_decision" in kinds

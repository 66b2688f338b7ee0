"""The applicant's space: following one's cases, answering a supplement request, withdrawing."""
from __future__ import annotations

from engine import cases
from tests import helpers
from tests.webpage import Page, login, submit


def submit_case(db, users, stem: str = "construction_permit"):
    code = helpers.item_code(db, stem)
    return cases.submit(db, code, helpers.application(db, code), users["zhangsan"])


def ask_for_supplement(db, users, case_id: int) -> None:
    task = helpers.only_open_task(db, case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="supplement",
                                                      supplement_materials=["施工合同复印件需加盖公章"],
                                                      opinion="请补正施工合同。"))


def test_my_cases_lists_the_applicants_cases(client, db, users):
    submitted = submit_case(db, users)
    login(client, "zhangsan")
    page = Page(client.get("/my/"))
    assert page.all("data-testid", f"case-row-{submitted.case_id}")


def test_case_page_shows_status_timeline_and_application(client, db, users):
    submitted = submit_case(db, users)
    login(client, "zhangsan")
    page = Page(client.get(f"/my/cases/{submitted.case_id}"))
    assert page.text("case-no") == submitted.case_no
    assert [e.get("data-status") for e in page.all("data-testid", "timeline-entry")] == ["1"]
    assert page.find("application-data") is not None


def test_another_applicant_cannot_open_my_case(client, db, users):
    submitted = submit_case(db, users)
    login(client, "haiyun")
    assert client.get(f"/my/cases/{submitted.case_id}").status_code == 404
    assert client.post(f"/my/cases/{submitted.case_id}/withdraw").status_code == 404


def test_applicant_answers_a_supplement_request_on_their_own_task_page(client, db, users):
    submitted = submit_case(db, users)
    ask_for_supplement(db, users, submitted.case_id)
    task = helpers.only_open_task(db, submitted.case_id)
    assert task.group_code == "applicant"
    login(client, "zhangsan")
    assert Page(client.get("/my/")).all("data-testid", f"my-task-{task.id}")
    page = Page(client.get(f"/my/tasks/{task.id}"))
    assert page.find("supplement-notice") is not None and page.find("task-form") is not None
    response = submit(client, f"/my/tasks/{task.id}", "task-form", helpers.answer(db, task))
    assert response.status_code == 302, Page(response).html
    assert helpers.statuses(db, submitted.case_id)[-1] == 7


def test_an_incomplete_supplement_answer_is_shown_again_with_its_errors(client, db, users):
    submitted = submit_case(db, users)
    ask_for_supplement(db, users, submitted.case_id)
    task = helpers.only_open_task(db, submitted.case_id)
    login(client, "zhangsan")
    page = Page(submit(client, f"/my/tasks/{task.id}", "task-form", {}))
    assert page.status == 400 and page.find("form-errors") is not None
    assert helpers.only_open_task(db, submitted.case_id).id == task.id


def test_applicant_withdraws_a_case_before_acceptance(client, db, users):
    submitted = submit_case(db, users)
    login(client, "zhangsan")
    response = submit(client, f"/my/cases/{submitted.case_id}", "withdraw-form", {"reason": "信息填写有误"})
    assert response.status_code == 302
    assert helpers.case(db, submitted.case_id).status == 2
    assert Page(client.get(f"/my/cases/{submitted.case_id}")).find("withdraw-form") is None


def test_withdrawing_a_finished_case_is_a_conflict(client, db, users):
    submitted = submit_case(db, users)
    cases.withdraw(db, submitted.case_id, users["zhangsan"])
    login(client, "zhangsan")
    page = Page(client.post(f"/my/cases/{submitted.case_id}/withdraw"))
    assert page.status == 409 and page.text("error-message")


def test_staff_read_the_applicants_task_but_cannot_work_on_it(client, db, users):
    submitted = submit_case(db, users)
    ask_for_supplement(db, users, submitted.case_id)
    task = helpers.only_open_task(db, submitted.case_id)
    login(client, "clerk")
    page = Page(client.get(f"/workbench/tasks/{task.id}"))
    assert page.status == 200 and page.find("task-form") is None
    assert page.find("task-not-workable") is not None

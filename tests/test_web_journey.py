"""The minimal journey through the web app: apply, get a receipt, a clerk claims and decides, look it up."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import accounts, demo
from engine.case_numbers import check_character
from engine.models import Case, HumanTask, Item
from tests import helpers
from tests.webpage import Page, apply_online, filled_form, submit
from tests.webpage import login as sign_in


def login(client, username: str) -> None:
    response = sign_in(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)


def logout(client) -> None:
    client.post("/auth/logout")


@pytest.fixture
def immediate_code(db) -> str:
    """The sample item decided on the spot (即办件), found by its case kind."""
    with db.read() as session:
        code = session.scalar(select(Item.code).where(Item.case_kind == "immediate").order_by(Item.code))
    assert code is not None
    return code


def apply(client, code: str, data: dict):
    return apply_online(client, code, data)


def case_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Case))


@pytest.fixture
def submitted(client, db, immediate_code):
    """zhangsan applied for the immediate item through the form; (case_no, query_code, case_id)."""
    login(client, "zhangsan")
    response = apply(client, immediate_code, demo.sample_application(db, immediate_code))
    assert response.status_code == 302, Page(response).html
    receipt = Page(client.get(response.headers["Location"]))
    case_no, query_code = receipt.text("case-no"), receipt.text("query-code")
    with db.read() as session:
        case_id = session.scalar(select(Case.id).where(Case.case_no == case_no))
    logout(client)
    return case_no, query_code, case_id


def open_task_id(db, case_id: int) -> int:
    return helpers.only_open_task(db, case_id).id


def answer_to(db, task_id: int) -> dict:
    with db.read() as session:
        task = session.get(HumanTask, task_id)
    return demo.approving_answer(db, task)


def complete_through_form(client, db, task_id: int):
    return submit(client, f"/workbench/tasks/{task_id}", "task-form", answer_to(db, task_id))


def test_applicant_gets_a_case_number_and_query_code_on_the_receipt(submitted):
    case_no, query_code, case_id = submitted
    assert len(case_no) == 17 and len(query_code) == 8 and case_id is not None


def test_query_code_is_shown_only_once(client, db, immediate_code):
    login(client, "zhangsan")
    response = apply(client, immediate_code, demo.sample_application(db, immediate_code))
    receipt_url = response.headers["Location"]
    assert Page(client.get(receipt_url)).find("query-code") is not None
    again = Page(client.get(receipt_url))
    assert again.find("case-no") is not None and again.find("query-code") is None


def test_clerk_sees_the_new_task_in_the_inbox(client, db, submitted):
    case_no, _code, case_id = submitted
    login(client, "clerk")
    page = Page(client.get("/workbench/"))
    assert page.find("inbox-table") is not None
    rows = page.all("data-testid", f"task-row-{open_task_id(db, case_id)}")
    assert len(rows) == 1 and rows[0].get("data-case-no") == case_no


def test_clerk_claims_and_approves_and_the_case_is_concluded(client, db, submitted):
    case_no, query_code, case_id = submitted
    task_id = open_task_id(db, case_id)
    login(client, "clerk")
    assert client.post(f"/workbench/tasks/{task_id}/claim").status_code == 302
    task_page = Page(client.get(f"/workbench/tasks/{task_id}"))
    assert task_page.find("task-form") is not None and task_page.find("unclaim-button") is not None
    response = complete_through_form(client, db, task_id)
    assert response.status_code == 302, Page(response).html
    assert helpers.case(db, case_id).status == 11
    logout(client)
    lookup = Page(client.post("/status", data={"case_no": case_no, "query_code": query_code}))
    assert lookup.status == 200
    assert lookup.find("case-status").get("data-status") == "11"
    assert [e.get("data-status") for e in lookup.all("data-testid", "timeline-entry")][-1] == "11"


def test_task_page_shows_the_application_read_only_and_the_history(client, db, submitted):
    _no, _code, case_id = submitted
    login(client, "clerk")
    page = Page(client.get(f"/workbench/tasks/{open_task_id(db, case_id)}"))
    assert page.find("application-data") is not None and page.find("case-history") is not None
    assert page.all("data-testid", "history-submit")


def test_invalid_application_is_shown_again_with_field_errors_and_creates_no_case(client, db, immediate_code):
    login(client, "zhangsan")
    data = demo.sample_application(db, immediate_code)
    data["household"]["uscc"] = "not-a-credit-code"
    data["employees"] = "十几个"
    before = case_count(db)
    page = Page(apply(client, immediate_code, data))
    assert page.status == 400
    assert page.find("form-errors") is not None
    assert page.find("f-household-uscc-error") is not None and page.find("f-employees-error") is not None
    assert page.find("f-household-uscc").get("value") == "not-a-credit-code"
    assert page.find("f-employees").get("value") == "十几个"
    assert page.find("f-household-operator_name").get("value") == data["household"]["operator_name"]
    assert case_count(db) == before


def test_second_clerk_completing_a_task_already_finished_gets_a_conflict_page(client, db, app, submitted):
    _no, _code, case_id = submitted
    task_id = open_task_id(db, case_id)
    clerk = next(a for a in demo.ACCOUNTS if a.username == "clerk")
    with db.write() as session:
        accounts.create_user(session, "clerk2", demo.DEMO_PASSWORD, "李窗口", **clerk.kwargs)
    second = app.test_client()
    login(second, "clerk2")
    action, late_answer = filled_form(second, f"/workbench/tasks/{task_id}", "task-form",
                                      answer_to(db, task_id))
    login(client, "clerk")
    assert complete_through_form(client, db, task_id).status_code == 302
    page = Page(second.post(action, data=late_answer))
    assert page.status == 409
    assert "已由他人办理完毕" in page.text("error-message")


def test_status_lookup_with_a_wrong_query_code_does_not_reveal_whether_the_case_exists(client, db, submitted):
    case_no, query_code, _id = submitted
    wrong = "23456789" if query_code != "23456789" else "98765432"
    existing = Page(client.post("/status", data={"case_no": case_no, "query_code": wrong}))
    other_body = str(int(case_no[:16]) + 1).zfill(16)
    unknown_no = other_body + check_character(other_body)  # well formed, and no such case
    unknown = Page(client.post("/status", data={"case_no": unknown_no, "query_code": wrong}))
    assert existing.status == unknown.status == 404
    assert existing.text("lookup-error") == unknown.text("lookup-error")
    assert existing.find("lookup-result") is None and unknown.find("lookup-result") is None


def test_status_lookup_rejects_a_malformed_case_number_with_a_message(client):
    page = Page(client.post("/status", data={"case_no": "2026-ABC", "query_code": "ABCDEFGH"}))
    assert page.status == 400
    assert page.text("lookup-error")
    assert page.find("lookup-result") is None

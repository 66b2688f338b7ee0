"""好差评 on the applicant's case page: rated once, a bad review needs a comment and starts the rectification,
the department's answer is shown and rated; nobody else sees a form, another person's case is 404."""
from __future__ import annotations

from sqlalchemy import select

from engine import cases, evaluation
from engine.demo import DEMO_PASSWORD
from engine.models import Evaluation, Message
from tests import helpers
from tests.webpage import Page, login, submit

GOOD = {"level": "5", "overall": "5", "efficiency": "4", "guide_accuracy": "5", "convenience": "4", "usability": "5",
        "comment": "很方便"}
BAD = {**GOOD, "level": "1", "overall": "2", "comment": "材料要求前后不一致"}


def concluded_case(db, users, applicant="zhangsan") -> int:
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), users[applicant])
    helpers.drive(db, users, submitted.case_id)
    return submitted.case_id


def evaluation_of(db, case_id) -> Evaluation | None:
    with db.read() as session:
        return session.scalar(select(Evaluation).where(Evaluation.case_id == case_id))


def test_a_concluded_case_page_offers_the_evaluation_form(client, db, users):
    case_id = concluded_case(db, users)
    login(client, "zhangsan")
    page = Page(client.get(f"/my/cases/{case_id}"))
    form = page.find("evaluation-form")
    assert form is not None and form.get("action") == f"/my/cases/{case_id}/evaluation"
    for key in ("level", "overall", "efficiency", "guide_accuracy", "convenience", "usability"):
        assert [e.get("value") for e in page.all("name", key)] == ["5", "4", "3", "2", "1"]


def test_a_case_still_being_handled_has_no_evaluation_form(client, db, users):
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), users["zhangsan"])
    login(client, "zhangsan")
    page = Page(client.get(f"/my/cases/{submitted.case_id}"))
    assert page.find("case-evaluation") is None
    assert client.post(f"/my/cases/{submitted.case_id}/evaluation", data=GOOD).status_code == 403
    assert evaluation_of(db, submitted.case_id) is None


def test_the_applicant_rates_and_then_sees_the_rating_instead_of_the_form(client, db, users):
    case_id = concluded_case(db, users)
    login(client, "zhangsan")
    response = submit(client, f"/my/cases/{case_id}", "evaluation-form", GOOD)
    assert response.status_code == 302
    page = Page(client.get(f"/my/cases/{case_id}"))
    assert page.find("evaluation-form") is None
    assert page.find("evaluation-given").get("data-level") == "5"
    assert page.text("evaluation-comment") == "很方便"
    assert evaluation_of(db, case_id).efficiency == 4


def test_a_second_evaluation_is_told_it_was_already_rated_and_shows_the_first(client, db, users):
    case_id = concluded_case(db, users)
    login(client, "zhangsan")
    client.post(f"/my/cases/{case_id}/evaluation", data=GOOD)
    page = Page(client.post(f"/my/cases/{case_id}/evaluation", data=BAD))
    assert page.status == 409
    assert "只能评价一次" in page.text("evaluation-notice")
    assert page.find("evaluation-given").get("data-level") == "5"
    assert evaluation_of(db, case_id).level == 5


def test_a_bad_review_without_a_comment_is_shown_again_with_the_message(client, db, users):
    case_id = concluded_case(db, users)
    login(client, "zhangsan")
    page = Page(client.post(f"/my/cases/{case_id}/evaluation", data={**BAD, "comment": ""}))
    assert page.status == 400
    assert page.text("evaluation-comment-error")
    assert "checked" in page.find("level-1").attrs  # the choices made stay chosen
    assert evaluation_of(db, case_id) is None


def test_missing_levels_are_named_next_to_each_question(client, db, users):
    case_id = concluded_case(db, users)
    login(client, "zhangsan")
    page = Page(client.post(f"/my/cases/{case_id}/evaluation", data={"level": "9"}))
    assert page.status == 400
    for key in ("level", "overall", "efficiency", "guide_accuracy", "convenience", "usability"):
        assert page.text(f"f-{key}-error")


def test_a_bad_review_starts_the_rectification_and_the_applicant_rates_its_answer(client, db, users):
    case_id = concluded_case(db, users)
    login(client, "zhangsan")
    assert submit(client, f"/my/cases/{case_id}", "evaluation-form", BAD).status_code == 302
    given = evaluation_of(db, case_id)
    assert given.is_bad and given.rectification_state == "open"
    page = Page(client.get(f"/my/cases/{case_id}"))
    assert page.find("rectification").get("data-state") == "open" and page.find("rectification-form") is None
    rectify = helpers.only_open_task(db, given.rectification_case_id)
    cases.complete(db, rectify.id, helpers.worker_for(db, rectify, users),
                   {"verified": "partly", "measures": "统一了材料清单，并对窗口人员培训。", "reply": "已统一材料要求，感谢监督。"})
    page = Page(client.get(f"/my/cases/{case_id}"))
    assert page.text("rectification-reply").endswith("已统一材料要求，感谢监督。")
    page = Page(submit(client, f"/my/cases/{case_id}", "rectification-form", {}))
    assert page.status == 400 and page.text("f-decision-error")
    response = submit(client, f"/my/cases/{case_id}", "rectification-form", {"decision": "satisfied", "comment": "好"})
    assert response.status_code == 302
    assert evaluation_of(db, case_id).rectification_state == "satisfied"
    page = Page(client.get(f"/my/cases/{case_id}"))
    assert page.find("rectification").get("data-state") == "satisfied" and page.find("rectification-form") is None
    again = Page(client.post(f"/my/cases/{case_id}/evaluation/rectification", data={"decision": "unsatisfied"}))
    assert again.status == 409


def test_the_rectification_message_links_to_the_reviewed_case(client, db, users):
    case_id = concluded_case(db, users)
    evaluation.evaluate(db, case_id, users["zhangsan"], evaluation.parse_rating(BAD))
    given = evaluation_of(db, case_id)
    rectify = helpers.only_open_task(db, given.rectification_case_id)
    cases.complete(db, rectify.id, helpers.worker_for(db, rectify, users),
                   {"verified": "true", "measures": "已整改到位。", "reply": "已整改，欢迎监督。"})
    with db.read() as session:
        message = session.scalar(select(Message).where(Message.kind == "rectification"))
    login(client, "zhangsan")
    page = Page(client.get(f"/my/messages/{message.id}"))
    assert page.find("message-case-link").get("href") == f"/my/cases/{case_id}"


def test_another_applicant_gets_404_for_my_evaluation(client, db, users):
    case_id = concluded_case(db, users)
    login(client, "haiyun")
    assert client.get(f"/my/cases/{case_id}/evaluation").status_code == 404
    assert client.post(f"/my/cases/{case_id}/evaluation", data=GOOD).status_code == 404
    assert client.post(f"/my/cases/{case_id}/evaluation/rectification",
                       data={"decision": "satisfied"}).status_code == 404
    assert evaluation_of(db, case_id) is None


def test_the_rectification_case_itself_has_no_evaluation_page(client, db, users):
    case_id = concluded_case(db, users)
    evaluation.evaluate(db, case_id, users["zhangsan"], evaluation.parse_rating(BAD))
    login(client, "zhangsan")
    assert client.get(f"/my/cases/{evaluation_of(db, case_id).rectification_case_id}/evaluation").status_code == 404


def test_evaluation_needs_the_csrf_token(csrf_app, db, users):
    case_id = concluded_case(db, users)
    client = csrf_app.test_client()
    submit(client, "/auth/login", "login-form", {"username": "zhangsan", "password": DEMO_PASSWORD})
    assert client.post(f"/my/cases/{case_id}/evaluation", data=GOOD).status_code == 400
    assert evaluation_of(db, case_id) is None
    assert submit(client, f"/my/cases/{case_id}/evaluation", "evaluation-form", GOOD).status_code == 302
    assert evaluation_of(db, case_id).level == 5


def test_the_evaluation_page_stands_alone(client, db, users):
    case_id = concluded_case(db, users)
    login(client, "zhangsan")
    page = Page(client.get(f"/my/cases/{case_id}/evaluation"))
    assert page.status == 200 and page.find("evaluation-form") is not None


def test_an_agent_rates_a_case_for_an_applicant_without_an_account(client, db, users):
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), None, applicant_name="陈大海",
                             applicant_type="自然人", applicant_id_number="110105199003071239",
                             agent=users["agent_bj"], channel="agent")
    helpers.drive(db, users, submitted.case_id)
    login(client, "agent_bj")
    assert submit(client, f"/my/cases/{submitted.case_id}", "evaluation-form", GOOD).status_code == 302
    assert evaluation_of(db, submitted.case_id).user_id == users["agent_bj"].id


def test_my_cases_page_leaves_out_the_rectification_of_a_bad_review(client, db, users):
    case_id = concluded_case(db, users)
    evaluation.evaluate(db, case_id, users["zhangsan"], evaluation.parse_rating(BAD))
    login(client, "zhangsan")
    page = Page(client.get("/my/"))
    assert page.all("data-testid", f"case-row-{case_id}")
    assert not page.all("data-testid", f"case-row-{evaluation_of(db, case_id).rectification_case_id}")

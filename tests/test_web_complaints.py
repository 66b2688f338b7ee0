"""Complaints on the web: a supervisor assigns a stage's handler, the handler moves it on with a note from the
workbench, everyone who may see it reads the stages and the history; overdue stages are on the desk; the
bad reviews list with their rectification. Who may do what, per role; bad input answered in Chinese."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import cases, clock, evaluation, inquiries
from tests import helpers
from tests.test_web_evaluation import BAD, concluded_case, evaluation_of
from tests.webpage import Page, login, submit

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=clock.TZ)


def complain(db, department="dm_construction") -> str:
    return inquiries.submit(db, "complaint", "陈志明", "13900001234", "窗口人员态度差", "多次被要求补交同一份材料。",
                            department_code=department)


def as_user(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def actions(page) -> list[str]:
    return [row.get("data-action") for row in page.all("data-testid", "history-")]


@pytest.mark.parametrize("url", ["/supervision/complaints", "/supervision/complaints/{ref}",
                                 "/workbench/complaints", "/workbench/complaints/{ref}", "/supervision/bad-reviews"])
def test_anonymous_people_are_sent_to_sign_in_and_applicants_are_refused(app, db, url):
    target = url.format(ref=complain(db))
    assert app.test_client().get(target).status_code == 302
    assert as_user(app, "zhangsan").get(target).status_code == 403


def test_the_supervisor_assigns_the_handler_who_moves_it_on_with_a_note(app, db, users):
    clock.travel_to(MONDAY)
    reference = complain(db)
    supervisor = as_user(app, "supervisor")
    page = Page(supervisor.get(f"/supervision/complaints/{reference}"))
    assert page.find("complaint-facts").get("data-status") == "received" and page.find("assign-form") is not None
    response = submit(supervisor, f"/supervision/complaints/{reference}", "assign-form",
                      {"handler": str(users["reviewer"].id), "note": "请核实"})
    assert response.status_code == 302
    reviewer = as_user(app, "reviewer")
    listed = Page(reviewer.get("/workbench/complaints"))
    assert listed.find("complaint-stages") is not None and listed.all("data-testid", f"complaint-{reference}")
    page = Page(reviewer.get(f"/workbench/complaints/{reference}"))
    assert page.find("assign-form") is None and page.find("advance-form") is not None  # a handler, not an officer
    assert page.find("complaint-handler").get("data-handler") == str(users["reviewer"].id)
    response = submit(reviewer, f"/workbench/complaints/{reference}", "advance-form",
                      {"status": "investigating", "note": "已调取收件记录"})
    assert response.status_code == 302
    page = Page(reviewer.get(f"/workbench/complaints/{reference}"))
    assert page.find("complaint-facts").get("data-status") == "investigating"
    assert actions(page) == ["received", "assigned", "advanced"]
    assert page.all("data-testid", "stage-investigating")


def test_posts_from_anonymous_people_and_applicants_change_nothing(app, db):
    reference = complain(db)
    for path in ("handler", "advance"):
        assert app.test_client().post(f"/supervision/complaints/{reference}/{path}").status_code == 302
        assert as_user(app, "zhangsan").post(f"/workbench/complaints/{reference}/{path}",
                                             data={"status": "investigating", "note": "x"}).status_code == 403
    assert actions(Page(as_user(app, "supervisor").get(f"/supervision/complaints/{reference}"))) == ["received"]


def test_a_clerk_of_another_department_does_not_see_it_and_a_colleague_may_not_move_an_assigned_stage(app, db, users):
    reference = complain(db)
    assert as_user(app, "clerk").get(f"/workbench/complaints/{reference}").status_code == 404
    head = as_user(app, "head")  # the department's section head: a complaint officer there
    assert submit(head, f"/workbench/complaints/{reference}", "assign-form",
                  {"handler": str(users["head"].id)}).status_code == 302
    reviewer = as_user(app, "reviewer")
    page = Page(reviewer.get(f"/workbench/complaints/{reference}"))
    assert page.status == 200 and page.find("advance-form") is None
    assert reviewer.post(f"/workbench/complaints/{reference}/advance",
                         data={"status": "investigating", "note": "x"}).status_code == 403
    assert reviewer.post(f"/workbench/complaints/{reference}/handler",
                         data={"handler": str(users["reviewer"].id)}).status_code == 403


def test_bad_input_is_answered_with_a_message_and_nothing_changes(app, db, users):
    reference = complain(db)
    supervisor = as_user(app, "supervisor")
    page = Page(supervisor.post(f"/supervision/complaints/{reference}/handler", data={"handler": "abc"}))
    assert page.status == 400 and page.text("assign-handler-error")
    page = Page(supervisor.post(f"/supervision/complaints/{reference}/handler", data={"handler": str(users["clerk"].id)}))
    assert page.status == 400 and page.text("assign-handler-error")
    page = Page(supervisor.post(f"/supervision/complaints/{reference}/advance", data={"status": "bogus"}))
    assert page.status == 409 and page.text("advance-status-error")
    page = Page(supervisor.post(f"/supervision/complaints/{reference}/advance", data={"status": "replied", "note": ""}))
    assert page.status == 400 and page.text("advance-note-error")
    assert supervisor.get("/supervision/complaints/NOPE").status_code == 404
    assert supervisor.get("/supervision/complaints?page=x").status_code == 404
    page = Page(supervisor.get("/supervision/complaints?view=zzz&department=nowhere"))
    assert page.status == 200 and len(page.all("data-testid", "filter-problem")) == 2
    assert actions(Page(supervisor.get(f"/supervision/complaints/{reference}"))) == ["received"]


def test_an_overdue_stage_shows_on_the_desk_and_leaves_it_when_moved_on(app, db, users):
    clock.travel_to(MONDAY)
    reference = complain(db)
    supervisor = as_user(app, "supervisor")
    assert Page(supervisor.get("/supervision/")).text("count-complaints-overdue") == "0"
    assert Page(supervisor.get("/supervision/complaints")).find("complaints-empty") is not None
    clock.travel_to(MONDAY + timedelta(days=2, hours=1))
    assert Page(supervisor.get("/supervision/")).text("count-complaints-overdue") == "1"
    page = Page(supervisor.get("/supervision/complaints"))
    assert page.all("data-testid", f"overdue-{reference}")
    page = Page(supervisor.get("/supervision/complaints?department=dm_land"))
    assert page.find("complaints-empty") is not None
    submit(supervisor, f"/supervision/complaints/{reference}", "advance-form", {"status": "investigating", "note": "转"})
    assert Page(supervisor.get("/supervision/")).text("count-complaints-overdue") == "0"
    page = Page(supervisor.get("/supervision/complaints?view=open"))
    assert page.find("complaint-stages-table").get("data-view") == "open"
    assert page.all("data-testid", f"complaint-{reference}") and not page.all("data-testid", f"overdue-{reference}")


def test_the_bad_reviews_list_follows_the_rectification_to_the_applicants_rating(app, db, users):
    good_case, bad_case = concluded_case(db, users), concluded_case(db, users)
    evaluation.evaluate(db, good_case, users["zhangsan"], evaluation.parse_rating({**BAD, "level": "5"}))
    evaluation.evaluate(db, bad_case, users["zhangsan"], evaluation.parse_rating(BAD))
    given = evaluation_of(db, bad_case)
    supervisor = as_user(app, "supervisor")
    page = Page(supervisor.get("/supervision/bad-reviews"))
    rows = page.all("data-testid", "bad-review-")
    assert [r.get("data-state") for r in rows if r.get("data-state")] == ["open"]
    link = [e for e in page.all("data-testid", f"bad-review-case-{given.id}")][0]
    assert link.get("href") == f"/supervision/cases/{bad_case}"
    assert supervisor.get(link.get("href")).status_code == 200
    rectify = helpers.only_open_task(db, given.rectification_case_id)
    cases.complete(db, rectify.id, helpers.worker_for(db, rectify, users),
                   {"verified": "true", "measures": "已对窗口人员进行培训。", "reply": "已整改，欢迎监督。"})
    page = Page(supervisor.get("/supervision/bad-reviews?state=rectified"))
    assert [r.get("data-state") for r in page.all("data-testid", "bad-review-") if r.get("data-state")] == ["rectified"]
    applicant = as_user(app, "zhangsan")
    assert submit(applicant, f"/my/cases/{bad_case}", "rectification-form",
                  {"decision": "unsatisfied", "comment": "仍不方便"}).status_code == 302
    page = Page(supervisor.get("/supervision/bad-reviews?state=unsatisfied&department=dm_construction"))
    rating = [e for e in page.all("data-testid", f"bad-review-rating-{given.id}")][0]
    assert "仍不方便" in rating.text
    assert Page(supervisor.get("/supervision/bad-reviews?state=open")).find("bad-reviews-empty") is not None
    page = Page(supervisor.get("/supervision/bad-reviews?state=nonsense"))
    assert page.status == 200 and page.all("data-testid", "filter-problem")
    assert as_user(app, "clerk").get("/supervision/bad-reviews").status_code == 403


def test_answering_from_the_answers_page_is_the_reply_and_only_the_handler_may_once_assigned(app, db, users):
    reference = complain(db)
    assert submit(as_user(app, "head"), f"/workbench/complaints/{reference}", "assign-form",
                  {"handler": str(users["head"].id)}).status_code == 302
    reviewer = as_user(app, "reviewer")  # the department's staff, but not the handler
    assert reviewer.post(f"/workbench/inquiries/{reference}/answer", data={"answer": "我来答复"}).status_code == 403
    head = as_user(app, "head")
    assert head.post(f"/workbench/inquiries/{reference}/answer", data={"answer": "已核实并致歉。"}).status_code == 302
    page = Page(head.get(f"/workbench/complaints/{reference}"))
    assert page.find("complaint-facts").get("data-status") == "replied"
    assert actions(page) == ["received", "assigned", "replied"]
    assert page.text("complaint-answer") == "已核实并致歉。"


def test_the_overdue_list_pages_through_every_stage_earliest_due_first(app, db):
    clock.travel_to(MONDAY)
    first = complain(db)
    clock.travel_to(MONDAY + timedelta(hours=1))
    for _n in range(50):
        complain(db, "dm_land")
    clock.travel_to(MONDAY + timedelta(days=7))
    supervisor = as_user(app, "supervisor")
    page = Page(supervisor.get("/supervision/complaints"))
    rows = [r for r in page.all("data-testid", "complaint-") if r.get("data-stage")]
    assert len(rows) == 50 and rows[0].get("data-testid") == f"complaint-{first}"
    assert page.all("data-testid", "page-next")
    page = Page(supervisor.get("/supervision/complaints?page=2"))
    assert len([r for r in page.all("data-testid", "complaint-") if r.get("data-stage")]) == 1
    assert not page.all("data-testid", "page-next") and page.all("data-testid", "page-prev")
    assert supervisor.get("/supervision/complaints?page=3").status_code == 404

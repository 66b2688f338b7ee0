"""网上咨询 / 投诉 / 建议: submit, keep the reference, look it up with the contact, staff answer, answers published."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import inquiries
from engine.errors import Forbidden, InvalidInput, InvalidState
from engine.models import Inquiry
from tests import helpers
from tests.webpage import Page, submit

FORM = {"kind": "consultation", "name": "陈志明", "contact": "139 0000 1234", "subject": "施工许可需要哪些材料？",
        "content": "厂房扩建项目，申请施工许可证需要准备哪些材料？"}


def ask(client, db, **override) -> str:
    data = {**FORM, "item": helpers.item_code(db, "construction_permit"), **override}
    response = submit(client, "/inquiries/new", "inquiry-form", data)
    page = Page(response)
    assert response.status_code == 200, page.html
    return page.text("inquiry-reference")


def lookup(client, reference, contact):
    return Page(client.post("/inquiries/lookup", data={"reference": reference, "contact": contact}))


def test_a_consultation_goes_from_submission_to_a_published_answer(client, db, users):
    reference = ask(client, db)
    assert inquiries.REFERENCE_RE.match(reference)
    page = lookup(client, reference, "13900001234")
    assert page.find("inquiry-status").get("data-status") == "received" and page.find("inquiry-pending")
    assert not Page(client.get("/inquiries")).all("data-testid", f"answer-{reference}")

    answered = inquiries.answer(db, users["reviewer"], reference, "需提交施工合同、施工图审查合格书等8项材料。", public=True)
    assert answered.status == "answered" and answered.is_public
    page = lookup(client, reference, "139-0000-1234")
    assert page.find("inquiry-status").get("data-status") == "answered"
    assert "施工合同" in page.text("inquiry-answer")
    published = Page(client.get("/inquiries")).all("data-testid", f"answer-{reference}")
    assert published and "施工合同" in " ".join(published[0].text.split())
    assert FORM["name"] not in Page(client.get("/inquiries")).html and "13900001234" not in Page(client.get("/inquiries")).html


def test_an_answer_not_marked_public_stays_private(client, db, users):
    reference = ask(client, db)
    inquiries.answer(db, users["supervisor"], reference, "请电话联系窗口。", public=False)
    assert not Page(client.get("/inquiries")).all("data-testid", f"answer-{reference}")
    assert lookup(client, reference, FORM["contact"]).text("inquiry-answer") == "请电话联系窗口。"


def test_a_complaint_is_replied_and_never_published(client, db, users):
    reference = ask(client, db, kind="complaint", subject="窗口人员态度差", content="11月20日上午在住建窗口办理时……")
    assert reference.startswith("TS")
    with db.read() as session:
        assert session.scalar(select(Inquiry.status).where(Inquiry.reference == reference)) == "received"
    replied = inquiries.answer(db, users["supervisor"], reference, "已调查核实并对相关人员批评教育。", public=True)
    assert (replied.status, replied.is_public) == ("replied", False)
    assert set(inquiries.STATUSES["complaint"]) == {"received", "investigating", "resolved", "replied", "archived"}


def test_a_wrong_contact_and_an_unknown_reference_read_the_same(client, db):
    reference = ask(client, db)
    wrong = lookup(client, reference, "13700000000")
    unknown = lookup(client, "ZX261202ABCDEF", FORM["contact"])
    assert (wrong.status, unknown.status) == (404, 404)
    assert wrong.text("lookup-error") == unknown.text("lookup-error")
    assert wrong.find("inquiry-result") is None


def test_the_contact_matches_however_it_is_typed(client, db):
    reference = ask(client, db, contact="Lin.Wei@Example.COM")
    assert lookup(client, reference.lower(), "lin.wei@example.com").find("inquiry-result") is not None


@pytest.mark.parametrize("override, field", [({"name": ""}, "name"), ({"contact": "12345"}, "contact"),
                                             ({"subject": "主" * 101}, "subject"), ({"content": ""}, "content"),
                                             ({"kind": "praise"}, "kind"), ({"item": "NO-SUCH"}, "item")])
def test_a_bad_form_is_shown_again_with_the_message_next_to_the_field(client, db, override, field):
    with db.read() as session:
        before = session.query(Inquiry).count()
    data = {**FORM, "item": helpers.item_code(db, "construction_permit"), **override}
    response = client.post("/inquiries/new", data=data)
    page = Page(response)
    assert response.status_code == 400 and page.find(f"error-{field}") is not None
    with db.read() as session:
        assert session.query(Inquiry).count() == before


def test_a_department_is_needed_when_no_item_is_chosen(db):
    with pytest.raises(InvalidInput) as refused:
        inquiries.submit(db, "suggestion", "王女士", "13800001111", "建议", "建议增加自助机")
    assert "department" in refused.value.errors
    assert inquiries.submit(db, "suggestion", "王女士", "13800001111", "建议", "建议增加自助机",
                            department_code="dm_center").startswith("JY")


def test_only_staff_of_the_department_or_supervisors_answer(client, db, users):
    reference = ask(client, db)
    with pytest.raises(Forbidden):
        inquiries.answer(db, users["zhangsan"], reference, "我来回答")
    with pytest.raises(InvalidInput):
        inquiries.answer(db, users["supervisor"], reference, "")


def test_submissions_are_rate_limited(app, client, db):
    app.config["PORTAL_INQUIRY_LIMIT"] = "2 per minute"
    ask(client, db)
    ask(client, db)
    refused = client.post("/inquiries/new", data=dict(FORM, department="dm_center"))
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_the_seeded_answers_are_public(client):
    assert Page(client.get("/inquiries")).all("data-testid", "answer-")


def test_forged_lookup_parameters_are_answered_cleanly(client):
    for data in ({"reference": "x" * 10000, "contact": "y" * 10000}, {}, {"reference": "' OR 1=1 --"}):
        assert client.post("/inquiries/lookup", data=data).status_code == 404
    assert client.get("/inquiries?page=-3").status_code == 404


def test_department_staff_answer_from_the_workbench_and_the_answer_is_published(client, db):
    from tests.webpage import login

    reference = ask(client, db)
    login(client, "reviewer")  # 住建局: the department of the construction permit
    page = Page(client.get("/workbench/inquiries"))
    assert page.all("data-testid", f"inquiry-{reference}")
    response = client.post(f"/workbench/inquiries/{reference}/answer", data={"answer": "请准备施工合同等材料。",
                                                                            "public": "on"})
    assert response.status_code == 302
    assert Page(client.get("/inquiries")).all("data-testid", f"answer-{reference}")
    assert not Page(client.get("/workbench/inquiries")).all("data-testid", f"inquiry-{reference}")


def test_an_empty_answer_from_the_workbench_is_refused_with_a_message(client, db):
    from tests.webpage import login

    reference = ask(client, db)
    login(client, "reviewer")
    page = Page(client.post(f"/workbench/inquiries/{reference}/answer", data={"answer": " "}))
    assert page.status == 400 and page.find("answer-error") is not None


def test_staff_of_another_department_do_not_see_the_inquiry(client, db):
    from tests.webpage import login

    reference = ask(client, db)
    login(client, "clerk")  # the centre's window, not 住建局
    assert not Page(client.get("/workbench/inquiries")).all("data-testid", f"inquiry-{reference}")
    assert client.post(f"/workbench/inquiries/{reference}/answer", data={"answer": "x"}).status_code == 403


def test_a_complaint_moves_through_its_stages_forward_only(client, db, users):
    reference = ask(client, db, kind="complaint", subject="超期未办结", content="承诺5个工作日，已过10天。")
    supervisor = users["supervisor"]
    assert inquiries.advance(db, supervisor, reference, "investigating").status == "investigating"
    assert inquiries.advance(db, supervisor, reference, "resolved").status == "resolved"
    with pytest.raises(InvalidState):
        inquiries.advance(db, supervisor, reference, "archived")  # not replied to yet
    with pytest.raises(InvalidState):
        inquiries.advance(db, supervisor, reference, "investigating")  # backwards
    inquiries.answer(db, supervisor, reference, "已督促承办部门办结并致歉。")
    assert inquiries.advance(db, supervisor, reference, "archived").status == "archived"
    with pytest.raises(InvalidState):
        inquiries.answer(db, supervisor, reference, "再次答复")
    assert lookup(client, reference, FORM["contact"]).find("inquiry-status").get("data-status") == "archived"


def test_an_answered_consultation_is_closed(client, db, users):
    reference = ask(client, db)
    with pytest.raises(InvalidState):
        inquiries.advance(db, users["supervisor"], reference, "closed")
    inquiries.answer(db, users["supervisor"], reference, "答复")
    assert inquiries.advance(db, users["supervisor"], reference, "closed").status == "closed"


def test_failed_lookups_of_one_reference_are_limited(app, client, db):
    app.config["PORTAL_LOOKUP_FAILURE_LIMIT"] = "2 per 10 minutes"
    reference = ask(client, db)
    for n in range(2):
        assert client.post("/inquiries/lookup", data={"reference": reference, "contact": f"1380000000{n}"},
                           environ_base={"REMOTE_ADDR": f"10.1.0.{n}"}).status_code == 404
    refused = client.post("/inquiries/lookup", data={"reference": reference, "contact": FORM["contact"]},
                          environ_base={"REMOTE_ADDR": "10.1.0.9"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_a_dead_rate_limit_store_does_not_take_lookups_down(database_url, tmp_path, db):
    from webapp import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "ONEWINDOW_DATA_DIR": str(tmp_path / "d"),
                      "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1"})  # nothing listens there
    try:
        client = app.test_client()
        reference = ask(client, db)
        assert lookup(client, reference, FORM["contact"]).find("inquiry-result") is not None
    finally:
        app.extensions["onewindow"].dispose()

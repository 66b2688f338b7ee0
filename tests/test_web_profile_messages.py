"""The applicant's profile page (masked identity, contact details, password) and 我的消息 with its badge."""
from __future__ import annotations

from sqlalchemy import select

from engine import cases, messages
from engine.demo import DEMO_PASSWORD
from engine.models import AuditEvent, Message, User
from tests import helpers
from tests.webpage import Page, login, submit


def test_the_profile_shows_the_identity_with_the_id_masked(client, users):
    login(client, "zhangsan")
    page = Page(client.get("/my/profile"))
    assert page.status == 200
    assert page.text("identity-name") == users["zhangsan"].display_name
    assert page.text("identity-number") == "110*************2X"
    assert users["zhangsan"].id_number not in page.html


def test_a_company_profile_shows_its_credit_code_masked(client, users):
    login(client, "haiyun")
    page = Page(client.get("/my/profile"))
    assert page.text("identity-number") == "913*************43"


def test_contact_details_are_saved_and_audited(client, db, users):
    login(client, "zhangsan")
    response = submit(client, "/my/profile", "profile-form", {"phone": "13700000007", "email": "zs@example.cn",
                                                               "address": "珠海市斗门区井岸镇"})
    assert response.status_code == 302
    page = Page(client.get("/my/profile"))
    assert page.find("f-phone").get("value") == "13700000007"
    assert page.find("f-email").get("value") == "zs@example.cn"
    with db.read() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "profile_updated"))
    assert event.actor_id == users["zhangsan"].id


def test_bad_contact_details_are_shown_next_to_their_fields_and_not_saved(client, db, users):
    login(client, "zhangsan")
    page = Page(submit(client, "/my/profile", "profile-form", {"phone": "123", "email": "not-an-email"}))
    assert page.status == 400
    assert page.text("f-phone-error") and page.text("f-email-error")
    assert page.find("f-phone").get("value") == "123"  # what was typed stays to be corrected
    with db.read() as session:
        assert session.get(User, users["zhangsan"].id).phone == users["zhangsan"].phone


def test_password_change_with_the_new_one_twice(client, db):
    login(client, "zhangsan")
    page = Page(submit(client, "/my/profile", "password-form", {"current_password": DEMO_PASSWORD,
                                                               "new_password": "NewPass2026",
                                                               "new_password_confirm": "NewPass2027"}))
    assert page.status == 400 and page.text("f-new_password_confirm-error")
    page = Page(submit(client, "/my/profile", "password-form", {"current_password": "wrong",
                                                               "new_password": "NewPass2026",
                                                               "new_password_confirm": "NewPass2026"}))
    assert page.status == 400 and page.text("f-current_password-error")
    response = submit(client, "/my/profile", "password-form", {"current_password": DEMO_PASSWORD,
                                                              "new_password": "NewPass2026",
                                                              "new_password_confirm": "NewPass2026"})
    assert response.status_code == 302
    client.post("/auth/logout")
    assert login(client, "zhangsan", DEMO_PASSWORD).status_code == 200  # the old one no longer works
    assert login(client, "zhangsan", "NewPass2026").status_code == 302
    with db.read() as session:
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "password_changed"))


def test_profile_posts_need_the_csrf_token(csrf_app, db, users):
    client = csrf_app.test_client()
    submit(client, "/auth/login", "login-form", {"username": "zhangsan", "password": DEMO_PASSWORD})
    assert client.post("/my/profile/contact", data={"phone": "13700000007"}).status_code == 400
    assert client.post("/my/profile/password", data={"current_password": DEMO_PASSWORD, "new_password": "NewPass2026",
                                                     "new_password_confirm": "NewPass2026"}).status_code == 400
    with db.read() as session:
        assert session.get(User, users["zhangsan"].id).phone == users["zhangsan"].phone
    assert submit(client, "/my/profile", "profile-form", {"phone": "13700000007"}).status_code == 302


def test_staff_have_no_applicant_profile(client):
    login(client, "clerk")
    assert client.get("/my/profile").status_code == 403
    assert client.get("/my/messages").status_code == 403


def accepted_and_concluded(db, users) -> int:
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), users["zhangsan"])
    helpers.drive(db, users, submitted.case_id)
    return submitted.case_id


def my_messages(db, user) -> list[Message]:
    with db.read() as session:
        return list(session.scalars(select(Message).where(Message.user_id == user.id).order_by(Message.id)))


def test_messages_are_listed_newest_first_with_unread_ones_marked(client, db, users):
    accepted_and_concluded(db, users)
    written = my_messages(db, users["zhangsan"])
    login(client, "zhangsan")
    page = Page(client.get("/my/messages"))
    rows = page.all("data-testid", "message-row-")
    assert [row.get("data-testid") for row in rows] == [f"message-row-{m.id}" for m in reversed(written)]
    assert {row.get("data-read") for row in rows} == {"false"} and {row.get("class") for row in rows} == {"unread"}


def test_the_navigation_badge_counts_unread_messages(client, db, users):
    accepted_and_concluded(db, users)
    count = len(my_messages(db, users["zhangsan"]))
    login(client, "zhangsan")
    page = Page(client.get("/my/"))
    assert page.find("unread-badge").get("data-count") == str(count)


def test_opening_a_message_marks_it_read_and_links_to_its_case(client, db, users):
    case_id = accepted_and_concluded(db, users)
    first = my_messages(db, users["zhangsan"])[0]
    login(client, "zhangsan")
    before = int(Page(client.get("/my/")).find("unread-badge").get("data-count"))
    page = Page(client.get(f"/my/messages/{first.id}"))
    assert page.text("message-title") == first.title
    assert page.find("message-case-link").get("href") == f"/my/cases/{case_id}"
    assert my_messages(db, users["zhangsan"])[0].read_at is not None
    badge = Page(client.get("/my/")).find("unread-badge")
    assert (int(badge.get("data-count")) if badge else 0) == before - 1
    rows = {r.get("data-testid"): r.get("data-read") for r in Page(client.get("/my/messages")).all("data-testid",
                                                                                                  "message-row-")}
    assert rows[f"message-row-{first.id}"] == "true"


def test_mark_all_read_clears_the_badge(client, db, users):
    accepted_and_concluded(db, users)
    login(client, "zhangsan")
    response = submit(client, "/my/messages", "mark-all-read-form")
    assert response.status_code == 302
    page = Page(client.get("/my/messages"))
    assert page.find("unread-badge") is None and page.find("mark-all-read-form") is None
    assert all(m.read_at is not None for m in my_messages(db, users["zhangsan"]))


def test_someone_elses_message_is_not_found_and_stays_unread(client, db, users):
    accepted_and_concluded(db, users)
    theirs = my_messages(db, users["zhangsan"])[0]
    login(client, "haiyun")
    page = Page(client.get(f"/my/messages/{theirs.id}"))
    assert page.status == 404 and page.find("error-page") is not None
    assert client.get("/my/messages/999999").status_code == 404
    assert my_messages(db, users["zhangsan"])[0].read_at is None


def test_messages_are_paginated(client, db, users):
    with db.write() as session:
        for n in range(messages.PAGE_SIZE + 3):
            messages.notify(session, [users["zhangsan"].id], None, "accepted", f"消息 {n}", "正文")
    login(client, "zhangsan")
    first = Page(client.get("/my/messages"))
    assert len(first.all("data-testid", "message-row-")) == messages.PAGE_SIZE
    second = Page(client.get("/my/messages?page=2"))
    assert len(second.all("data-testid", "message-row-")) == 3
    assert client.get("/my/messages?page=3").status_code == 404


def test_the_messages_page_of_someone_without_messages_says_so(client):
    login(client, "haiyun")
    page = Page(client.get("/my/messages"))
    assert page.find("no-messages") is not None and page.find("unread-badge") is None


def test_an_agent_without_an_id_number_has_a_profile_page_too(client):
    login(client, "agent_bj")
    page = Page(client.get("/my/profile"))
    assert page.status == 200 and page.find("profile-form") is not None


def test_every_field_of_the_account_pages_has_a_label(client):
    def unlabelled(page):
        labelled = {e.get("for") for e in page.all("for")}
        wrapped = {e.get("id") for label in page.root.iter() if label.tag == "label" for e in label.iter()}
        return [e.get("id") for e in page.root.iter() if e.tag in ("input", "textarea", "select")
                and e.get("type") not in ("hidden", "submit") and e.get("id") not in labelled | wrapped]

    assert unlabelled(Page(client.get("/auth/register/individual"))) == []
    assert unlabelled(Page(client.get("/auth/register/company"))) == []
    login(client, "zhangsan")
    assert unlabelled(Page(client.get("/my/profile"))) == []

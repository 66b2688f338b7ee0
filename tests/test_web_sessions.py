"""Sessions end on the server: a cookie copied before logout opens nothing, a password change ends the
account's other sessions, deactivation ends them all, and neither the API nor a "remember me" cookie is a
way around that."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from engine.demo import DEMO_PASSWORD
from engine.models import LoginSession
from tests.webpage import login, submit

NEW_PASSWORD = "Violet-Harbour-73"


def copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie (as a thief would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client, url="/my/") -> bool:
    return client.get(url).status_code == 200


def test_a_cookie_copied_before_logout_no_longer_opens_my_cases(app, client):
    login(client, "zhangsan")
    thief = copy_of(app, client)
    assert signed_in(thief)  # the copy works while the session is open
    client.post("/auth/logout")
    assert thief.get("/my/").headers["Location"].startswith("/auth/login")


def test_a_cookie_copied_before_logout_is_refused_by_the_api(app, client):
    login(client, "zhangsan")
    thief = copy_of(app, client)
    assert thief.get("/api/v1/cases").status_code == 200
    client.post("/auth/logout")
    refused = thief.get("/api/v1/cases")
    assert refused.status_code == 401 and refused.get_json()["code"] == "unauthorized"


def test_logout_with_the_csrf_form_ends_the_copied_session_too(csrf_app):
    client = csrf_app.test_client()
    submit(client, "/auth/login", "login-form", {"username": "zhangsan", "password": DEMO_PASSWORD})
    thief = copy_of(csrf_app, client)
    submit(client, "/my/", "logout-form")
    assert not signed_in(thief)


def test_logout_on_one_device_keeps_the_other_signed_in(app):
    phone, desktop = app.test_client(), app.test_client()
    login(phone, "zhangsan")
    login(desktop, "zhangsan")
    phone.post("/auth/logout")
    assert not signed_in(phone)
    assert signed_in(desktop)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "zhangsan")
    login(elsewhere, "zhangsan")
    response = submit(here, "/my/profile", "password-form", {
        "current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(elsewhere)


def test_a_staff_password_change_ends_the_other_sessions_and_keeps_this_one(app):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "clerk")
    login(elsewhere, "clerk")
    response = submit(here, "/auth/password", "password-form", {
        "current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/workbench/"
    assert signed_in(here, "/workbench/")
    assert not signed_in(elsewhere, "/workbench/")


def test_a_refused_password_change_ends_no_session(app):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "zhangsan")
    login(elsewhere, "zhangsan")
    response = submit(here, "/my/profile", "password-form", {
        "current_password": "wrong", "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert signed_in(elsewhere)


def test_a_deactivated_colleague_stays_signed_out_after_being_reactivated(app, users):
    target = next(u for u in users.values() if u.department_id == users["deptadmin"].department_id
                  and u.kind == "staff" and u.username != "deptadmin")
    colleague, admin = app.test_client(), app.test_client()
    login(colleague, target.username)
    assert signed_in(colleague, "/workbench/")
    login(admin, "deptadmin")
    roles = sorted(target.role_names)
    assert admin.post(f"/admin/people/{target.id}", data={"roles": roles}).status_code == 302
    assert admin.post(f"/admin/people/{target.id}", data={"roles": roles, "active": "on"}).status_code == 302
    assert not signed_in(colleague, "/workbench/")


def test_a_valid_remember_me_cookie_opens_nothing(app, users):
    from flask_login.utils import encode_cookie

    with app.test_request_context():
        remember = encode_cookie(str(users["zhangsan"].id))
    client = app.test_client()
    client.set_cookie("remember_token", remember)
    assert client.get("/my/").headers["Location"].startswith("/auth/login")


def test_a_session_ends_twelve_hours_after_sign_in(app, client, db):
    login(client, "zhangsan")
    assert signed_in(client)
    signed_in_at = datetime.now(timezone.utc) - timedelta(hours=12, minutes=1)
    with db.write() as session:
        session.execute(update(LoginSession).values(created_at=signed_in_at))
    assert not signed_in(client)


def test_signing_in_again_starts_a_new_session_and_forgets_the_old_cookie(app, client):
    login(client, "zhangsan")
    before = copy_of(app, client)
    client.post("/auth/logout")
    login(client, "zhangsan")
    assert signed_in(client)
    assert not signed_in(before)


def test_the_sessions_table_keeps_only_a_digest_of_the_token(app, client, db):
    login(client, "zhangsan")
    with app.test_request_context():
        cookie = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)
    with db.read() as session:
        stored = list(session.scalars(select(LoginSession.id)))
    assert len(stored) == 1 and cookie["login_session"] not in stored

"""Common and weak passwords are refused wherever a password is chosen, with a precise message; staff an
administrator created choose their own password at first sign-in, and nothing else opens until they have."""
from __future__ import annotations

import pytest

from engine.demo import DEMO_PASSWORD
from tests.test_web_registration import PERSON
from tests.webpage import Page, login, submit

FIRST_PASSWORD = "Initial-Pass-2026"  # what the administrator sets
OWN_PASSWORD = "Violet-Harbour-73"
# Common or patterned passwords with letters and digits, long enough: the length rule alone lets them through.
WEAK = ["password1", "Abc12345", "1qaz2wsx", "woaini1314", "qq123456", "P@ssw0rd2026"]


@pytest.mark.parametrize("password", WEAK)
def test_registration_refuses_a_common_password(client, password):
    page = Page(submit(client, "/auth/register/individual", "register-form",
                       {**PERSON, "password": password, "password_confirm": password}))
    assert page.status == 400
    assert "容易被猜中" in page.text("f-password-error")


def test_registration_refuses_a_short_password_naming_the_length(client):
    page = Page(submit(client, "/auth/register/individual", "register-form",
                       {**PERSON, "password": "Vi-7x", "password_confirm": "Vi-7x"}))
    assert page.status == 400 and "8–128" in page.text("f-password-error")


@pytest.mark.parametrize("password", WEAK[:3])
def test_the_profile_refuses_a_weak_new_password(client, password):
    login(client, "zhangsan")
    page = Page(submit(client, "/my/profile", "password-form", {
        "current_password": DEMO_PASSWORD, "new_password": password, "new_password_confirm": password}))
    assert page.status == 400 and "容易被猜中" in page.text("f-new_password-error")
    client.post("/auth/logout")
    assert login(client, "zhangsan").status_code == 302  # the old password still works


def test_an_administrator_cannot_give_a_new_colleague_a_weak_password(client):
    login(client, "admin")
    response = client.post("/admin/people/new", data={
        "username": "weakclerk", "display_name": "新窗口", "password": "password1", "department": "dm_construction",
        "roles": ["clerk"]})
    assert response.status_code == 400
    assert "容易被猜中" in Page(response).text("error-password")


def add_clerk(client, username="newclerk"):
    login(client, "admin")
    response = client.post("/admin/people/new", data={
        "username": username, "display_name": "新窗口", "password": FIRST_PASSWORD, "department": "dm_construction",
        "roles": ["clerk"], "groups": ["dm_construction_window"]})
    assert response.status_code == 302
    client.post("/auth/logout")


def test_new_staff_go_to_the_password_page_at_first_sign_in(client):
    add_clerk(client)
    response = login(client, "newclerk", FIRST_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/password"
    page = Page(client.get("/auth/password"))
    assert page.status == 200 and page.find("first-password-notice") is not None


def test_new_staff_cannot_open_anything_else_before_changing_the_password(client):
    add_clerk(client)
    login(client, "newclerk", FIRST_PASSWORD)
    response = client.get("/workbench/")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/password"
    refused = client.get("/api/v1/tasks")
    assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"


def test_new_staff_work_once_they_chose_their_own_password(client):
    add_clerk(client)
    login(client, "newclerk", FIRST_PASSWORD)
    response = submit(client, "/auth/password", "password-form", {
        "current_password": FIRST_PASSWORD, "new_password": OWN_PASSWORD, "new_password_confirm": OWN_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200
    client.post("/auth/logout")
    assert login(client, "newclerk", OWN_PASSWORD).headers["Location"] == "/workbench/"


def test_the_first_password_cannot_be_kept(client):
    add_clerk(client)
    login(client, "newclerk", FIRST_PASSWORD)
    page = Page(submit(client, "/auth/password", "password-form", {
        "current_password": FIRST_PASSWORD, "new_password": FIRST_PASSWORD, "new_password_confirm": FIRST_PASSWORD}))
    assert page.status == 400 and page.text("f-new_password-error")
    assert client.get("/workbench/").headers["Location"] == "/auth/password"


def test_new_staff_may_sign_out_before_changing_the_password(client):
    add_clerk(client)
    login(client, "newclerk", FIRST_PASSWORD)
    assert client.post("/auth/logout").headers["Location"] == "/"
    assert client.get("/workbench/").headers["Location"].startswith("/auth/login")


def test_the_first_password_change_needs_the_csrf_token(csrf_app):
    client = csrf_app.test_client()
    submit(client, "/auth/login", "login-form", {"username": "admin", "password": DEMO_PASSWORD})
    assert submit(client, "/admin/people", "person-form", {
        "username": "newclerk", "display_name": "新窗口", "password": FIRST_PASSWORD,
        "department": "dm_construction", "roles": "clerk"}).status_code == 302
    submit(client, "/admin/", "logout-form")
    submit(client, "/auth/login", "login-form", {"username": "newclerk", "password": FIRST_PASSWORD})
    forged = client.post("/auth/password", data={"current_password": FIRST_PASSWORD, "new_password": OWN_PASSWORD,
                                                 "new_password_confirm": OWN_PASSWORD})
    assert forged.status_code == 400
    response = submit(client, "/auth/password", "password-form", {
        "current_password": FIRST_PASSWORD, "new_password": OWN_PASSWORD, "new_password_confirm": OWN_PASSWORD})
    assert response.status_code == 302 and client.get("/workbench/").status_code == 200


@pytest.mark.parametrize("username, area", [("clerk", "/workbench/"), ("admin", "/admin/"), ("zhangsan", "/my/")])
def test_demo_accounts_are_not_asked_to_change_their_password(client, username, area):
    response = login(client, username)
    assert response.headers["Location"] == area and client.get(area).status_code == 200

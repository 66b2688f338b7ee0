"""Registering an individual or a company account on the web, signing in and signing out (throttling:
test_web_sign_in_limits.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.demo import DEMO_PASSWORD
from engine.models import AuditEvent, User
from tests.webpage import Page, submit

PERSON = {"real_name": "李四", "id_number": "440524198001010013", "phone": "13900000002", "email": "lisi@example.cn",
          "username": "lisi2026", "password": "Lisi-2026pass", "password_confirm": "Lisi-2026pass"}
COMPANY = {"name": "珠海市海韵贸易有限公司", "credit_code": "91110108551385082Q", "legal_representative": "王五",
           "contact_name": "赵六", "phone": "0756-5551234", "username": "haiyun_trade", "password": "Trade2026abc",
           "password_confirm": "Trade2026abc"}


def user_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(User))


def test_register_offers_an_individual_and_a_company_account(client):
    page = Page(client.get("/auth/register"))
    assert page.status == 200
    assert page.find("register-individual").get("href") == "/auth/register/individual"
    assert page.find("register-company").get("href") == "/auth/register/company"


def test_an_individual_registers_is_signed_in_and_lands_in_my_cases(client, db):
    response = submit(client, "/auth/register/individual", "register-form", PERSON)
    assert response.status_code == 302 and response.headers["Location"] == "/my/"
    page = Page(client.get("/my/"))
    assert page.status == 200 and page.text("signed-in-as") == "李四"
    with db.read() as session:
        user = session.scalar(select(User).where(User.username == "lisi2026"))
        assert (user.kind, user.applicant_type, user.id_number) == ("applicant", "自然人", "440524198001010013")
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)) == "register"


def test_a_company_registers_with_its_credit_code(client, db):
    response = submit(client, "/auth/register/company", "register-form", COMPANY)
    assert response.status_code == 302 and response.headers["Location"] == "/my/"
    with db.read() as session:
        user = session.scalar(select(User).where(User.username == "haiyun_trade"))
        assert (user.applicant_type, user.legal_representative, user.contact_name) == ("法人", "王五", "赵六")


@pytest.mark.parametrize("id_number, fragment", [
    ("4405241980010100", "18 位"),            # too short
    ("440524198013010010", "出生日期"),        # month 13
    ("440524198001010014", "校验码"),          # wrong check digit
])
def test_a_bad_resident_id_is_named_precisely_next_to_its_field(client, db, id_number, fragment):
    before = user_count(db)
    page = Page(submit(client, "/auth/register/individual", "register-form", {**PERSON, "id_number": id_number}))
    assert page.status == 400
    assert fragment in page.text("f-id_number-error")
    assert page.find("f-id_number").get("aria-invalid") == "true"
    assert page.find("f-real_name").get("value") == "李四"  # what was typed stays
    assert page.find("f-password").get("value") in (None, "")  # passwords are never sent back
    assert user_count(db) == before


def test_a_bad_credit_code_and_mismatched_passwords_are_both_shown(client, db):
    before = user_count(db)
    page = Page(submit(client, "/auth/register/company", "register-form",
                       {**COMPANY, "credit_code": "91110108551385082A", "password_confirm": "Other2026abc"}))
    assert page.status == 400
    assert "GB 32100" in page.text("f-credit_code-error")
    assert page.text("f-password_confirm-error")
    assert user_count(db) == before


def test_a_registered_id_and_a_taken_user_name_are_told_clearly(client, db):
    before = user_count(db)
    page = Page(submit(client, "/auth/register/individual", "register-form",
                       {**PERSON, "id_number": "11010519491231002X", "username": "zhangsan"}))
    assert page.status == 400
    assert "已经注册" in page.text("f-id_number-error")
    assert "已被使用" in page.text("f-username-error")
    assert user_count(db) == before


def test_a_registered_credit_code_is_told_on_the_company_form(client):
    taken = {**COMPANY, "credit_code": "91350100M000100Y43"}  # the demo company's
    page = Page(submit(client, "/auth/register/company", "register-form", taken))
    assert page.status == 400 and "已经注册" in page.text("f-credit_code-error")


def test_registration_without_csrf_token_is_refused(csrf_app, db):
    before = user_count(db)
    client = csrf_app.test_client()
    response = client.post("/auth/register/individual", data=PERSON)
    assert response.status_code == 400 and user_count(db) == before
    response = submit(client, "/auth/register/individual", "register-form", PERSON)
    assert response.status_code == 302 and user_count(db) == before + 1


def test_login_keeps_only_same_site_next_paths(client):
    response = client.post("/auth/login", data={"username": "zhangsan", "password": DEMO_PASSWORD,
                                                "next": "https://evil.example/my/"})
    assert response.headers["Location"] == "/my/"
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"username": "zhangsan", "password": DEMO_PASSWORD,
                                                "next": "/my/messages"})
    assert response.headers["Location"] == "/my/messages"


def test_logout_needs_the_csrf_token(csrf_app):
    client = csrf_app.test_client()
    submit(client, "/auth/login", "login-form", {"username": "zhangsan", "password": DEMO_PASSWORD})
    assert client.get("/my/").status_code == 200
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/my/").status_code == 200
    response = submit(client, "/my/", "logout-form")
    assert response.status_code == 302
    assert client.get("/my/").status_code == 302


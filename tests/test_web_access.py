"""Signing in, who may open which area, CSRF, security headers, and errors that never show a traceback."""
from __future__ import annotations

import pytest

from engine import demo
from tests.webpage import Page, login

AREAS = {"applicant": "/my/", "workbench": "/workbench/", "supervision": "/supervision/", "admin": "/admin/"}


@pytest.mark.parametrize("username, area", [
    ("zhangsan", "applicant"), ("haiyun", "applicant"), ("agent_bj", "applicant"),
    ("clerk", "workbench"), ("reviewer", "workbench"), ("head", "workbench"),
    ("supervisor", "supervision"),
    ("analyst", "admin"), ("editor", "admin"), ("deptadmin", "admin"), ("admin", "admin"),
])
def test_each_role_lands_in_its_own_area_after_login(client, username, area):
    response = login(client, username)
    assert response.status_code == 302
    assert response.headers["Location"] == AREAS[area]
    assert client.get(AREAS[area]).status_code == 200


@pytest.mark.parametrize("username, area", [
    ("clerk", "applicant"), ("supervisor", "applicant"),
    ("zhangsan", "workbench"), ("supervisor", "workbench"), ("admin", "workbench"),
    ("zhangsan", "supervision"), ("clerk", "supervision"),
    ("zhangsan", "admin"), ("clerk", "admin"), ("supervisor", "admin"),
])
def test_an_area_refuses_roles_outside_it(client, username, area):
    login(client, username)
    page = Page(client.get(AREAS[area]))
    assert page.status == 403
    assert page.find("error-page").get("data-status") == "403"


@pytest.mark.parametrize("area", sorted(AREAS))
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, area):
    response = client.get(AREAS[area])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_login_returns_to_the_page_first_asked_for(client):
    response = client.post("/auth/login", data={"username": "clerk", "password": demo.DEMO_PASSWORD,
                                                "next": "/workbench/?page=1"})
    assert response.headers["Location"] == "/workbench/?page=1"


def test_login_never_sends_people_to_another_site(client):
    response = client.post("/auth/login", data={"username": "clerk", "password": demo.DEMO_PASSWORD,
                                                "next": "//evil.example/phish"})
    assert response.headers["Location"] == AREAS["workbench"]


@pytest.mark.parametrize("username, password", [("zhangsan", "wrong-password"),
                                                ("nobody", demo.DEMO_PASSWORD)])
def test_a_failed_login_shows_a_message_and_signs_nobody_in(client, username, password):
    page = Page(login(client, username, password))
    assert page.status == 200
    assert page.text("login-error")
    assert client.get("/my/").status_code == 302


def test_both_kinds_of_failed_login_read_the_same(client):
    wrong_password = Page(login(client, "zhangsan", "wrong")).text("login-error")
    unknown_name = Page(login(client, "nobody", "wrong")).text("login-error")
    assert wrong_password == unknown_name


def test_logout_signs_out(client):
    login(client, "zhangsan")
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/my/").status_code == 302


def test_logout_by_get_is_not_allowed(client):
    page = Page(client.get("/auth/logout"))
    assert page.status == 405 and page.find("error-page") is not None


@pytest.fixture
def csrf_app(database_url, tmp_path):
    from webapp import create_app

    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True,
                              "ONEWINDOW_DATA_DIR": str(tmp_path / "csrf-data"), "SECRET_KEY": "csrf-secret"})
    yield application
    application.extensions["onewindow"].dispose()


def test_a_post_without_csrf_token_is_refused_when_csrf_is_enabled(csrf_app):
    client = csrf_app.test_client()
    page = Page(client.post("/auth/login", data={"username": "zhangsan", "password": demo.DEMO_PASSWORD}))
    assert page.status == 400
    assert page.find("error-page").get("data-status") == "400"
    assert client.get("/my/").status_code == 302  # not signed in


def test_a_post_with_the_forms_csrf_token_is_accepted(csrf_app):
    client = csrf_app.test_client()
    token = Page(client.get("/auth/login")).find("csrf_token").get("value")
    response = client.post("/auth/login", data={"username": "zhangsan", "password": demo.DEMO_PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == AREAS["applicant"]


def test_every_page_carries_the_security_headers(client):
    headers = client.get("/").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy


def test_the_session_cookie_is_http_only_and_same_site_lax(client):
    cookie = login(client, "zhangsan").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("url", ["/workbench/?page=abc", "/workbench/?page=0", "/workbench/?page=99",
                                 "/workbench/tasks/abc", "/workbench/tasks/999999", "/my/?page=-1"])
def test_bad_url_parameters_are_not_found_not_a_server_error(client, url):
    login(client, "clerk" if url.startswith("/workbench") else "zhangsan")
    page = Page(client.get(url))
    assert page.status == 404 and page.find("error-page") is not None


def test_an_unknown_page_is_a_chinese_not_found_page(client):
    page = Page(client.get("/no/such/page"))
    assert page.status == 404
    assert page.text("error-message")
    assert "Traceback" not in page.html


def test_a_request_over_the_size_limit_is_refused_with_a_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    page = Page(client.post("/status", data={"case_no": "x" * 4096, "query_code": "y"}))
    assert page.status == 413 and page.find("error-page") is not None


def test_the_api_reports_health_and_errors_as_json(client):
    assert client.get("/api/v1/health").get_json() == {"status": "ok"}
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"


def test_an_unexpected_error_is_a_chinese_page_without_a_traceback(app):
    def broken():
        raise RuntimeError("secret internals")

    app.add_url_rule("/test-broken", "test_broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    page = Page(app.test_client().get("/test-broken"))
    assert page.status == 500 and page.find("error-page") is not None
    assert "secret internals" not in page.html and "Traceback" not in page.html


def test_a_workflow_fault_is_an_unprocessable_page_with_its_message_not_a_server_error(app):
    from engine.errors import WorkflowFault

    def faulty():
        raise WorkflowFault("办件的流程运行出错，请联系业务分析员。")

    app.add_url_rule("/test-fault", "test_fault", faulty)
    page = Page(app.test_client().get("/test-fault"))
    assert page.status == 422 and page.find("error-page") is not None
    assert page.text("error-message") == "办件的流程运行出错，请联系业务分析员。"

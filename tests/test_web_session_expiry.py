"""When the session ends mid-form (or its CSRF token goes stale), the server says so precisely: a script
gets a JSON answer with a code, a page gets the way to sign in again and back to the form."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from engine import demo
from tests import helpers
from tests.webpage import Page

JSON = {"Accept": "application/json"}


def code_of(db) -> str:
    return helpers.item_code(db, "business_license_change")


def signed_in_with_form(app, code: str, username: str = "zhangsan"):
    """A client signed in through the login form, and the CSRF token of the application form it opened."""
    client = app.test_client()
    token = Page(client.get("/auth/login")).find("csrf_token").get("value")
    client.post("/auth/login", data={"username": username, "password": demo.DEMO_PASSWORD, "csrf_token": token})
    form = Page(client.get(f"/my/apply/{code}"))
    return client, dict(form.form_values("application-form"))["csrf_token"]


def test_autosave_without_a_session_answers_401_session_expired_not_a_redirect(client, db):
    response = client.post(f"/my/apply/{code_of(db)}/autosave", data={"new_scope": "x"}, headers=JSON)
    assert response.status_code == 401
    assert response.get_json()["code"] == "session_expired" and response.get_json()["error"]


def test_autosave_after_the_session_cookie_is_gone_answers_session_expired(csrf_app, db):
    code = code_of(db)
    client, token = signed_in_with_form(csrf_app, code)
    client.delete_cookie("session")  # the session ended: the page still holds its token
    response = client.post(f"/my/apply/{code}/autosave", data={"new_scope": "x"},
                           headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 401 and response.get_json()["code"] == "session_expired"


def test_autosave_with_a_token_of_an_earlier_session_answers_csrf_failed(csrf_app, db):
    code = code_of(db)
    client, token = signed_in_with_form(csrf_app, code)
    client.delete_cookie("session")  # the session ended, and another tab signed in again:
    login_token = Page(client.get("/auth/login")).find("csrf_token").get("value")
    client.post("/auth/login", data={"username": "zhangsan", "password": demo.DEMO_PASSWORD, "csrf_token": login_token})
    response = client.post(f"/my/apply/{code}/autosave", data={"new_scope": "x"},
                           headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 400 and response.get_json()["code"] == "csrf_failed"


def test_a_form_posted_after_the_session_ended_leads_to_sign_in_and_back_to_the_form(csrf_app, db):
    code = code_of(db)
    client, token = signed_in_with_form(csrf_app, code)
    client.delete_cookie("session")
    page = Page(client.post(f"/my/apply/{code}", data={"csrf_token": token, "new_scope": "x", "_kept_locally": "1"}))
    assert page.status == 401 and page.find("error-page").get("data-status") == "401"
    link = urlsplit(page.find("relogin-link").get("href"))
    assert link.path == "/auth/login" and parse_qs(link.query)["next"] == [f"/my/apply/{code}"]
    assert "本机" in page.text("error-message")  # the script kept the fields: the page says where they are


def test_the_page_does_not_claim_a_local_copy_the_browser_did_not_keep(csrf_app, db):
    code = code_of(db)
    client, token = signed_in_with_form(csrf_app, code)
    client.delete_cookie("session")
    page = Page(client.post(f"/my/apply/{code}", data={"csrf_token": token, "new_scope": "x"}))
    assert page.status == 401 and "本机" not in page.text("error-message")


def test_the_next_page_after_signing_in_again_is_the_form(csrf_app, db):
    code = code_of(db)
    client = csrf_app.test_client()
    login = Page(client.get(f"/auth/login?next=/my/apply/{code}"))
    response = client.post("/auth/login", data={"username": "zhangsan", "password": demo.DEMO_PASSWORD,
                                                "csrf_token": login.find("csrf_token").get("value"),
                                                "next": login.find("next").get("value")})
    assert response.status_code == 302 and response.headers["Location"] == f"/my/apply/{code}"


def test_a_stale_token_of_a_signed_in_person_offers_the_way_back_to_the_page(csrf_app, db):
    code = code_of(db)
    client, _token = signed_in_with_form(csrf_app, code)
    page = Page(client.post(f"/my/apply/{code}/confirm", data={"csrf_token": "stale", "draft_id": "1"},
                            headers={"Referer": f"http://localhost/my/apply/{code}/review"}))
    assert page.status == 400 and page.find("relogin-link") is None
    assert page.find("back-to-page").get("href") == f"/my/apply/{code}/review"


def test_a_public_form_with_a_stale_token_keeps_its_plain_message(csrf_app):
    page = Page(csrf_app.test_client().post("/auth/login", data={"username": "zhangsan", "csrf_token": "stale"}))
    assert page.status == 400 and page.find("relogin-link") is None and page.find("back-to-page") is None

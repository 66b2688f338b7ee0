"""Guessing is slowed per address and per address and account, with a Chinese 429 page; nobody can lock
someone else out; the registration form cannot be used to look up resident IDs faster than the login form
can be used to try names."""
from __future__ import annotations

import time

from engine.demo import ACCOUNTS, DEMO_PASSWORD
from tests.webpage import Page, login, submit
from tests.test_web_registration import PERSON


def browser(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_thirty_names_tried_from_one_address_meet_a_429(app):
    client = browser(app, "203.0.113.7")
    statuses = [login(client, f"guess{n:02d}", "Wrong-guess-2026").status_code for n in range(30)]
    assert 429 in statuses
    assert set(statuses[statuses.index(429):]) == {429}  # once refused, refused until the wait is over


def test_the_429_page_is_in_chinese_and_says_how_long_to_wait(app):
    client = browser(app, "203.0.113.8")
    for n in range(30):
        response = login(client, f"guess{n:02d}", "Wrong-guess-2026")
    page = Page(response)
    assert page.status == 429 and page.find("error-page").get("data-status") == "429"
    assert "分钟后再试" in page.text("error-message")
    assert 0 < int(response.headers["Retry-After"]) <= 600


def test_wrong_passwords_for_one_account_from_one_address_are_refused_with_429(app):
    client = browser(app, "203.0.113.9")
    statuses = [login(client, "zhangsan", "Wrong-guess-2026").status_code for _ in range(10)]
    assert 429 in statuses
    assert login(client, "zhangsan", DEMO_PASSWORD).status_code == 429  # the right one waits as well, here


def test_guesses_from_elsewhere_do_not_lock_the_owner_out(app):
    attacker, owner = browser(app, "198.51.100.66"), browser(app, "192.0.2.10")
    for _ in range(30):
        login(attacker, "zhangsan", "Wrong-guess-2026")
    assert login(attacker, "zhangsan", DEMO_PASSWORD).status_code == 429
    response = login(owner, "zhangsan", DEMO_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/my/"


def test_an_unknown_name_and_a_known_one_are_slowed_alike(app):
    known, unknown = browser(app, "203.0.113.20"), browser(app, "203.0.113.21")
    known_statuses = [login(known, "zhangsan", "Wrong-guess-2026").status_code for _ in range(12)]
    unknown_statuses = [login(unknown, "nobody_here", "Wrong-guess-2026").status_code for _ in range(12)]
    assert known_statuses == unknown_statuses and 429 in known_statuses


def test_an_unknown_name_and_a_wrong_password_read_the_same(app):
    client = browser(app, "203.0.113.22")
    assert Page(login(client, "nobody_here", "wrong")).text("login-error") == \
        Page(login(client, "zhangsan", "wrong")).text("login-error")


def test_the_wait_grows_with_the_attempts(app):
    app.config["LOGIN_ACCOUNT_LIMIT"] = "2 per 2 seconds;3 per hour"
    client = browser(app, "203.0.113.30")
    assert [login(client, "zhangsan", "wrong").status_code for _ in range(3)] == [200, 200, 429]
    first_wait = int(login(client, "zhangsan", "wrong").headers["Retry-After"])
    time.sleep(2.1)
    assert login(client, "zhangsan", "wrong").status_code == 200  # the short wait is over
    refused = login(client, "zhangsan", "wrong")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 60 >= first_wait


def test_an_office_behind_one_address_signs_everyone_in(app):
    """Successful sign-ins are not failures: every demo account twice from one address all get in."""
    statuses = []
    for _round in range(2):
        for account in ACCOUNTS:
            client = browser(app, "192.0.2.50")
            statuses.append(login(client, account.username).status_code)
    assert len(statuses) > 20 and set(statuses) == {302}


def test_probing_resident_ids_on_the_registration_form_from_one_address_meets_a_429(app):
    client = browser(app, "203.0.113.40")
    statuses = [submit(client, "/auth/register/individual", "register-form",
                       {**PERSON, "username": f"probe{n:02d}", "id_number": "11010519491231002X"}).status_code
                for n in range(30)]
    assert 429 in statuses and set(statuses[statuses.index(429):]) == {429}


def test_failed_logins_and_refused_registrations_share_one_budget(app):
    client = browser(app, "203.0.113.41")
    for n in range(30):
        if login(client, f"guess{n:02d}", "Wrong-guess-2026").status_code == 429:
            break
    response = submit(client, "/auth/register/individual", "register-form",
                      {**PERSON, "id_number": "11010519491231002X"})
    assert response.status_code == 429


def test_a_registration_from_another_address_is_not_held_back(app):
    attacker, neighbour = browser(app, "203.0.113.42"), browser(app, "192.0.2.60")
    for n in range(30):
        login(attacker, f"guess{n:02d}", "Wrong-guess-2026")
    response = submit(neighbour, "/auth/register/individual", "register-form", PERSON)
    assert response.status_code == 302 and response.headers["Location"] == "/my/"


def test_the_limits_work_with_csrf_on(csrf_app):
    client = browser(csrf_app, "203.0.113.50")
    statuses = [submit(client, "/auth/login", "login-form", {"username": f"guess{n:02d}",
                                                              "password": "Wrong-guess-2026"}).status_code
                for n in range(30)]
    assert 429 in statuses

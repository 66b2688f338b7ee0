"""One limit on failed status lookups per case number, whatever the way in (issue 13, item 13): five wrong
query codes through the API, the portal's status page or the kiosk, and the sixth try on any of them is 429
even with the right code; another case number is still answered."""
from __future__ import annotations

import pytest

from engine import cases
from tests import helpers
from tests.webpage import Page

API, PORTAL, KIOSK = "/api/v1/case-status", "/status", "/kiosk/status"
WRONG_CODES_ALLOWED = 5  # the issue: 5 wrong codes, then 429


def submit_case(db, users):
    code = helpers.item_code(db, "construction_permit")
    return cases.submit(db, code, helpers.application(db, code), users["zhangsan"])


def lookup(client, path, case_no, query_code, address="10.0.0.1"):
    data = {"case_no": case_no, "query_code": query_code}
    sent = {"json": data} if path == API else {"data": data}
    return client.post(path, environ_base={"REMOTE_ADDR": address}, **sent)


def fail(client, path, submitted):
    """The allowed wrong codes, each from its own address so no per-address limit interferes."""
    for n in range(WRONG_CODES_ALLOWED):
        response = lookup(client, path, submitted.case_no, f"WRONG{n}", address=f"10.0.1.{n}")
        assert response.status_code == 404


def assert_page_refused(response):
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert Page(response).find("error-page").get("data-status") == "429"


def assert_problem_refused(response):
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert response.mimetype == "application/problem+json" and response.get_json()["code"] == "rate_limited"


@pytest.mark.parametrize("page", [PORTAL, KIOSK])
def test_wrong_codes_through_the_api_refuse_the_right_code_on_the_pages(client, db, users, page):
    submitted = submit_case(db, users)
    fail(client, API, submitted)
    assert_page_refused(lookup(client, page, submitted.case_no, submitted.query_code))


@pytest.mark.parametrize("page", [PORTAL, KIOSK])
def test_wrong_codes_on_the_pages_refuse_the_right_code_through_the_api(client, db, users, page):
    submitted = submit_case(db, users)
    fail(client, page, submitted)
    assert_problem_refused(lookup(client, API, submitted.case_no, submitted.query_code))


def test_wrong_codes_on_the_portal_refuse_the_right_code_on_the_kiosk_and_back(client, db, users):
    first, second = submit_case(db, users), submit_case(db, users)
    fail(client, PORTAL, first)
    assert_page_refused(lookup(client, KIOSK, first.case_no, first.query_code))
    fail(client, KIOSK, second)
    assert_page_refused(lookup(client, PORTAL, second.case_no, second.query_code))


def test_the_case_number_is_counted_however_it_is_typed(client, db, users):
    submitted = submit_case(db, users)
    fail(client, API, submitted)
    typed = "  " + submitted.case_no.lower() + " "
    assert_page_refused(lookup(client, PORTAL, typed, submitted.query_code))


def test_another_case_number_is_still_answered_on_every_way_in(client, db, users):
    refused, other = submit_case(db, users), submit_case(db, users)
    fail(client, API, refused)
    for path in (API, PORTAL, KIOSK):
        assert lookup(client, path, other.case_no, other.query_code).status_code == 200, path


def test_right_codes_do_not_count_towards_the_limit(client, db, users):
    submitted = submit_case(db, users)
    for n in range(WRONG_CODES_ALLOWED + 1):
        path = (API, PORTAL, KIOSK)[n % 3]
        response = lookup(client, path, submitted.case_no, submitted.query_code, address=f"10.0.2.{n}")
        assert response.status_code == 200, path

"""The conventions every endpoint shares: problem+json errors with stable codes, cursor pagination that
covers every row once, per-client rate limits with Retry-After, browser sessions with CSRF, and the public
status lookup."""
import re

from sqlalchemy import func, select

from engine import cases
from engine.models import Case
from tests.api_support import bearer, new_client, submission
from tests.helpers import application, item_code
from tests.webpage import login

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def _submit(db, users, count: int) -> list[str]:
    code = item_code(db, "construction_permit")
    data = application(db, code)
    return [cases.submit(db, code, data, users["haiyun"]).case_no for _ in range(count)]


def test_errors_are_problem_documents_with_stable_codes(client, db):
    token = new_client(db)
    answers = {
        "not_found": client.get("/api/v1/cases/20260101000000000", headers=bearer(token)),
        "invalid_input": client.get("/api/v1/cases?limit=1000", headers=bearer(token)),
        "invalid_cursor": client.get("/api/v1/cases?cursor=!!", headers=bearer(token)),
        "unsupported_media_type": client.post("/api/v1/cases", data="x", headers=bearer(token)),
        "invalid_json": client.post("/api/v1/cases", data="{", content_type="application/json", headers=bearer(token)),
        "method_not_allowed": client.put("/api/v1/cases", headers=bearer(token)),
    }
    for code, response in answers.items():
        body = response.get_json()
        assert response.mimetype == "application/problem+json", code
        assert PROBLEM_KEYS <= set(body) and body["code"] == code and body["status"] == response.status_code, body
        assert body["type"] == f"/api/v1/docs#problem-{code}"
    assert answers["invalid_input"].get_json()["errors"]["limit"]


def test_invalid_input_names_each_field(client, db):
    token = new_client(db)
    response = client.post("/api/v1/cases", json={"item_code": "", "application": []}, headers=bearer(token))
    body = response.get_json()
    assert response.status_code == 400 and {"item_code", "application"} <= set(body["errors"])


def test_cursor_pagination_covers_every_case_exactly_once(client, db, users):
    made = _submit(db, users, 7)
    token = new_client(db)
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/cases?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=bearer(token)).get_json()
        seen += [c["case_no"] for c in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen)) and pages == 3


def test_the_rate_limit_answers_429_with_retry_after(app, client, db):
    app.config["ONEWINDOW_API_RATE_LIMIT"] = "3 per minute"
    token, other = new_client(db), new_client(db, name="另一个系统")
    answers = [client.get("/api/v1/cases", headers=bearer(token)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.get_json()["code"] == "rate_limited" and int(refused.headers["Retry-After"]) > 0
    assert "Retry-After" not in answers[0].headers
    assert client.get("/api/v1/cases", headers=bearer(other)).status_code == 200  # counted per client


def test_the_public_status_lookup_needs_the_query_code(client, db, users):
    code = item_code(db, "construction_permit")
    submitted = cases.submit(db, code, application(db, code), users["haiyun"])
    found = client.post("/api/v1/case-status", json={"case_no": submitted.case_no, "query_code": submitted.query_code})
    assert found.status_code == 200 and found.get_json()["status"] == 1
    wrong = client.post("/api/v1/case-status", json={"case_no": submitted.case_no, "query_code": "WRONG123"})
    assert wrong.status_code == 404 and wrong.get_json()["code"] == "not_found"


def test_the_public_status_lookup_is_rate_limited_per_address(app, client, db):
    app.config["ONEWINDOW_API_STATUS_RATE_LIMIT"] = "2 per minute"
    data = {"case_no": "20260101000000000", "query_code": "X"}
    statuses = [client.post("/api/v1/case-status", json=data).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


def test_an_applicant_uses_the_api_with_their_session_and_sees_only_their_cases(client, db, users):
    mine = _submit(db, users, 1)
    code = item_code(db, "construction_permit")
    cases.submit(db, code, application(db, code), users["zhangsan"])
    login(client, "haiyun")
    listed = client.get("/api/v1/cases").get_json()["items"]
    assert [c["case_no"] for c in listed] == mine
    assert client.get("/api/v1/tasks").get_json()["code"] == "forbidden"


def test_a_session_post_needs_the_csrf_header_and_a_token_post_does_not(app, client, db):
    app.config["WTF_CSRF_ENABLED"] = True
    code = item_code(db, "construction_permit")
    page = client.get("/auth/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"username": "haiyun", "password": "demo-2026", "csrf_token": csrf})
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    body = {"item_code": code, "application": application(db, code)}
    refused = client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "a"})
    assert refused.status_code == 403 and refused.get_json()["code"] == "csrf_failed"
    accepted = client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "b", "X-CSRFToken": csrf})
    assert accepted.status_code == 201, accepted.get_json()
    token = new_client(db)
    from tests.api_support import submission

    assert app.test_client().post("/api/v1/cases", json=submission(db, code), headers=bearer(token)).status_code == 201


def test_a_forged_cursor_is_refused_as_invalid(client, db):
    import base64

    token = new_client(db)
    for values in (b'["x"]', b"[-1]", b"[99999999999999999999]", b"[1,2]", b"{}"):
        cursor = base64.urlsafe_b64encode(values).decode().rstrip("=")
        response = client.get(f"/api/v1/cases?cursor={cursor}", headers=bearer(token))
        assert response.status_code == 400 and response.get_json()["code"] == "invalid_cursor", values


def test_an_agent_submits_through_the_api_for_the_applicant_they_name(client, db):
    from sqlalchemy import select

    from engine.models import Case
    from tests.api_support import submission

    login(client, "agent_bj")
    code = item_code(db, "construction_permit")
    data = submission(db, code, name="陈志明")
    nameless = {key: value for key, value in data.items() if key != "applicant"}
    refused = client.post("/api/v1/cases", json=nameless, headers={"Idempotency-Key": "a1"})
    assert refused.status_code == 400 and "applicant" in refused.get_json()["errors"]
    made = client.post("/api/v1/cases", json=data, headers={"Idempotency-Key": "a2"})
    assert made.status_code == 201, made.get_json()
    with db.read() as session:
        case = session.scalar(select(Case))
    assert (case.applicant_name, case.channel, case.applicant_id) == ("陈志明", "agent", None)


def test_text_with_a_nul_character_is_invalid_input_and_writes_nothing(client, db):
    token = new_client(db)
    data = submission(db, item_code(db, "construction_permit"))
    data["item_code"] += "\x00"
    response = client.post("/api/v1/cases", json=data, headers=bearer(token))
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_input"
    assert response.get_json()["errors"]["body"]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_an_anonymous_lookup_from_a_long_ipv6_address_may_carry_an_idempotency_key(client, db, users):
    code = item_code(db, "construction_permit")
    submitted = cases.submit(db, code, application(db, code), users["haiyun"])
    address = "2001:0db8:85a3:0000:0000:8a2e:0370:7334"  # 39 characters, "ip:" + it is beyond 40
    data = {"case_no": submitted.case_no, "query_code": submitted.query_code}
    answers = [client.post("/api/v1/case-status", json=data, headers={"Idempotency-Key": "lookup-1"},
                           environ_base={"REMOTE_ADDR": address}) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[1].headers.get("Idempotent-Replayed") == "true"

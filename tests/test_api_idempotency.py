"""Every POST carries an Idempotency-Key: a retry gets the first response and never makes a second case,
even when the duplicates arrive at the same moment; the same key with another body is refused."""
import threading

from sqlalchemy import func, select

from engine.models import Case
from tests.api_support import bearer, new_client, submission
from tests.helpers import item_code


def _case_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Case))


def test_submitting_makes_a_case_with_a_number_query_code_and_location(client, db):
    token = new_client(db)
    code = item_code(db, "construction_permit")
    response = client.post("/api/v1/cases", json=submission(db, code), headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == 1 and body["query_code"]
    assert response.headers["Location"].endswith(f"/api/v1/cases/{body['case_no']}")
    with db.read() as session:
        case = session.scalar(select(Case))
    assert (case.case_no, case.channel, case.applicant_name) == (body["case_no"], "api", "珠海海韵建设有限公司")


def test_a_retry_with_the_same_key_returns_the_same_response_and_makes_one_case(client, db):
    token = new_client(db)
    code = item_code(db, "construction_permit")
    data = submission(db, code)
    first = client.post("/api/v1/cases", json=data, headers=bearer(token, key="order-42"))
    again = client.post("/api/v1/cases", json=data, headers=bearer(token, key="order-42"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json() and again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _case_count(db) == 1


def test_the_same_key_with_a_different_body_is_422_idempotency_key_reused(client, db):
    token = new_client(db)
    code = item_code(db, "construction_permit")
    client.post("/api/v1/cases", json=submission(db, code), headers=bearer(token, key="k1"))
    response = client.post("/api/v1/cases", json=submission(db, code, name="另一家公司"), headers=bearer(token, key="k1"))
    assert response.status_code == 422 and response.get_json()["code"] == "idempotency_key_reused"
    assert _case_count(db) == 1


def test_keys_belong_to_their_client(client, db):
    first, second = new_client(db, name="甲系统"), new_client(db, name="乙系统")
    code = item_code(db, "construction_permit")
    data = submission(db, code)
    assert client.post("/api/v1/cases", json=data, headers=bearer(first, key="same")).status_code == 201
    assert client.post("/api/v1/cases", json=data, headers=bearer(second, key="same")).status_code == 201
    assert _case_count(db) == 2


def test_a_post_without_a_key_is_refused(client, db):
    token = new_client(db)
    headers = bearer(token)
    del headers["Idempotency-Key"]
    response = client.post("/api/v1/cases", json=submission(db, item_code(db, "construction_permit")), headers=headers)
    assert response.status_code == 400 and response.get_json()["code"] == "idempotency_key_missing"
    assert _case_count(db) == 0


def test_invalid_input_is_answered_the_same_on_retry_and_writes_nothing(client, db):
    token = new_client(db)
    data = submission(db, item_code(db, "construction_permit"))
    data["application"] = {}
    first = client.post("/api/v1/cases", json=data, headers=bearer(token, key="bad"))
    again = client.post("/api/v1/cases", json=data, headers=bearer(token, key="bad"))
    assert first.status_code == again.status_code == 400
    assert first.get_json() == again.get_json() and first.get_json()["errors"]
    assert _case_count(db) == 0


def test_concurrent_duplicates_make_exactly_one_case(app, db):
    token = new_client(db)
    data = submission(db, item_code(db, "construction_permit"))
    results, start = [], threading.Barrier(4)

    def post():
        start.wait()
        response = app.test_client().post("/api/v1/cases", json=data, headers=bearer(token, key="racing"))
        results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [status for status, _body in results] == [201] * 4, results
    assert len({body["case_no"] for _status, body in results}) == 1
    assert _case_count(db) == 1

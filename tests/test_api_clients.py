"""Department systems authenticate with a bearer token that is shown once, stored hashed, and revocable;
each client sees only its scopes and its departments."""
import hashlib

from sqlalchemy import select

from engine import api_clients, cases
from engine.models import ApiClient, AuditEvent, Department
from tests.api_support import bearer, new_client, submission
from tests.helpers import answer, application, item_code, only_open_task, open_tasks


def test_a_token_is_stored_only_as_its_hash_and_authenticates_the_client(client, db):
    token = new_client(db)
    with db.read() as session:
        row = session.scalar(select(ApiClient))
    assert token not in (row.token_hash, row.token_prefix)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    response = client.get("/api/v1/cases", headers=bearer(token))
    assert response.status_code == 200 and response.get_json()["items"] == []
    with db.read() as session:
        assert session.scalar(select(ApiClient.last_used_at)) is not None


def test_a_wrong_or_missing_token_is_401_with_a_problem(client, db):
    token = new_client(db)
    for headers in ({}, {"Authorization": f"Bearer {token}x"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/cases", headers=headers)
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
        assert response.get_json()["code"] == "unauthorized" and "Bearer" in response.headers["WWW-Authenticate"]


def test_a_revoked_token_stops_working_at_once(client, db):
    token = new_client(db, name="规划局系统")
    assert client.get("/api/v1/cases", headers=bearer(token)).status_code == 200
    api_clients.revoke(db, "规划局系统")
    assert client.get("/api/v1/cases", headers=bearer(token)).get_json()["code"] == "unauthorized"
    with db.read() as session:
        assert session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc())) == "api_client_revoked"


def test_a_client_without_the_scope_is_forbidden(client, db):
    token = new_client(db, scopes=["cases:read"])
    response = client.get("/api/v1/tasks", headers=bearer(token))
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"
    code = item_code(db, "construction_permit")
    response = client.post("/api/v1/cases", json=submission(db, code), headers=bearer(token))
    assert response.status_code == 403


def test_a_client_of_one_department_gets_404_for_another_departments_case(client, db, users):
    code = item_code(db, "construction_permit")  # a case of dm_construction
    submitted = cases.submit(db, code, application(db, code), users["haiyun"])
    other = new_client(db, name="环保局系统", departments=["dm_env"])
    mine = new_client(db)
    response = client.get(f"/api/v1/cases/{submitted.case_no}", headers=bearer(other))
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
    assert client.get("/api/v1/cases", headers=bearer(other)).get_json()["items"] == []
    assert client.get(f"/api/v1/cases/{submitted.case_no}", headers=bearer(mine)).status_code == 200
    listed = client.get("/api/v1/cases", headers=bearer(mine)).get_json()["items"]
    assert [c["case_no"] for c in listed] == [submitted.case_no]


def test_a_client_may_not_submit_for_another_departments_item(client, db):
    token = new_client(db, name="环保局系统", departments=["dm_env"])
    code = item_code(db, "construction_permit")
    response = client.post("/api/v1/cases", json=submission(db, code), headers=bearer(token))
    assert response.status_code == 404


def test_creating_a_client_checks_departments_and_scopes(db):
    import pytest

    from engine.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        api_clients.create_client(db, "x", ["no_such_dept"], ["cases:fly"])
    assert set(caught.value.errors) == {"departments", "scopes"}


def test_a_co_reviewing_department_sees_a_joint_case_once_it_has_a_step_of_it(client, db, users):
    code = item_code(db, "planning_permit")  # a case of dm_planning, reviewed jointly after acceptance
    submitted = cases.submit(db, code, application(db, code), users["haiyun"])
    task = only_open_task(db, submitted.case_id)
    cases.complete(db, task.id, users["clerk"], answer(db, task, decision="accept"))
    departments = {t.department_id for t in open_tasks(db, submitted.case_id)}
    with db.read() as session:
        codes = set(session.scalars(select(Department.code).where(Department.id.in_(departments))))
    co_reviewer = sorted(codes - {"dm_planning"})[0]
    token = new_client(db, name="会审部门系统", departments=[co_reviewer])
    outsider = new_client(db, name="无关部门系统", departments=["dm_tax"])
    assert client.get(f"/api/v1/cases/{submitted.case_no}", headers=bearer(token)).status_code == 200
    assert client.get(f"/api/v1/cases/{submitted.case_no}", headers=bearer(outsider)).status_code == 404

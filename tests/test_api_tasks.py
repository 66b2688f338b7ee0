"""Department systems work their queues through the API: list, claim and complete tasks as their technical
user, validated by the engine, recorded in the audit trail; ETags guard against acting on stale state."""
from sqlalchemy import select

from engine import cases
from engine.models import AuditEvent
from tests.api_support import bearer, new_client
from tests.helpers import answer, application, case, item_code, only_open_task


def _submitted(db, users) -> int:
    code = item_code(db, "construction_permit")
    return cases.submit(db, code, application(db, code), users["haiyun"]).case_id


def _client_for_first_step(db, case_id, **kwargs) -> str:
    """A client of the department whose group holds the case's first step (the window that pre-reviews)."""
    from engine.models import Department, Group

    task = only_open_task(db, case_id)
    with db.read() as session:
        code = session.scalar(select(Department.code).join(Group, Group.department_id == Department.id)
                              .where(Group.code == task.group_code))
    return new_client(db, departments=sorted({code, "dm_construction"}), **kwargs)


def test_a_client_lists_claims_and_completes_a_task_and_the_audit_trail_names_it(client, db, users):
    case_id = _submitted(db, users)
    token = _client_for_first_step(db, case_id)
    task = only_open_task(db, case_id)
    listed = client.get("/api/v1/tasks", headers=bearer(token)).get_json()
    assert task.id in [t["id"] for t in listed["items"]]
    detail = client.get(f"/api/v1/tasks/{task.id}", headers=bearer(token))
    assert detail.status_code == 200 and detail.get_json()["form"]["type"] == "object"
    claimed = client.post(f"/api/v1/tasks/{task.id}/claim",
                          headers=bearer(token, **{"If-Match": detail.headers["ETag"]}))
    assert claimed.status_code == 200, claimed.get_json()
    assert claimed.get_json()["assignee"] == "住建局业务系统（接口）"
    done = client.post(f"/api/v1/tasks/{task.id}/complete", json={"data": answer(db, task, decision="accept")},
                       headers=bearer(token, **{"If-Match": claimed.headers["ETag"]}))
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["state"] == "done" and case(db, case_id).accepted_at is not None
    with db.read() as session:
        actors = {e.actor_name for e in session.scalars(select(AuditEvent).where(
            AuditEvent.case_id == case_id, AuditEvent.action.in_(("claim", "complete"))))}
    assert actors == {"住建局业务系统（接口）"}


def test_a_stale_if_match_is_412_and_changes_nothing(client, db, users):
    case_id = _submitted(db, users)
    token = _client_for_first_step(db, case_id)
    task = only_open_task(db, case_id)
    etag = client.get(f"/api/v1/tasks/{task.id}", headers=bearer(token)).headers["ETag"]
    cases.claim(db, task.id, users["clerk"])  # someone else acts meanwhile: the ETag moves on
    response = client.post(f"/api/v1/tasks/{task.id}/complete", json={"data": answer(db, task)},
                           headers=bearer(token, **{"If-Match": etag}))
    assert response.status_code == 412 and response.get_json()["code"] == "precondition_failed"
    assert only_open_task(db, case_id).state == "open"


def test_a_get_with_the_current_etag_is_304(client, db, users):
    case_id = _submitted(db, users)
    token = new_client(db)
    case_no = case(db, case_id).case_no
    first = client.get(f"/api/v1/cases/{case_no}", headers=bearer(token))
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(f"/api/v1/cases/{case_no}", headers=bearer(token, **{"If-None-Match": first.headers["ETag"]}))
    assert again.status_code == 304


def test_invalid_form_data_is_400_with_errors_per_field(client, db, users):
    case_id = _submitted(db, users)
    token = _client_for_first_step(db, case_id)
    task = only_open_task(db, case_id)
    response = client.post(f"/api/v1/tasks/{task.id}/complete", json={"data": {"decision": "maybe"}},
                           headers=bearer(token))
    body = response.get_json()
    assert response.status_code == 400 and body["code"] == "invalid_input" and "decision" in body["errors"]
    assert only_open_task(db, case_id).id == task.id


def test_a_task_of_another_department_is_404(client, db, users):
    case_id = _submitted(db, users)
    token = new_client(db, name="环保局系统", departments=["dm_env"])
    task = only_open_task(db, case_id)
    assert client.get(f"/api/v1/tasks/{task.id}", headers=bearer(token)).status_code == 404
    response = client.post(f"/api/v1/tasks/{task.id}/claim", headers=bearer(token))
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"


def test_completing_a_done_task_again_is_a_conflict(client, db, users):
    case_id = _submitted(db, users)
    token = _client_for_first_step(db, case_id)
    task = only_open_task(db, case_id)
    data = {"data": answer(db, task, decision="accept")}
    assert client.post(f"/api/v1/tasks/{task.id}/complete", json=data, headers=bearer(token)).status_code == 200
    again = client.post(f"/api/v1/tasks/{task.id}/complete", json=data, headers=bearer(token))
    assert again.status_code == 409 and again.get_json()["code"] == "conflict"


def test_a_clerk_works_their_inbox_through_the_api_with_their_session(client, db, users):
    from tests.helpers import worker_for
    from tests.webpage import login

    case_id = _submitted(db, users)
    task = only_open_task(db, case_id)
    worker = worker_for(db, task, users)
    login(client, worker.username)
    assert task.id in [t["id"] for t in client.get("/api/v1/tasks").get_json()["items"]]
    claimed = client.post(f"/api/v1/tasks/{task.id}/claim", headers={"Idempotency-Key": "c1"})
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == worker.display_name
    client.post("/auth/logout")
    login(client, "zhangsan")  # an applicant has no tasks scope, and another person's case is not theirs
    assert client.post(f"/api/v1/tasks/{task.id}/claim", headers={"Idempotency-Key": "c2"}).status_code == 403
    assert client.get(f"/api/v1/cases/{case(db, case_id).case_no}").status_code == 404


def test_concurrent_retries_of_one_completion_complete_the_task_once(app, db, users):
    import threading

    case_id = _submitted(db, users)
    token = _client_for_first_step(db, case_id)
    task = only_open_task(db, case_id)
    data = {"data": answer(db, task, decision="accept")}
    results, start = [], threading.Barrier(3)

    def post():
        start.wait()
        response = app.test_client().post(f"/api/v1/tasks/{task.id}/complete", json=data,
                                          headers=bearer(token, key="finish-1"))
        results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=post) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [status for status, _body in results] == [200] * 3, results
    assert all(body == results[0][1] for _status, body in results)
    with db.read() as session:
        completions = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                               AuditEvent.action == "complete")).all()
    assert len(completions) == 1

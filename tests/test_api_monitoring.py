"""The case event feed in the national status-code format, read by sequence number; supervision's warning
and overdue deadlines; statistics by department and status — each within the client's departments."""
from engine import cases
from tests.api_support import bearer, new_client
from tests.helpers import answer, application, item_code, only_open_task, worker_for


def _submitted(db, users, stem="construction_permit"):
    code = item_code(db, stem)
    return cases.submit(db, code, application(db, code), users["haiyun"])


def test_the_event_feed_reads_the_departments_case_events_after_a_cursor(client, db, users):
    mine = _submitted(db, users)
    _submitted(db, users, "env_impact_report")  # another department's case: never in the feed
    token = new_client(db)
    first = client.get("/api/v1/events?limit=100", headers=bearer(token)).get_json()
    assert {e["case_no"] for e in first["items"]} == {mine.case_no}
    received = [e for e in first["items"] if e["status"] == 1]
    assert received and received[0]["department"] == "dm_construction" and received[0]["type"] == "case.submit"
    assert set(received[0]) >= {"case_no", "department", "handler", "status", "opinion", "time"}
    task = only_open_task(db, mine.case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept", opinion="材料齐全"))
    later = client.get(f"/api/v1/events?after={first['next_after']}", headers=bearer(token)).get_json()
    assert later["items"] and min(e["seq"] for e in later["items"]) > first["next_after"]
    assert any(e["status"] == 3 for e in later["items"])
    assert any(e["opinion"] == "材料齐全" for e in later["items"])
    empty = client.get(f"/api/v1/events?after={later['next_after']}", headers=bearer(token)).get_json()
    assert empty == {"items": [], "next_after": later["next_after"]}


def test_statistics_count_the_clients_cases_by_status(client, db, users):
    _submitted(db, users)
    _submitted(db, users)
    _submitted(db, users, "env_impact_report")
    body = client.get("/api/v1/statistics", headers=bearer(new_client(db))).get_json()
    assert body["total"] == 2 and body["by_status"] == {"1": 2}
    assert [d["department"]["code"] for d in body["by_department"]] == ["dm_construction"]


def test_supervision_lists_the_departments_deadlines_with_overdue_first(client, db, users):
    from datetime import timedelta

    from engine import clock

    made = _submitted(db, users)
    task = only_open_task(db, made.case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))
    token = new_client(db)
    clock.advance(timedelta(days=90))
    body = client.get("/api/v1/supervision/deadlines?kind=case", headers=bearer(token)).get_json()
    assert [row["case_no"] for row in body["items"]] == [made.case_no]
    assert body["items"][0]["overdue"] is True
    other = new_client(db, name="环保局系统", departments=["dm_env"])
    assert client.get("/api/v1/supervision/deadlines?kind=case", headers=bearer(other)).get_json()["items"] == []


def test_a_supervisor_reads_statistics_with_their_session_and_a_clerk_may_not(client, db, users):
    _submitted(db, users)
    from tests.webpage import login

    login(client, "supervisor")
    assert client.get("/api/v1/statistics").get_json()["total"] == 1
    client.post("/auth/logout")
    login(client, "clerk")
    assert client.get("/api/v1/statistics").status_code == 403

"""The production layout of docs/operations.md: several gunicorn app processes and several scheduler processes
on one PostgreSQL, rate limits counted in one Redis. Real processes on loopback ports."""
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from engine import audit, calendar_store, cases, progress
from engine.models import AuditEvent, Case, CaseTimer, Department, Group, HumanTask, SupervisionCard
from engine.status import CaseStatus

from .api_support import bearer, new_client, submission
from .conftest import BACKEND
from .helpers import answer, application, item_code, only_open_task, statuses, worker_for
from .processes import app_processes, environment, post, require_redis, scheduler_processes

SCHEDULER_AHEAD = timedelta(days=10)  # the schedulers' clock: every three-working-day review limit has passed


def test_two_app_processes_count_one_rate_limit_in_redis(database_url, tmp_path):
    env = environment(database_url, tmp_path / "data", ONEWINDOW_RATELIMIT_STORAGE=require_redis(),
                      ONEWINDOW_RATELIMIT_PREFIX=f"test-{uuid.uuid4().hex}",
                      ONEWINDOW_API_STATUS_RATE_LIMIT="4 per hour")
    lookup = {"case_no": "ZZ0000000000", "query_code": "ABCDEF"}
    with app_processes(env) as (first, second):
        answers = [post(f"{url}/api/v1/case-status", lookup)[0] for url in (first, second, first, second)]
        assert answers == [404] * 4
        # The first process has seen two lookups, but the limit of four is shared: the fifth is refused.
        status, problem = post(f"{first}/api/v1/case-status", lookup)
        assert (status, problem["code"]) == (429, "rate_limited")
        assert post(f"{second}/api/v1/case-status", lookup)[0] == 429


def test_behind_a_load_balancer_each_visitor_is_counted_not_the_balancer(database_url, tmp_path):
    from webapp import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "ONEWINDOW_DATA_DIR": str(tmp_path / "data"),
                      "SECRET_KEY": "proxy", "ONEWINDOW_PROXIES": "1", "ONEWINDOW_API_STATUS_RATE_LIMIT": "2 per hour"})
    try:
        client, lookup = app.test_client(), {"case_no": "ZZ0000000000", "query_code": "ABCDEF"}

        def status(address):
            return client.post("/api/v1/case-status", json=lookup, headers={"X-Forwarded-For": address}).status_code
        assert [status("203.0.113.7") for _ in range(3)] == [404, 404, 429]
        assert status("198.51.100.8") == 404  # another visitor behind the same balancer
    finally:
        app.extensions["onewindow"].dispose()


def test_a_proxy_count_that_is_not_a_number_stops_the_start_with_a_clear_message(database_url, tmp_path):
    from webapp import create_app

    with pytest.raises(SystemExit, match="ONEWINDOW_PROXIES"):
        create_app({"DATABASE_URL": database_url, "ONEWINDOW_DATA_DIR": str(tmp_path / "data"), "SECRET_KEY": "x",
                    "ONEWINDOW_PROXIES": "yes"})


@pytest.mark.skipif(BACKEND != "postgresql", reason="several processes share one PostgreSQL in production; "
                                                    "SQLite serves one machine (docs/operations.md)")
def test_two_apps_and_two_schedulers_lose_no_transition_and_fire_each_timer_once(db, users, database_url, tmp_path):
    in_review = [_case_in_review(db, users) for _ in range(6)]  # their review timers fire as the schedulers start
    code = item_code(db, "construction_permit")
    first_task_department = _department_of_first_step(db, in_review[0])
    token = new_client(db, departments=sorted({first_task_department, "dm_construction"}))
    env = environment(database_url, tmp_path / "data")
    scheduler_env = dict(env, ONEWINDOW_CLOCK_OFFSET_SECONDS=str(SCHEDULER_AHEAD.total_seconds()),
                         ONEWINDOW_SCHEDULER_MAX_SLEEP_SECONDS="2")  # timers made by the apps: found within 2 s
    with app_processes(env) as apps, scheduler_processes(scheduler_env):
        # Ten applications through both apps, then their pre-reviews: five raced by both apps at once.
        case_nos = [_submit(apps[n % 2], token, db, code) for n in range(10)]
        submitted = _case_ids(db, case_nos)
        tasks = [only_open_task(db, case_id) for case_id in submitted]
        with ThreadPoolExecutor(max_workers=8) as pool:
            raced = [pool.submit(_race, apps, token, db, task) for task in tasks[:5]]
            single = [pool.submit(_complete, apps[n % 2], token, db, task) for n, task in enumerate(tasks[5:])]
            raced, single = [f.result() for f in raced], [f.result() for f in single]
        for answers in raced:
            assert sorted(status for status, _code in answers) == [200, 409], answers
            assert [code for status, code in answers if status == 409] == ["conflict"]
        assert [status for status, _code in single] == [200] * 5, single
        # The accepted cases now wait in review; their timers fall due at once on the schedulers' clock and
        # are found by a later pass of either scheduler.
        everything = in_review + submitted
        _wait_until(lambda: all(_escalations(db, case_id) for case_id in everything), seconds=60)
    for case_id in everything:
        assert len(_escalations(db, case_id)) == 1, case_id
        _assert_rows_match_workflow_and_trail(db, case_id)
    for task in tasks:
        with db.read() as session:
            done = session.get(HumanTask, task.id)
            completions = session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.case_id == task.case_id, AuditEvent.action == "complete"))
        assert done.state == "done" and completions == 1, task.case_id
        went_through = statuses(db, task.case_id)  # each status reached once, none lost
        assert went_through[:2] == [CaseStatus.RECEIVED, CaseStatus.ACCEPTED], went_through
        assert len(set(went_through)) == len(went_through), went_through
    with db.read() as session:
        assert audit.verify(session).ok


def _case_in_review(db, users) -> int:
    code = item_code(db, "construction_permit")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))
    assert only_open_task(db, case_id).case_step == "review"
    return case_id


def _department_of_first_step(db, case_id) -> str:
    """The department whose window pre-reviews the item (the API client must serve it)."""
    with db.read() as session:
        return session.scalar(select(Department.code).join(Group, Group.department_id == Department.id)
                              .join(HumanTask, HumanTask.group_code == Group.code)
                              .where(HumanTask.case_id == case_id).order_by(HumanTask.id).limit(1))


def _submit(url, token, db, code) -> str:
    status, body = post(f"{url}/api/v1/cases", submission(db, code), bearer(token))
    assert status == 201, body
    return body["case_no"]


def _case_ids(db, case_nos) -> list[int]:
    with db.read() as session:
        found = dict(session.execute(select(Case.case_no, Case.id).where(Case.case_no.in_(case_nos))).all())
    return [found[no] for no in case_nos]


def _complete(url, token, db, task, start: threading.Barrier | None = None) -> tuple[int, str | None]:
    body = {"data": answer(db, task, decision="accept")}
    if start is not None:
        start.wait(10)
    status, reply = post(f"{url}/api/v1/tasks/{task.id}/complete", body, bearer(token))
    return status, reply.get("code")


def _race(apps, token, db, task):
    start = threading.Barrier(len(apps))
    threads = ThreadPoolExecutor(max_workers=len(apps))
    answers = [threads.submit(_complete, url, token, db, task, start) for url in apps]
    try:
        return [f.result() for f in answers]
    finally:
        threads.shutdown()


def _escalations(db, case_id) -> list[HumanTask]:
    with db.read() as session:
        return list(session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                            HumanTask.group_code.like("%_head"))))


def _wait_until(condition, seconds: float) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not reached within {seconds} s"
        time.sleep(0.25)
    time.sleep(1.0)  # a doubled firing or transition would show up now


def _assert_rows_match_workflow_and_trail(db, case_id) -> None:
    """Task rows mirror the workflow's ready user tasks, every row and state change has exactly one audit
    event, and the fired review timer is gone and carded once."""
    with db.read() as session:
        case = session.get(Case, case_id)
        workflow = progress.open_workflow(session, case, calendar_store.calendar_for(session))
        ready = {str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
        rows = list(session.scalars(select(HumanTask).where(HumanTask.case_id == case_id)))
        actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id))]
        red_cards = session.scalar(select(func.count()).select_from(SupervisionCard).where(
            SupervisionCard.case_id == case_id, SupervisionCard.reason == "boundary_timer"))
        review_timers = session.scalar(select(func.count()).select_from(CaseTimer).join(
            HumanTask, HumanTask.task_uuid == CaseTimer.task_uuid).where(
            CaseTimer.case_id == case_id, HumanTask.case_step == "review"))
    assert {r.task_uuid for r in rows if r.state == "open"} == ready, case_id
    assert actions.count("task_created") == len(rows), case_id
    assert actions.count("complete") == sum(r.state == "done" for r in rows), case_id
    assert actions.count("task_cancelled") == sum(r.state == "cancelled" for r in rows), case_id
    assert (red_cards, review_timers) == (1, 0), case_id

"""The app killed with SIGKILL in the middle of a burst of 1,000 API submissions: after a restart, every
submission that was answered 201 is a complete case, no case is half-written, and retrying the unanswered
ones with their Idempotency-Key makes each case at most once (issue 7, reliability bars).

The burst runs against the real app (`onewindow serve`, tests/live_app.py) over HTTP from 8 concurrent
clients; the database is the test's own (SQLite or PostgreSQL).
"""
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from engine import audit
from engine.models import AuditEvent, Case, CaseWorkflow, HumanTask, IdempotencyRecord
from tests.api_support import bearer, new_client, submission
from tests.helpers import item_code
from tests.live_app import LiveApp, request

BURST, CLIENTS = 1000, 8
NO_LIMIT = {"ONEWINDOW_API_RATE_LIMIT": "1000000 per minute"}


def _key(i: int) -> str:
    return f"burst-{i:04d}"


def _submit(app: LiveApp, token: str, body: dict, i: int):
    """(status, body) of one submission, or None when no answer came (the server died)."""
    try:
        return request("POST", app.base + "/api/v1/cases", body, bearer(token, key=_key(i)), timeout=60)
    except Exception:  # refused, reset, cut off mid-response: no answer
        return None


def _burst_killed_midway(app: LiveApp, token: str, body: dict, kill_after: int) -> dict:
    """Fire the burst; SIGKILL the app once `kill_after` submissions were answered 201."""
    answers, created, lock = {}, [0], threading.Lock()

    def one(i: int) -> None:
        answer = _submit(app, token, body, i)
        with lock:
            answers[i] = answer
            if answer is not None and answer[0] == 201:
                created[0] += 1
                if created[0] == kill_after:
                    app.kill()

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(one, range(BURST)))
    return answers


def _complete_cases(db) -> dict:
    """case_no -> (has a serialized workflow, tasks, submit audit events, status) for every case in the database."""
    with db.read() as session:
        workflows = set(session.scalars(select(CaseWorkflow.case_id).where(func.length(CaseWorkflow.state) > 0)))
        tasks = dict(session.execute(select(HumanTask.case_id, func.count()).group_by(HumanTask.case_id)).all())
        submits = dict(session.execute(select(AuditEvent.case_id, func.count()).where(AuditEvent.action == "submit")
                                       .group_by(AuditEvent.case_id)).all())
        return {case.case_no: (case.id in workflows, tasks.get(case.id, 0), submits.get(case.id, 0), case.status)
                for case in session.scalars(select(Case))}


def _whole(parts: tuple) -> bool:
    has_workflow, tasks, submit_events, status = parts
    return has_workflow and tasks >= 1 and submit_events == 1 and status == 1


def _keys(db) -> dict:
    with db.read() as session:
        return {row.key: row for row in session.scalars(select(IdempotencyRecord))}


def test_a_sigkill_mid_burst_loses_no_answered_submission_and_half_writes_none(database_url, db, tmp_path):
    token = new_client(db)
    body = submission(db, item_code(db, "construction_permit"))
    app = LiveApp(database_url, tmp_path / "data", **NO_LIMIT).start()
    kill_after = random.Random().randint(150, 700)
    started = time.monotonic()
    try:
        answers = _burst_killed_midway(app, token, body, kill_after)
    finally:
        app.kill()
    burst_seconds = time.monotonic() - started
    answered = {i: a[1]["case_no"] for i, a in answers.items() if a is not None and a[0] == 201}
    assert kill_after <= len(answered) < BURST, (kill_after, len(answered))
    assert all(a is None or a[0] == 201 for a in answers.values()), {a[0] for a in answers.values() if a}

    app.start()  # the same database, as an operator restarts it
    try:
        cases = _complete_cases(db)
        for i, case_no in answered.items():  # every success answer is a whole case
            assert cases.get(case_no) is not None, (i, case_no)
        assert {no: parts for no, parts in cases.items() if not _whole(parts)} == {}  # none half-written
        keys = _keys(db)
        for i, case_no in answered.items():  # ... and remembered under its key with its answer
            assert keys[_key(i)].status_code == 201 and keys[_key(i)].response["body"]["case_no"] == case_no
        assert len(cases) == len(keys)  # each case committed together with its key: one key, one case

        unanswered = [i for i in range(BURST) if i not in answered]
        with ThreadPoolExecutor(CLIENTS) as pool:
            retried = dict(zip(unanswered, pool.map(lambda i: _submit(app, token, body, i), unanswered)))
        for i, answer in retried.items():
            assert answer is not None, i
            # 201 (made now, or replayed), or 409 in progress: the key's case was committed but the killed
            # process never stored its answer; it is never made a second time
            assert answer[0] in (201, 409), (i, answer)
            if answer[0] == 409:
                assert answer[1]["code"] == "idempotency_in_progress" and keys[_key(i)].status_code is None
        # Asked again: the same answer, or, once the in-progress lease (30 s) has run out, the committed case.
        first = retried[unanswered[0]]
        again = _submit(app, token, body, unanswered[0])
        assert again is not None and (again == first if first[0] == 201 else again[0] in (201, 409)), (first, again)
        if again[0] == 201:
            assert _keys(db)[_key(unanswered[0])].response["body"]["case_no"] == again[1]["case_no"]
    finally:
        app.stop()
    cases, keys = _complete_cases(db), _keys(db)
    assert len(cases) == len(keys) == BURST  # every key, exactly one case
    assert {no: parts for no, parts in cases.items() if not _whole(parts)} == {}
    with db.read() as session:
        assert audit.verify(session).ok
    in_progress = sum(1 for answer in retried.values() if answer[0] == 409)
    print(f"\nburst of {BURST}: SIGKILL after {len(answered)} answered ({burst_seconds:.1f} s); "
          f"{len(unanswered)} retried, {in_progress} of them committed before the kill but never answered")

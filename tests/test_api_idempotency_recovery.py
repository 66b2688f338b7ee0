"""A submission whose process died after its case committed, or whose key was purged after a day, is never
made twice: a retry inside the key's 30-second lease is told to wait (409), after it gets the committed
case's answer (201, the same body the first answer would have had), and after the purge the same case again;
the key on the case row lets only one of two concurrent duplicates commit (issue 13, item 12).

The crashes happen in a real separate process (tests/dying_submission.py) posting through the real app."""
import json
import os
import subprocess
import sys
import threading
from datetime import timedelta

from sqlalchemy import func, select

from engine import cases, clock, idempotency
from engine.models import Case, IdempotencyRecord
from tests.api_support import bearer, new_client, submission
from tests.dying_submission import DIED
from tests.helpers import item_code
from tests.live_app import ROOT

LEASE_SECONDS = 30  # docs/api.md, "Idempotency"


def _cases(db) -> list[Case]:
    with db.read() as session:
        return list(session.scalars(select(Case)))


def _key_rows(db) -> list[IdempotencyRecord]:
    with db.read() as session:
        return list(session.scalars(select(IdempotencyRecord)))


def _die_while_submitting(database_url, tmp_path, token: str, key: str, data: dict, point: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=database_url, TOKEN=token, KEY=key,
               BODY=json.dumps(data, ensure_ascii=False), ONEWINDOW_DATA_DIR=str(tmp_path / "dying"))
    finished = subprocess.run([sys.executable, "-m", "tests.dying_submission", point], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode == DIED, finished.stderr


def _crashed_after_commit(db, database_url, tmp_path, key="crash-1"):
    token = new_client(db)
    data = submission(db, item_code(db, "construction_permit"))
    _die_while_submitting(database_url, tmp_path, token, key, data, "after-commit")
    [case] = _cases(db)
    [row] = _key_rows(db)
    assert row.status_code is None  # committed with the case, answer never stored
    return token, data, case


def test_a_retry_inside_the_lease_of_a_submission_that_died_after_its_commit_is_409_in_progress(
        client, db, database_url, tmp_path):
    token, data, _case = _crashed_after_commit(db, database_url, tmp_path)
    again = client.post("/api/v1/cases", json=data, headers=bearer(token, key="crash-1"))
    assert again.status_code == 409 and again.get_json()["code"] == "idempotency_in_progress"
    # The rest of the lease (the crash was a moment ago; the retry waited 5 s for an answer first).
    assert LEASE_SECONDS - 15 <= int(again.headers["Retry-After"]) <= LEASE_SECONDS
    assert len(_cases(db)) == 1


def test_a_retry_after_the_lease_gets_the_committed_case_with_its_query_code(client, db, database_url, tmp_path):
    token, data, case = _crashed_after_commit(db, database_url, tmp_path)
    clock.advance(timedelta(seconds=LEASE_SECONDS + 1))
    again = client.post("/api/v1/cases", json=data, headers=bearer(token, key="crash-1"))
    assert again.status_code == 201, again.get_json()
    body = again.get_json()
    assert (body["case_no"], body["status"], body["status_label"]) == (case.case_no, 1, "已接件")
    assert again.headers["Location"].endswith(f"/api/v1/cases/{case.case_no}")
    assert again.headers["Idempotent-Replayed"] == "true"
    # The query code is the case's own: the public status lookup takes it.
    lookup = client.post("/api/v1/case-status", json={"case_no": case.case_no, "query_code": body["query_code"]})
    assert lookup.status_code == 200 and lookup.get_json()["case_no"] == case.case_no
    # The rebuilt answer is now the stored one.
    third = client.post("/api/v1/cases", json=data, headers=bearer(token, key="crash-1"))
    assert (third.status_code, third.get_json()) == (201, body)
    assert len(_cases(db)) == 1 and [row.status_code for row in _key_rows(db)] == [201]


def test_a_retry_of_a_submission_that_died_before_its_commit_makes_the_case_once(client, db, database_url, tmp_path):
    token = new_client(db)
    data = submission(db, item_code(db, "construction_permit"))
    _die_while_submitting(database_url, tmp_path, token, "crash-2", data, "before-commit")
    assert _cases(db) == [] and _key_rows(db) == []
    first = client.post("/api/v1/cases", json=data, headers=bearer(token, key="crash-2"))
    again = client.post("/api/v1/cases", json=data, headers=bearer(token, key="crash-2"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in first.headers and again.get_json() == first.get_json()
    assert [case.case_no for case in _cases(db)] == [first.get_json()["case_no"]]


def test_a_retry_after_the_purge_gets_the_same_case_and_no_second_one(client, db):
    token = new_client(db)
    data = submission(db, item_code(db, "construction_permit"))
    first = client.post("/api/v1/cases", json=data, headers=bearer(token, key="old"))
    assert idempotency.purge(db) == 0
    clock.advance(timedelta(hours=25))
    assert idempotency.purge(db) == 1
    again = client.post("/api/v1/cases", json=data, headers=bearer(token, key="old"))
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    # The query code is not kept in clear past the day: the rest of the first answer is.
    expected = {name: value for name, value in first.get_json().items() if name != "query_code"}
    assert again.get_json() == expected
    assert len(_cases(db)) == 1


def test_the_same_key_with_another_body_after_the_purge_is_422_idempotency_key_reused(client, db):
    token = new_client(db)
    code = item_code(db, "construction_permit")
    client.post("/api/v1/cases", json=submission(db, code), headers=bearer(token, key="old"))
    clock.advance(timedelta(hours=25))
    assert idempotency.purge(db) == 1
    other = client.post("/api/v1/cases", json=submission(db, code, name="另一家公司"), headers=bearer(token, key="old"))
    assert other.status_code == 422 and other.get_json()["code"] == "idempotency_key_reused"
    assert len(_cases(db)) == 1


def test_concurrent_retries_after_the_purge_are_all_told_the_one_case(app, db):
    token = new_client(db)
    data = submission(db, item_code(db, "construction_permit"))
    first = app.test_client().post("/api/v1/cases", json=data, headers=bearer(token, key="racing-late"))
    clock.advance(timedelta(hours=25))
    assert idempotency.purge(db) == 1
    results, start = [], threading.Barrier(3)

    def post():
        start.wait()
        response = app.test_client().post("/api/v1/cases", json=data, headers=bearer(token, key="racing-late"))
        results.append((response.status_code, response.get_json()["case_no"]))

    threads = [threading.Thread(target=post) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [(201, first.get_json()["case_no"])] * 3
    assert len(_cases(db)) == 1


def test_the_key_on_the_case_row_lets_one_of_two_concurrent_submissions_commit(db, users):
    """No key row at all (as after the purge, racing): the case rows' unique key alone decides."""
    from engine import demo

    code = item_code(db, "construction_permit")
    application = demo.sample_application(db, code)
    outcomes, start = [], threading.Barrier(2)

    def submit():
        key = idempotency.Request("client:1", "same-key", "POST", "/api/v1/cases", "f" * 64)
        start.wait()
        try:
            outcomes.append(cases.submit(db, code, application, users["haiyun"], idempotency_key=key).case_no)
        except idempotency.Replay:
            outcomes.append("replay")

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    made = [outcome for outcome in outcomes if outcome != "replay"]
    assert len(made) == 1 and outcomes.count("replay") == 1, outcomes
    [case] = _cases(db)
    assert (case.case_no, case.idempotency_owner, case.idempotency_key) == (made[0], "client:1", "same-key")
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0

"""Two people acting on one case at the same moment: exactly one wins, the other is told, nothing is half-written."""

from sqlalchemy import func, select

from engine import cases
from engine.errors import Conflict
from engine.models import AuditEvent, HumanTask

from .helpers import answer, application, item_code, only_open_task, race


def _submitted_case(db, users):
    code = item_code(db, "business_license_change")
    return cases.submit(db, code, application(db, code), users["zhangsan"])


def test_two_clerks_completing_one_task_one_wins_the_other_gets_a_conflict(db, users):
    submitted = _submitted_case(db, users)
    task = only_open_task(db, submitted.case_id)
    data = answer(db, task)
    from engine.accounts import create_user
    with db.write() as session:
        other = create_user(session, "clerk2", "pw-123456", "李窗口", roles=("clerk",), department="dm_center",
                            groups=(task.group_code,))
    results = race(lambda: cases.complete(db, task.id, users["clerk"], data),
                    lambda: cases.complete(db, task.id, other, data))
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "NoneType"], results
    assert "他人" in conflicts[0].message
    with db.read() as session:
        done = session.scalar(select(func.count()).select_from(HumanTask)
                              .where(HumanTask.id == task.id, HumanTask.state == "done"))
        completions = session.scalar(select(func.count()).select_from(AuditEvent)
                                     .where(AuditEvent.case_id == submitted.case_id, AuditEvent.action == "complete"))
    assert (done, completions) == (1, 1)


def test_two_clerks_claiming_one_task_only_one_gets_it(db, users):
    submitted = _submitted_case(db, users)
    task = only_open_task(db, submitted.case_id)
    from engine.accounts import create_user
    with db.write() as session:
        other = create_user(session, "clerk2", "pw-123456", "李窗口", roles=("clerk",), department="dm_center",
                            groups=(task.group_code,))
    results = race(lambda: cases.claim(db, task.id, users["clerk"]), lambda: cases.claim(db, task.id, other))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "NoneType"], results
    with db.read() as session:
        assignee = session.get(HumanTask, task.id).assignee_id
    winner = users["clerk"].id if results[0] is None else other.id
    assert assignee == winner

"""BPMN timers fire at their due time, exactly once: in-process, after a restart, and with two schedulers."""
import os
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import func, select

from engine import cases, clock, timers
from engine.models import AuditEvent, Case, HumanTask
from engine.scheduler import WakeScheduler

from .bundle_fixtures import NAMESPACES, deploy_test_item
from .helpers import answer, application, item_code, only_open_task, open_tasks

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _case_in_review(db, users):
    """A construction permit case accepted at the window, its review step open with a 3-working-day timer."""
    code = item_code(db, "construction_permit")
    submitted = cases.submit(db, code, application(db, code), users["haiyun"])
    pre_review = only_open_task(db, submitted.case_id)
    cases.complete(db, pre_review.id, users["clerk"], answer(db, pre_review, decision="accept"))
    review = only_open_task(db, submitted.case_id)
    assert review.case_step == "review"
    return submitted.case_id, review


def _escalations(db, case_id):
    with db.read() as session:
        return list(session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                            HumanTask.group_code.like("%_head"))))


def test_overdue_review_escalates_to_the_section_head(db, users):
    case_id, review = _case_in_review(db, users)
    assert timers.fire_due(db) == 0 and _escalations(db, case_id) == []
    clock.advance(timedelta(days=10))  # past three working days, whatever the weekday
    assert timers.fire_due(db) >= 1
    escalations = _escalations(db, case_id)
    assert len(escalations) == 1 and escalations[0].state == "open"
    assert review.bpmn_id not in [t.bpmn_id for t in open_tasks(db, case_id)] or len(open_tasks(db, case_id)) == 2


def test_timer_does_not_fire_before_its_due_time(db, users):
    case_id, _review = _case_in_review(db, users)
    clock.advance(timedelta(hours=1))
    timers.fire_due(db)
    assert _escalations(db, case_id) == []


def test_timers_due_while_nothing_ran_fire_once_at_start(db, users):
    case_id, _review = _case_in_review(db, users)
    clock.advance(timedelta(days=10))  # the server was down over the due time
    for _restart in range(2):
        scheduler = WakeScheduler(db)
        scheduler.start()
        deadline = time.monotonic() + 20
        while not _escalations(db, case_id) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        scheduler.shutdown()
    assert len(_escalations(db, case_id)) == 1


def test_two_scheduler_processes_fire_each_timer_exactly_once(db, users, database_url, tmp_path):
    case_ids = [_case_in_review(db, users)[0] for _ in range(12)]
    env = dict(os.environ, DATABASE_URL=database_url, ONEWINDOW_DATA_DIR=str(tmp_path / "data"),
               ONEWINDOW_CLOCK_OFFSET_SECONDS=str(timedelta(days=10).total_seconds()), PYTHONPATH=ROOT)
    command = [sys.executable, "-c", "from webapp.cli import main; main()", "scheduler"]
    processes = [subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(_escalations(db, case_id) for case_id in case_ids):
                break
            time.sleep(0.2)
        time.sleep(1.0)  # give a duplicate the chance to appear
    finally:
        for process in processes:
            process.terminate()
        errors = [process.communicate(timeout=20)[1].decode() for process in processes]
    counts = [len(_escalations(db, case_id)) for case_id in case_ids]
    assert counts == [1] * len(case_ids), errors
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.group_code.like("%_head"))) \
            == len(case_ids)


FRAGILE_DIAGRAM = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NAMESPACES} id="defs_fragile" targetNamespace="urn:test">
  <bpmn:process id="fragile" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="handle" name="办理" camunda:formKey="pre_review" camunda:candidateGroups="dm_construction_window"/>
    <bpmn:boundaryEvent id="late" name="超时" attachedToRef="handle">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="divide" name="计算"><bpmn:script>ratio = 1 / (0 if application["name"] == "坏" else 1)</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="urge" name="督办" camunda:formKey="pre_review" camunda:candidateGroups="dm_construction_window"/>
    <bpmn:endEvent id="end_approved" name="通过"/>
    <bpmn:endEvent id="end_approved_late" name="督办后通过"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle"/>
    <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end_approved"/>
    <bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="divide"/>
    <bpmn:sequenceFlow id="f4" sourceRef="divide" targetRef="urge"/>
    <bpmn:sequenceFlow id="f5" sourceRef="urge" targetRef="end_approved_late"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_diagram_failing_in_a_batch_is_parked_alone_and_the_others_fire(db, users, tmp_path):
    # Its timer path divides by zero for the application named 坏.
    code = deploy_test_item(db, tmp_path, "fragile", "TEST-TIMER-FAULT-001", "定时器故障演示事项", FRAGILE_DIAGRAM)
    names = ["甲", "乙", "坏", "丁", "戊"]
    case_ids = [cases.submit(db, code, {"name": name}, users["haiyun"]).case_id for name in names]
    clock.advance(timedelta(hours=2))
    assert timers.fire_due(db, batch=50) == len(names)
    with db.read() as session:
        rows = {case.id: case for case in session.scalars(select(Case).where(Case.id.in_(case_ids)))}
        faults = session.scalars(select(AuditEvent.case_id).where(AuditEvent.action == "workflow_fault")).all()
    parked = case_ids[names.index("坏")]
    assert faults == [parked]
    assert rows[parked].fault and "计算" in rows[parked].fault and rows[parked].next_wake_at is None
    for case_id in case_ids:
        if case_id != parked:
            assert rows[case_id].fault is None
            assert [t.bpmn_id for t in open_tasks(db, case_id)] == ["urge"]
    assert [t.bpmn_id for t in open_tasks(db, parked)] == ["handle"]  # the failed firing wrote nothing
    assert timers.fire_due(db) == 0  # parked: not retried in a loop


def test_a_timer_due_while_another_scheduler_holds_its_case_fires_as_soon_as_it_lets_go(db, users, monkeypatch):
    """Another scheduler process (here: an open transaction) holds the due case. The passes skip it and look
    again shortly; they must keep doing so, and wake it within a few seconds of the hold ending (before, a
    wake-up planned while the pass was still returning was dropped by APScheduler and no timer fired again)."""
    monkeypatch.setenv("ONEWINDOW_SCHEDULER_MAX_SLEEP_SECONDS", "30")  # the default: no safety net in reach
    case_id, _review = _case_in_review(db, users)
    clock.advance(timedelta(days=10))
    scheduler = WakeScheduler(db)
    try:
        with db.write() as session:  # the other scheduler's claim
            session.scalar(select(Case).where(Case.id == case_id).with_for_update())
            scheduler.start()
            time.sleep(2)
            assert _escalations(db, case_id) == []
        let_go = time.monotonic()
        while not _escalations(db, case_id) and time.monotonic() - let_go < 20:
            time.sleep(0.05)
        assert time.monotonic() - let_go < 5
    finally:
        scheduler.shutdown()
    assert len(_escalations(db, case_id)) == 1

"""One case's diagram cannot stop the platform's timers: a timer whose path runs a script that tries to raise a
BaseException parks that case as a workflow fault (shown on the supervisor's desk), and every other case's
timer still fires on time, in a real `onewindow scheduler` process, before and after it is restarted."""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta

from sqlalchemy import select

from engine import cases, timers
from engine.models import AuditEvent, Case, CaseTimer, HumanTask

from .bundle_fixtures import NAMESPACES, deploy_test_item
from .processes import environment, running
from .webpage import Page, login


def diagram(process_id: str, wait: str, script: str) -> str:
    """A step with a boundary timer after `wait`; when it fires, a script runs and an urging step opens."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NAMESPACES} id="defs_{process_id}" targetNamespace="urn:test">
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="handle" name="办理" camunda:formKey="pre_review" camunda:candidateGroups="dm_construction_window"/>
    <bpmn:boundaryEvent id="late" name="超时" attachedToRef="handle">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"{wait}"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:scriptTask id="on_time_out" name="超时脚本"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="urge" name="督办" camunda:formKey="pre_review" camunda:candidateGroups="dm_construction_window"/>
    <bpmn:endEvent id="end_approved" name="通过"/>
    <bpmn:endEvent id="end_approved_late" name="督办后通过"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle"/>
    <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end_approved"/>
    <bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="on_time_out"/>
    <bpmn:sequenceFlow id="f4" sourceRef="on_time_out" targetRef="urge"/>
    <bpmn:sequenceFlow id="f5" sourceRef="urge" targetRef="end_approved_late"/>
  </bpmn:process>
</bpmn:definitions>
"""


# Passes the checker: the class is reached at run time (before the fix it was BaseException, raised).
STOPPING = diagram("stopping", "PT2S", "raise ValueError.mro()[2]")
HARMLESS = diagram("harmless", "PT6S", "late = True")
ON_TIME = timedelta(seconds=4)  # the scheduler's longest sleep below (1 s) plus a pass, with room to spare


def deploy(db, tmp_path, stem: str, code: str, text: str) -> str:
    (tmp_path / stem).mkdir()
    return deploy_test_item(db, tmp_path / stem, stem, code, f"{stem} 演示事项", text)


def wait_for(condition, seconds: float = 40.0, log=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    said = log.read_text(errors="replace")[-4000:] if log else ""
    raise AssertionError(f"not reached within {seconds} s; the scheduler said:\n{said}")


def urge_step(db, case_id: int) -> HumanTask | None:
    with db.read() as session:
        return session.scalar(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.bpmn_id == "urge"))


def timer_due(db, case_id: int) -> datetime:
    with db.read() as session:
        return session.scalar(select(CaseTimer.due_at).where(CaseTimer.case_id == case_id))


def fault_of(db, case_id: int) -> str | None:
    with db.read() as session:
        return session.scalar(select(Case.fault).where(Case.id == case_id))


def test_a_timer_script_trying_to_stop_the_scheduler_parks_its_case_and_other_timers_fire_on_time_across_a_restart(
        db, users, database_url, tmp_path):
    stopping = deploy(db, tmp_path, "stopping", "TEST-STOP-TIMER-001", STOPPING)
    harmless = deploy(db, tmp_path, "harmless", "TEST-HARMLESS-001", HARMLESS)
    env = environment(database_url, tmp_path / "data", ONEWINDOW_SCHEDULER_MAX_SLEEP_SECONDS="1")
    command = [sys.executable, "-c", "from webapp.cli import main; main()", "--verbose", "scheduler"]
    for _start in ("first start", "restart"):
        with running([command], env) as (process,):
            wait_for(lambda: "Scheduler started" in process.log.read_text(errors="replace"), log=process.log)
            bad = cases.submit(db, stopping, {"name": "坏"}, users["haiyun"]).case_id
            good = cases.submit(db, harmless, {"name": "好"}, users["haiyun"]).case_id
            due = timer_due(db, good)  # the row goes when the timer fires
            fault = wait_for(lambda: fault_of(db, bad), log=process.log)  # due first: the pass meets it before the harmless timer
            urged = wait_for(lambda: urge_step(db, good), log=process.log)
            assert urged.created_at - due < ON_TIME, process.log.read_text(errors="replace")
            assert process.poll() is None
        assert "on_time_out" in fault and "超时脚本" in fault
        assert urge_step(db, bad) is None  # the failed firing wrote nothing but the fault
    with db.read() as session:
        parked = session.scalars(select(AuditEvent.case_id).where(AuditEvent.action == "workflow_fault")).all()
    assert len(parked) == 2


def test_a_parked_case_is_listed_with_its_reason_on_the_supervisors_desk(client, db, users, tmp_path):
    from engine import clock

    stopping = deploy(db, tmp_path, "stopping", "TEST-STOP-TIMER-001", STOPPING)
    case_id = cases.submit(db, stopping, {"name": "坏"}, users["haiyun"]).case_id
    clock.advance(timedelta(minutes=1))
    assert timers.fire_due(db) == 1
    login(client, "supervisor")
    page = Page(client.get("/supervision/"))
    row = page.find(f"fault-{case_id}")
    assert row is not None, page.html
    assert "超时脚本" in row.text and page.text("count-faults") == "1"

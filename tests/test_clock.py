"""Specifications of engine.clock: the platform's controllable "now", also inside SpiffWorkflow timers."""
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from engine import clock

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def real_time_after_each_test():
    yield
    clock.reset()


def test_now_is_aware_utc_and_close_to_real_time():
    clock.reset()
    current = clock.now()
    assert current.utcoffset() == timedelta(0)
    assert abs(current - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_local_now_is_in_asia_shanghai():
    assert clock.local_now().utcoffset() == timedelta(hours=8)
    assert clock.local_now().tzinfo is clock.TZ


def test_travel_to_sets_now_to_the_given_instant():
    target = datetime(2026, 2, 13, 9, 30, tzinfo=clock.TZ)
    clock.travel_to(target)
    assert abs(clock.now() - target) < timedelta(seconds=1)
    assert clock.local_now().date() == target.date()


def test_travel_to_rejects_naive_datetimes():
    with pytest.raises(ValueError):
        clock.travel_to(datetime(2026, 2, 13, 9, 30))


def test_advance_adds_to_the_offset_and_offset_reports_it():
    clock.travel_to(datetime(2026, 1, 1, tzinfo=timezone.utc))
    before = clock.offset()
    clock.advance(timedelta(days=3))
    assert clock.offset() - before == timedelta(days=3)
    assert abs(clock.now() - datetime(2026, 1, 4, tzinfo=timezone.utc)) < timedelta(seconds=1)


def test_reset_returns_to_real_time():
    clock.advance(timedelta(days=400))
    clock.reset()
    assert clock.offset() == timedelta(0)
    assert abs(clock.now() - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_offset_is_read_from_the_environment_at_import():
    env = dict(os.environ, ONEWINDOW_CLOCK_OFFSET_SECONDS=str(10 * 86400.5))
    code = "from engine import clock; print(clock.offset().total_seconds())"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    assert float(out) == 10 * 86400.5


# A user task guarded by an interrupting one-hour boundary timer, then an intermediate one-hour timer.
TIMER_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="defs" targetNamespace="http://onewindow.test/clock">
  <bpmn:process id="timers" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="Review"/>
    <bpmn:boundaryEvent id="review_timeout" attachedToRef="review" cancelActivity="true">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="reviewed"/>
    <bpmn:endEvent id="reviewed"/>
    <bpmn:sequenceFlow id="f3" sourceRef="review_timeout" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="timed_out"/>
    <bpmn:endEvent id="timed_out"/>
  </bpmn:process>
</bpmn:definitions>
"""


def _start_timer_workflow():
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

    parser = SpiffBpmnParser()
    parser.add_bpmn_str(TIMER_BPMN.encode(), filename="timers.bpmn")
    workflow = BpmnWorkflow(parser.get_spec("timers"), parser.get_subprocess_specs("timers"))
    workflow.do_engine_steps()
    return workflow


def _tick(workflow):
    workflow.refresh_timers()
    workflow.do_engine_steps()


def _waiting_ids(workflow):
    from SpiffWorkflow.util.task import TaskState

    open_states = TaskState.WAITING | TaskState.READY | TaskState.STARTED
    return {task.task_spec.bpmn_id for task in workflow.get_tasks(state=open_states)}


def test_install_in_spiffworkflow_is_idempotent():
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    clock.install_in_spiffworkflow()
    patched = timer.datetime
    clock.install_in_spiffworkflow()
    assert timer.datetime is patched
    # Plain datetimes must still pass the isinstance checks inside the patched module.
    assert isinstance(datetime(2026, 1, 1), timer.datetime)


def test_spiffworkflow_boundary_and_intermediate_timers_fire_only_after_the_clock_passes_them():
    clock.install_in_spiffworkflow()
    clock.travel_to(datetime(2030, 6, 3, 9, 0, tzinfo=clock.TZ))  # far from real time: proves the patch
    workflow = _start_timer_workflow()
    _tick(workflow)
    assert "review" in _waiting_ids(workflow)

    # The due time Spiff records comes from our clock, in UTC.
    due = [datetime.fromisoformat(e.value) for e in workflow.waiting_events()]
    assert len(due) == 1 and abs(due[0] - datetime(2030, 6, 3, 10, 0, tzinfo=clock.TZ)) < timedelta(seconds=5)

    clock.advance(timedelta(minutes=59))
    _tick(workflow)
    assert "review" in _waiting_ids(workflow), "boundary timer fired early"

    clock.advance(timedelta(minutes=2))
    _tick(workflow)
    assert "review" not in _waiting_ids(workflow)
    assert "wait" in _waiting_ids(workflow) and not workflow.is_completed()

    clock.advance(timedelta(minutes=59))
    _tick(workflow)
    assert not workflow.is_completed(), "intermediate timer fired early"

    clock.advance(timedelta(minutes=2))
    _tick(workflow)
    assert workflow.is_completed()
    from SpiffWorkflow.util.task import TaskState

    ended = {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)}
    assert "timed_out" in ended and "reviewed" not in ended

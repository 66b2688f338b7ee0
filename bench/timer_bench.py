"""Figure 4: lateness of BPMN boundary timers fired by the in-process scheduler, and duplicate firings.

A bench-only bundle (written to a temp dir, deployed through `engine.catalogue.load_items`): one user task
with an interrupting boundary timer whose `timeDate` is the application's `due` (an aware ISO string),
leading to an escalation user task. N cases are submitted through `engine.cases.submit` with due times
spread evenly over a window that starts two hours ahead; once all are in, the platform clock
(`engine.clock.advance`) is moved so the window starts a few seconds from now — the same shift every test
and demo uses, applied uniformly to SpiffWorkflow, the scheduler and the audit timestamps — and
`engine.scheduler.WakeScheduler(db)` is started in-process.

Lateness = `created_at` of the case's `wake` audit event (stamped while sealing the firing transaction,
just before its COMMIT) − the timer's due time recorded in `case_timer` before the scheduler started.
Duplicates = escalation tasks beyond one per case (must be 0).
"""
from __future__ import annotations

import json
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from common import Figure, Results, Stopwatch, log, median, percentile

ITEM_CODE = "BENCH-TIMER-001"
PROCESS_ID = "bench_timer"
WINDOW_AHEAD = timedelta(hours=2)   # due times during setup: far enough that nothing fires early
LEAD_SECONDS = 5.0                  # the first timer falls due this long after the scheduler starts
TARGET_P99_S = 1.0

ORGANISATION = """\
departments:
  - code: bench_dept
    name: 基准测试部门
    level: county
groups:
  - {code: bench_group, name: 基准测试组, department: bench_dept}
"""

ITEM = f"""\
code: {ITEM_CODE}
name: 定时器基准测试事项
item_type: 其他
department: bench_dept
level: county
service_objects: [自然人]
case_kind: promised
statutory_limit: {{value: 20, unit: workday}}
promised_limit: {{value: 10, unit: workday}}
process: {PROCESS_ID}
application_form: apply
materials: []
"""

BPMN = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    id="defs_bench_timer" targetNamespace="http://onewindow.example/bench">
  <bpmn:process id="{PROCESS_ID}" name="定时器基准测试" isExecutable="true">
    <bpmn:startEvent id="start" name="提交">
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="handle" name="办理" camunda:formKey="decide" camunda:candidateGroups="bench_group">
      <bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="overdue" name="到期" cancelActivity="true" attachedToRef="handle">
      <bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition id="overdue_def">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">application["due"]</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:userTask id="escalate" name="督办" camunda:formKey="decide" camunda:candidateGroups="bench_group">
      <bpmn:incoming>f3</bpmn:incoming>
      <bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end_approved" name="办结">
      <bpmn:incoming>f2</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:endEvent id="end_approved_2" name="督办后办结">
      <bpmn:incoming>f4</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle" />
    <bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end_approved" />
    <bpmn:sequenceFlow id="f3" sourceRef="overdue" targetRef="escalate" />
    <bpmn:sequenceFlow id="f4" sourceRef="escalate" targetRef="end_approved_2" />
  </bpmn:process>
</bpmn:definitions>
"""

APPLY_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "基准测试申请", "description": "只含定时器到期时间的申请表。", "type": "object",
    "properties": {"due": {"type": "string", "title": "到期时间", "description": "带时区的 ISO 8601 时间"}},
    "required": ["due"],
    "examples": [{"due": "2026-12-01T09:00:00+08:00"}],
}
DECIDE_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "办理意见", "description": "基准测试用的办理表单。", "type": "object",
    "properties": {"decision": {"type": "string", "title": "结论", "description": "办理结论",
                                "oneOf": [{"const": "agree", "title": "同意"}]}},
    "required": ["decision"],
}


def write_bundle(root: Path) -> None:
    (root / "processes").mkdir(parents=True)
    (root / "forms" / PROCESS_ID).mkdir(parents=True)
    (root / "processes" / "organisation.yaml").write_text(ORGANISATION, encoding="utf-8")
    (root / "processes" / f"{PROCESS_ID}.item.yaml").write_text(ITEM, encoding="utf-8")
    (root / "processes" / f"{PROCESS_ID}.bpmn").write_text(BPMN, encoding="utf-8")
    for name, form in (("apply", APPLY_FORM), ("decide", DECIDE_FORM)):
        (root / "forms" / PROCESS_ID / f"{name}.schema.json").write_text(
            json.dumps(form, ensure_ascii=False, indent=2), encoding="utf-8")


def deploy(db) -> None:
    from engine.catalogue import load_items

    root = Path(tempfile.mkdtemp(prefix="onewindow-bench-bundle-"))
    try:
        write_bundle(root)
        report, deployed = load_items(db, root)
        if not report.ok or not deployed:
            raise RuntimeError("bench bundle does not load:\n" + "\n".join(p.format() for p in report.problems))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run(db, backend: str, results: Results, n_timers: int, spread_seconds: float) -> None:
    from engine import cases, clock
    from engine.models import AuditEvent, CaseTimer, HumanTask
    from engine.scheduler import WakeScheduler

    clock.reset()
    deploy(db)
    base = clock.now() + WINDOW_AHEAD
    step = spread_seconds / max(n_timers - 1, 1)
    dues = [(base + timedelta(seconds=i * step)).astimezone(clock.TZ).isoformat() for i in range(n_timers)]

    log(f"submitting {n_timers} cases with a boundary timer (due times spread over {spread_seconds:.0f} s)")
    watch = Stopwatch()
    for i, due in enumerate(dues):
        cases.submit(db, ITEM_CODE, {"due": due}, applicant_name=f"基准{i}")
        if (i + 1) % 2000 == 0:
            log(f"  {i + 1} submitted ({watch.seconds:.0f} s)")
    setup_seconds = watch.seconds
    with db.read() as session:
        due_of = dict(session.execute(select(CaseTimer.case_id, CaseTimer.due_at)).all())
    if len(due_of) != n_timers:
        raise RuntimeError(f"expected {n_timers} case_timer rows, found {len(due_of)}")
    log(f"setup took {setup_seconds:.1f} s ({n_timers / setup_seconds:.1f} submits/s); moving the platform clock "
        f"so the first timer is due in {LEAD_SECONDS:.0f} s")

    first_due = min(due_of.values())
    last_due = max(due_of.values())
    clock.advance(first_due - clock.now() - timedelta(seconds=LEAD_SECONDS))
    scheduler = WakeScheduler(db)
    deadline = time.monotonic() + LEAD_SECONDS + spread_seconds + max(120.0, n_timers / 20)
    fired = 0
    try:
        scheduler.start()
        while time.monotonic() < deadline:
            time.sleep(1.0)
            with db.read() as session:
                fired = session.scalar(select(func.count(func.distinct(HumanTask.case_id)))
                                       .where(HumanTask.bpmn_id == "escalate"))
            if fired >= n_timers and clock.now() > last_due + timedelta(seconds=2):
                time.sleep(2.0)  # a duplicate firing, if any, would show up now
                break
    finally:
        scheduler.shutdown()
        time.sleep(0.5)
        drain_end = clock.now()
        clock.reset()

    with db.read() as session:
        woken = dict(session.execute(select(AuditEvent.case_id, func.min(AuditEvent.created_at))
                                     .where(AuditEvent.action == "wake").group_by(AuditEvent.case_id)).all())
        wake_events = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "wake"))
        started = dict(session.execute(select(HumanTask.case_id, func.min(HumanTask.created_at))
                                       .where(HumanTask.bpmn_id == "escalate").group_by(HumanTask.case_id)).all())
        escalations = dict(session.execute(select(HumanTask.case_id, func.count())
                                           .where(HumanTask.bpmn_id == "escalate").group_by(HumanTask.case_id)).all())
    lateness = [(woken[c] - due).total_seconds() for c, due in due_of.items() if c in woken]
    missing = [c for c in due_of if escalations.get(c, 0) == 0]
    duplicates = sum(n - 1 for n in escalations.values() if n > 1)
    early = sum(1 for x in lateness if x < 0)
    if not lateness:
        raise RuntimeError("no timer fired")
    p50, p99, worst = median(lateness), percentile(lateness, 99), max(lateness)
    ok = p99 < TARGET_P99_S and not missing
    # Work inside one firing transaction: from `now` taken as it advanced the workflow to the audit seal.
    span = (max(woken.values()) - min(woken.values())).total_seconds()
    service_ms = median([(woken[c] - started[c]).total_seconds() * 1000 for c in started if c in woken])
    results.add(Figure(backend, "timers", "timer lateness p50/p99/max", f"{p50:.2f}/{p99:.2f}/{worst:.2f} s",
                       f"due {n_timers / spread_seconds:.0f}/s, fired {len(woken) / max(span, 1e-9):.0f}/s, {service_ms:.1f} ms in txn",
                       f"target p99 < {TARGET_P99_S:.0f} s, 0 dup", ok,
                       [f"{n_timers} timers due over {spread_seconds:.0f} s; {len(woken)} fired, {len(missing)} missing, "
                        f"{duplicates} duplicate firings, {early} early, {wake_events} wake events; "
                        f"setup (engine submits) {setup_seconds:.1f} s",
                        f"last firing {(max(woken.values()) - last_due).total_seconds():.2f} s after the last due time; "
                        f"stopped {(drain_end - last_due).total_seconds():.1f} s after it"]
                       + ([f"the scheduler fell behind: it fired "
                           f"about {len(woken) / max(span, 1e-9):.0f}/s, fewer than the {n_timers / spread_seconds:.0f}/s "
                           f"falling due"] if len(woken) / max(span, 1e-9) < 0.95 * n_timers / spread_seconds else [])))
    results.add(Figure(backend, "timer_duplicates", "duplicate firings", f"{duplicates}",
                       f"{len(escalations)} cases escalated of {n_timers}", "target 0",
                       duplicates == 0 and not missing))

"""Moving a case's workflow forward and mirroring it into indexed rows.

After every action the workflow runs its engine steps; then the ready user tasks become `HumanTask`
rows, waiting timers become `CaseTimer` rows, the case status and clock follow the tasks' case steps,
and the serialized state is saved without its spec. Lists read only those rows.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import (audit, calendar_store, case_clock, clock, messages, notices, organisation, supervision, versions,
               workflow_store)
from . import spiff_compat  # noqa: F401  (patches SpiffWorkflow on import)
from .calendar import WorkCalendar
from .db import insert_after_flush
from .errors import WorkflowFault, stops_the_process
from .i18n import _
from .models import Case, CaseTimer, CaseWorkflow, Department, HumanTask, ProcessSpec
from .models.case import task_copies
from .permissions import APPLICANT_GROUP
from .scripting import ScriptError, make_script_engine, script_deadline
from .status import FINAL, CaseStatus, outcome_of_end_event

_spec_docs: dict[str, str] = {}


def spec_doc(session: Session, spec_hash: str) -> str:
    """The stored spec document for a hash; specs never change, so each process reads it once."""
    doc = _spec_docs.get(spec_hash)
    if doc is None:
        doc = session.get(ProcessSpec, spec_hash).data
        if len(_spec_docs) > 256:
            _spec_docs.clear()
        _spec_docs[spec_hash] = doc
    return doc


def script_helpers(calendar: WorkCalendar) -> dict:
    """Functions a diagram's expressions may call, bound to the centre's calendar and clock."""
    def workdays(n):
        return calendar.due_at(clock.now(), int(n))

    def workdays_from(start, n):
        start = datetime.fromisoformat(start) if isinstance(start, str) else start
        return calendar.due_at(start, int(n))

    return {
        "workdays": workdays, "workdays_from": workdays_from, "now": clock.now,
        "today": lambda: clock.local_now().date().isoformat(),
        "days": lambda n: timedelta(days=n), "hours": lambda n: timedelta(hours=n),
    }


def new_workflow(session: Session, spec_hash: str, calendar: WorkCalendar):
    return workflow_store.new_workflow(spec_doc(session, spec_hash), make_script_engine(script_helpers(calendar)))


def open_workflow(session: Session, case: Case, calendar: WorkCalendar):
    row = session.get(CaseWorkflow, case.id)
    return workflow_store.load(row.state, spec_doc(session, row.spec_hash), make_script_engine(script_helpers(calendar)))


ENGINE_STEP_SECONDS = 5.0  # all scripts of one action together; each single script has its own 1 s budget


def run_engine(case: Case, workflow) -> None:
    """Engine steps and due timers; a diagram error aborts the whole action with a clear message.

    Whatever the diagram's run raises is the diagram's fault, a BaseException included (a sandbox hole or
    SpiffWorkflow itself); only a stop of the process goes through (`errors.stops_the_process`)."""
    try:
        with script_deadline(ENGINE_STEP_SECONDS):
            workflow.refresh_timers()
            workflow.do_engine_steps()
    except BaseException as exc:
        if stops_the_process(exc):
            raise
        raise WorkflowFault(_("办件 %(no)s 的流程运行出错：%(err)s。请联系业务分析员检查流程图。",
                              no=case.case_no, err=_describe(exc))) from exc


def _describe(exc: BaseException) -> str:
    task_spec = getattr(exc, "task_spec", None) or getattr(getattr(exc, "task", None), "task_spec", None)
    where = f"[{task_spec.bpmn_id} {task_spec.bpmn_name or ''}] " if task_spec is not None else ""
    known = isinstance(exc, (SpiffWorkflowException, ScriptError))
    text = (str(exc).splitlines() or [""])[0] if known else f"{type(exc).__name__}: {exc}".splitlines()[0]
    return where + text


def advance(session: Session, case: Case, workflow, calendar: WorkCalendar, actor=None, fresh: bool = False) -> None:
    """Run the workflow forward and bring every indexed row of the case up to date. Saves the state.

    `fresh` says the case is being created in this transaction: it has no rows to compare with yet."""
    now = clock.now()
    run_engine(case, workflow)
    with session.no_autoflush:  # one UPDATE of the case row at commit, not one per query in between
        step_dues = _sync_tasks(session, case, workflow, calendar, now, actor, fresh)
        if workflow.is_completed():
            _conclude(session, case, workflow, now, actor)
            step_dues = []
        timer_dues = _sync_timers(session, case, workflow, fresh)
        guide = versions.content(session, case.item_version_id).guide
        _follow_level(session, case, case_clock.warning_level(case, guide, calendar, now), now)
        _set_next_wake(session, case, guide, calendar, now, timer_dues + step_dues)
        save_workflow(session, case, workflow, now, fresh)


def save_workflow(session: Session, case: Case, workflow, now: datetime, fresh: bool = False) -> None:
    row = None if fresh else session.get(CaseWorkflow, case.id)
    state = workflow_store.dump(workflow)
    if row is None:
        spec_hash = versions.content(session, case.item_version_id).spec_hash
        insert_after_flush(session, CaseWorkflow.__table__,
                           lambda: {"case_id": case.id, "spec_hash": spec_hash, "state": state, "updated_at": now})
    else:
        row.state, row.updated_at = state, now
    case.updated_at = now  # always an UPDATE of the case row: its version guards concurrent actions


def set_status(session: Session, case: Case, status: CaseStatus, actor=None, opinion: str | None = None,
               detail: dict | None = None) -> None:
    """Change the status and record the transition (case, department, handler, status, opinion, time).

    The written documents the new status calls for (受理通知书, 补正告知书, decisions, certificate) are
    issued here, in the same transaction (engine.notices), and so is the message it owes the applicant
    (engine.messages; its e-mail and SMS copies leave after the commit)."""
    case.status = int(status)
    audit.record(session, "status", case=case, actor=actor, status=int(status), opinion=opinion,
                 department_code=versions.content(session, case.item_version_id).department_code, detail=detail)
    notices.on_status(session, case, int(status), actor, opinion=opinion, detail=detail)
    messages.on_status(session, case, int(status), opinion)


def _sync_tasks(session, case, workflow, calendar, now, actor, fresh) -> None:
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    open_rows = {} if fresh else {row.task_uuid: row for row in open_task_rows(session, case)}
    dues = [row.due_at for uuid, row in open_rows.items() if uuid in ready and row.due_at is not None]
    meta = versions.content(session, case.item_version_id).user_tasks
    for uuid, row in open_rows.items():
        if uuid not in ready:  # interrupted by a boundary event or cancelled by the process
            row.state, row.completed_at = "cancelled", now
            audit.record(session, "task_cancelled", case=case, detail={"task": row.bpmn_id, "name": row.name})
    for uuid, task in ready.items():
        if uuid in open_rows:
            continue
        info = meta.get(task.task_spec.bpmn_id, {})
        group, name = group_and_name(session, case, task, info)
        row = HumanTask(case=case, task_uuid=uuid, bpmn_id=task.task_spec.bpmn_id, name=name, group_code=group,
                        department_id=department_of_group(session, group, case), form_key=info.get("form"),
                        case_step=info.get("case_step"), created_at=now,
                        due_at=calendar.due_at(now, info["step_limit_days"]) if info.get("step_limit_days") else None)
        if fresh:  # a new case's first tasks: written with Core after its own insert gives the case an id
            insert_after_flush(session, HumanTask.__table__, lambda row=row: _task_values(row, case))
        else:
            session.add(row)
            session.info.setdefault("new_tasks", []).append(row)  # a boundary timer's reassignment target
        if row.due_at is not None:
            dues.append(row.due_at)
        audit.record(session, "task_created", case=case, detail={"task": row.bpmn_id, "name": row.name,
                                                                 "group": group})
        _on_task_ready(session, case, row, calendar, now, actor)
    return dues


_CASE_COLUMNS = tuple(c for c in Case.__table__.columns if c.key != "id")
_CASE_INSERT = Case.__table__.insert()


def insert_new_case(session: Session, case: Case) -> None:
    """Write a case created in this transaction with one Core INSERT of its final values (its workflow,
    tasks and timers follow the same way after the flush); columns left unset take their defaults."""
    values = {column.key: getattr(case, column.key) for column in _CASE_COLUMNS
              if getattr(case, column.key) is not None or column.default is None}
    case.id = session.connection().execute(_CASE_INSERT, values).inserted_primary_key[0]


_TASK_COLUMNS = tuple(c.key for c in HumanTask.__table__.columns if c.key not in ("id", "case_id"))


def _task_values(row: HumanTask, case: Case) -> dict:
    values = {key: getattr(row, key) for key in _TASK_COLUMNS}
    values["state"] = values["state"] or "open"
    return {**values, **task_copies(case), "case_id": case.id}


def group_and_name(session, case, task, info: dict) -> tuple[str | None, str]:
    """A ready user task's candidate group and the name its row shows, from the version's task metadata."""
    group, name = info.get("group"), task.task_spec.bpmn_name or task.task_spec.bpmn_id
    if info.get("group_variable"):
        group, name = _group_from_data(session, case, task, info["group_variable"], name)
    return group, name


def _group_from_data(session, case, task, variable: str, name: str) -> tuple[str, str]:
    """The group of a task whose candidate group is `${variable}` (one instance of a multi-instance review),
    and its name with the department it belongs to."""
    code = task.data.get(variable)
    departments = organisation.group_departments(session)
    if not isinstance(code, str) or code not in departments:
        raise WorkflowFault(_("办件 %(no)s 的任务“%(task)s”的办理组“%(group)s”不存在。请联系业务分析员检查流程图中的 %(var)s。",
                              no=case.case_no, task=name, group=code, var=variable))
    department = session.get(Department, departments[code]) if departments[code] else None
    return code, f"{name}（{department.name}）" if department else name


def open_task_rows(session, case) -> list[HumanTask]:
    """The case's open task rows as this transaction sees them.

    Advancing runs without autoflush, so a row already finished in memory still matches `state = 'open'`
    in the database: the state is checked again on the object."""
    rows = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == "open"))
    return [row for row in rows if row.state == "open"]


def department_of_group(session, group_code, case) -> int | None:
    if group_code in (None, APPLICANT_GROUP):
        return case.department_id
    return organisation.group_departments(session).get(group_code) or case.department_id


def _on_task_ready(session, case, row, calendar, now, actor) -> None:
    """Case steps that start when a task appears: department handling, special procedures."""
    if row.case_step in ("review", "approve") and case.status in (CaseStatus.ACCEPTED, CaseStatus.SUPPLEMENT_RECEIVED,
                                                                  CaseStatus.SPECIAL_ENDED):
        set_status(session, case, CaseStatus.HANDLING, actor)
    elif row.case_step == "special_procedure" and case.accepted_at is not None:
        case_clock.pause(case, now, "special_procedure")
        set_status(session, case, CaseStatus.SPECIAL_STARTED, actor, detail={"task": row.bpmn_id})


def _conclude(session, case, workflow, now, actor) -> None:
    ends = [t for t in workflow.get_tasks(state=TaskState.COMPLETED, skip_subprocesses=True)
            if isinstance(t.task_spec, EndEvent)]
    outcome = outcome_of_end_event(ends[-1].task_spec.bpmn_id) if ends else CaseStatus.APPROVED
    if outcome == CaseStatus.APPROVED and case.tolerated_due_at is not None:
        outcome = CaseStatus.APPROVED_TOLERATED  # accepted with a material missing (容缺受理)
    if case.paused_at is not None:
        case_clock.resume(case, calendar_store.calendar_for(session), now)
    if case.status not in FINAL or case.status != outcome:
        set_status(session, case, outcome, actor, detail={"end_event": ends[-1].task_spec.bpmn_id if ends else None})
    if outcome in (CaseStatus.APPROVED, CaseStatus.APPROVED_TOLERATED, CaseStatus.DENIED):
        case.concluded_at = now
    case.warning_level = "normal"
    for row in open_task_rows(session, case):
        row.state, row.completed_at = "cancelled", now


def _sync_timers(session, case, workflow, fresh) -> list[datetime]:
    """Mirror the workflow's waiting timers into rows; return their due times."""
    if not fresh:
        session.execute(delete(CaseTimer).where(CaseTimer.case_id == case.id))
    if workflow.is_completed():
        return []
    dues = []
    for waiting in list(workflow.event_manager.tasks.values()):
        event = waiting.task_spec.event_definition.details(waiting)
        due = _as_datetime(event.value)
        if due is not None:
            step = _attached_step(waiting)
            if fresh:
                insert_after_flush(session, CaseTimer.__table__, lambda name=event.name, kind=event.event_type, at=due,
                                   step=step: {"case_id": case.id, "name": name, "event_type": kind, "due_at": at,
                                               "task_uuid": step})
            else:
                session.add(CaseTimer(case=case, name=event.name, event_type=event.event_type, due_at=due,
                                      task_uuid=step))
            dues.append(due)
    return dues


def _attached_step(waiting) -> str | None:
    """The id of the activity a waiting boundary event is attached to (its sibling under the split)."""
    parent = waiting.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    main = [child for child in parent.children if child is not waiting
            and child.task_spec.__class__.__name__ != waiting.task_spec.__class__.__name__]
    return str(main[0].id) if main else None


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def reclock(session: Session, case: Case, calendar: WorkCalendar, actor=None) -> None:
    """The clock changed outside the workflow (paused, resumed, extended): warning level and next wake-up
    follow, from the case's mirrored timer rows."""
    now = clock.now()
    guide = versions.content(session, case.item_version_id).guide
    _follow_level(session, case, case_clock.warning_level(case, guide, calendar, now), now, actor)
    dues = list(session.scalars(select(CaseTimer.due_at).where(CaseTimer.case_id == case.id)))
    dues += [row.due_at for row in open_task_rows(session, case) if row.due_at is not None]
    _set_next_wake(session, case, guide, calendar, now, dues)
    case.updated_at = now


def _follow_level(session, case, level: str, now: datetime, actor=None) -> None:
    """The case's warning level moved: record it, and hand out a yellow or red card (engine.supervision)."""
    if level == case.warning_level:
        return
    audit.record(session, "warning_level", case=case, actor=actor, status=case.status,
                 detail={"from": case.warning_level, "to": level})
    before, case.warning_level = case.warning_level, level
    supervision.on_case_level(session, case, before, level, now)


def _set_next_wake(session, case, guide, calendar, now, dues) -> None:
    """The earliest future instant something happens on its own: a BPMN timer, a step's own limit (its
    yellow card), the case's next warning level."""
    candidates = [due for due in dues if due > now]
    transition = case_clock.next_transition(case, guide, calendar, now)
    if transition is not None:
        candidates.append(transition)
    case.next_wake_at = min(candidates) if candidates else None
    session.info.setdefault("wake_at", []).append(case.next_wake_at)


def spiff_task(workflow, task_uuid: str):
    return workflow.get_task_from_id(UUID(task_uuid))


def department_code(session, department_id) -> str | None:
    dept = session.get(Department, department_id) if department_id else None
    return dept.code if dept else None

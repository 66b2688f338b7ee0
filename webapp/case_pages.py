"""What every page about a case shows, read through Flask-SQLAlchemy's request session.

The status timeline (public), the full history (staff), the legal clock, and the application with the
form it was filled in. Reads only indexed rows (`case_file`, `audit_event`), never the workflow.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import calendar_store, case_clock, formdata
from engine.models import AuditEvent, Case, Department, HumanTask, User
from engine.status import FINAL, PAUSED, CaseStatus

ACTION_LABELS = {
    "submit": _l("提交申请"), "status": _l("状态变更"), "claim": _l("签收任务"), "unclaim": _l("退回任务"),
    "complete": _l("办理任务"), "task_created": _l("生成任务"), "task_cancelled": _l("任务取消"),
    "reassign": _l("改派任务"), "warning_level": _l("预警等级变化"), "wake": _l("定时器触发"),
    "workflow_fault": _l("流程运行出错"), "document_issued": _l("出具文书"), "document_revoked": _l("撤销文书"),
    "fees_charged": _l("核定收费"), "fee_paid": _l("登记缴费"), "tickets_settled": _l("拉票结算"),
    "fee_waived": _l("减免费用"), "extension_requested": _l("申请延期"), "extension_approved": _l("批准延期"),
    "extension_refused": _l("不同意延期"), "materials_revised": _l("补正材料"),
    "card": _l("监察提醒"), "card_acknowledged": _l("签收监察提醒"), "urge": _l("催办"), "urge_answered": _l("答复催办"),
    "version_moved": _l("迁移到新版本"),
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    status: int
    department: str


@dataclass(frozen=True)
class ClockView:
    due_at: datetime | None
    remaining: int | None  # working days left on the promised limit
    paused: bool


def status_timeline(session: Session, case: Case) -> list[TimelineEntry]:
    """The statuses a case went through (submission and status changes), oldest first: safe to publish."""
    events = session.execute(
        select(AuditEvent.created_at, AuditEvent.status, AuditEvent.department_code)
        .where(AuditEvent.case_id == case.id, AuditEvent.action.in_(("submit", "status")),
               AuditEvent.status.is_not(None))
        .order_by(AuditEvent.seq)).all()
    names = _department_names(session, {code for _at, _status, code in events if code})
    return [TimelineEntry(at, status, names.get(code, "")) for at, status, code in events]


def history(session: Session, case: Case) -> list[AuditEvent]:
    """Every audit event of the case, oldest first (for staff)."""
    query = select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq)
    return list(session.scalars(query))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def clock_view(session: Session, case: Case) -> ClockView | None:
    """The promised deadline and working days left, while the case is being handled; else None."""
    if case.status in FINAL or case.promised_due_at is None:
        return None
    remaining = case_clock.remaining_workdays(case, calendar_store.calendar_for(session))
    return ClockView(case.promised_due_at, remaining, case.paused_at is not None or case.status in PAUSED)


@dataclass(frozen=True)
class ReviewOpinion:
    """One department's part of a joint review (并联审批), as every participant sees it."""

    task_id: int
    step: str
    department: str
    state: str          # open / done / cancelled
    decision: str       # the decision's title from the task's form
    opinion: str
    by: str
    at: datetime | None


def review_opinions(session: Session, case: Case) -> list[ReviewOpinion]:
    """The opinions of every review step of the case, in order, as they arrive; read-only for all.
    Empty unless several departments review (a single review is the task itself)."""
    rows = session.execute(
        select(HumanTask, Department.name, User.display_name)
        .outerjoin(Department, Department.id == HumanTask.department_id)
        .outerjoin(User, User.id == HumanTask.completed_by_id)
        .where(HumanTask.case_id == case.id, HumanTask.case_step == "review")
        .order_by(HumanTask.created_at, HumanTask.id)).all()
    if len({task.group_code for task, _dept, _by in rows}) < 2:  # one department: its task is the page itself
        return []
    forms = case.item_version.forms
    return [ReviewOpinion(task.id, task.name, dept or "", task.state,
                          _decision_title(forms.get(task.form_key or "", {}), task.decision), task.opinion or "",
                          by or "", task.completed_at) for task, dept, by in rows]


def _decision_title(spec: dict, decision: str | None) -> str:
    if not decision:
        return ""
    field = ((spec.get("schema") or {}).get("properties") or {}).get("decision") or {}
    return next((b.get("title", decision) for b in field.get("oneOf") or [] if b.get("const") == decision), decision)


def supplement_items(case: Case, detail: dict | None) -> tuple[list[str], list[str]]:
    """The fields and materials a supplement request names, by their titles (older requests were free text,
    shown as written)."""
    detail = detail or {}
    version = case.item_version
    titles = dict(formdata.field_paths(application_spec(case).get("schema") or {}))
    names = {m.get("id"): m.get("name") for m in version.guide.get("materials") or []}
    return ([titles.get(f, f) for f in detail.get("supplement_fields") or []],
            [names.get(m) or m for m in detail.get("supplement_materials") or []])


def diagram_state(session: Session, case: Case, focus: str | None = None) -> dict:
    """The process drawing of a case for the bpmn-js viewer: the BPMN XML of the diagram holding `focus`
    (else the item's main one), with the steps open now and those done, from the task rows."""
    diagrams = case.item_version.diagrams or {}
    marker = f'id="{focus}"' if focus else None
    name = next((n for n, xml in diagrams.items() if marker and marker in xml), None) \
        or next((n for n in diagrams if n.startswith(case.item_version.stem)), None) or next(iter(diagrams), None)
    rows = session.execute(select(HumanTask.bpmn_id, HumanTask.state).where(HumanTask.case_id == case.id)).all()
    active = {bpmn_id for bpmn_id, state in rows if state == "open"}
    return {"xml": diagrams.get(name, "") if name else "", "active": sorted(active),
            "done": sorted({bpmn_id for bpmn_id, state in rows if state == "done"} - active)}


def application_spec(case: Case) -> dict:
    """The application form ({schema, ui}) of the item version the case was submitted on."""
    version = case.item_version
    return version.forms.get(version.application_form, {})


def is_final(case: Case) -> bool:
    return case.status in FINAL


def is_concluded(case: Case) -> bool:
    return case.status in (CaseStatus.APPROVED, CaseStatus.APPROVED_TOLERATED, CaseStatus.DENIED)


def _department_names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    query = select(Department.code, Department.name).where(Department.code.in_(codes))
    return dict(session.execute(query).all())

"""How cases and tasks look in the API's JSON (and their ETags)."""
from __future__ import annotations

from datetime import datetime

from engine import status as statuses
from engine.models import Case, HumanTask


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def case_etag(case: Case) -> str:
    """The case's `version` column moves with every change: a natural ETag."""
    return f"case-{case.id}-v{case.version}"


def case_summary(case: Case) -> dict:
    return {"case_no": case.case_no, "title": case.title,
            "item": {"code": case.item.code, "name": case.item.name},
            "department": {"code": case.department.code, "name": case.department.name},
            "applicant_name": case.applicant_name, "applicant_type": case.applicant_type, "channel": case.channel,
            "status": case.status, "status_label": statuses.label(case.status), "warning_level": case.warning_level,
            "received_at": iso(case.received_at), "accepted_at": iso(case.accepted_at),
            "concluded_at": iso(case.concluded_at), "promised_due_at": iso(case.promised_due_at),
            "statutory_due_at": iso(case.statutory_due_at), "version": case.version}


def task_brief(task: HumanTask) -> dict:
    return {"id": task.id, "name": task.name, "step": task.case_step, "group": task.group_code, "state": task.state,
            "assignee": task.assignee.display_name if task.assignee is not None else None,
            "created_at": iso(task.created_at), "due_at": iso(task.due_at)}


def case_detail(case: Case, open_tasks: list[HumanTask]) -> dict:
    return {**case_summary(case), "application": case.application,
            "open_tasks": [task_brief(task) for task in open_tasks]}


def task_etag(task: HumanTask, case: Case) -> str:
    return f"task-{task.id}-{task.state}-{task.assignee_id or 0}-v{case.version}"


def task_detail(task: HumanTask, case: Case, department_code: str | None, form: dict | None) -> dict:
    return {**task_brief(task), "case_no": case.case_no, "case_status": case.status, "department": department_code,
            "form": form, "decision": task.decision, "opinion": task.opinion}

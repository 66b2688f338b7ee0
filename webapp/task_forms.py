"""Completing a task from its form, shared by the workbench (staff) and the applicant's own tasks."""
from __future__ import annotations

from flask import request

from engine import cases
from engine.errors import InvalidInput, InvalidState
from engine.models import HumanTask, User

from . import formrender
from .extensions import engine_db


def task_form_spec(task: HumanTask) -> dict | None:
    """The task's form ({schema, ui}) from the item version its case runs on; None for a task without one."""
    if not task.form_key:
        return None
    return task.case.item_version.forms.get(task.form_key)


def complete_from_request(task: HumanTask, user: User) -> formrender.Submission | None:
    """Complete `task` with the POSTed form. Returns the submission to show again if it is not valid,
    None once the engine has completed the task. A refusal of the case's state (fees still due) comes back
    on the form; conflicts and permission refusals propagate as engine errors."""
    submission = formrender.read(task_form_spec(task), request.form)
    if not submission.ok:
        return submission
    try:
        cases.complete(engine_db(), task.id, user, submission.data)
    except InvalidInput as exc:
        submission.errors = exc.errors or {"": [exc.message]}
        return submission
    except InvalidState as exc:  # e.g. fees still due: said above the form, the answers kept
        submission.errors = {"": [exc.message]}
        return submission
    return None

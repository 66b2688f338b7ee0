"""Completing a task from its form, shared by the workbench (staff) and the applicant's own tasks."""
from __future__ import annotations

import copy

from flask import request

from engine import cases, formdata
from engine.errors import InvalidInput, InvalidState
from engine.models import HumanTask, User

from . import formrender
from .extensions import engine_db


def task_form_spec(task: HumanTask) -> dict | None:
    """The task's form ({schema, ui}) from the item version its case runs on; None for a task without one.

    A pre-review form's supplement lists become tick boxes: every field of the application and every
    material of the item, so a supplement request names exactly what to fix (one notice lists them all)."""
    if not task.form_key:
        return None
    spec = task.case.item_version.forms.get(task.form_key)
    if spec is None or task.case_step != "pre_review":
        return spec
    version = task.case.item_version
    fields = formdata.field_paths(version.forms.get(version.application_form, {}).get("schema") or {})
    materials = [(m["id"], m.get("name") or m["id"]) for m in version.guide.get("materials") or [] if m.get("id")]
    return _with_choices(spec, {"supplement_fields": fields, "supplement_materials": materials})


def _with_choices(spec: dict, choices: dict[str, list[tuple[str, str]]]) -> dict:
    schema = copy.deepcopy(spec.get("schema") or {})
    for name, pairs in choices.items():
        field = (schema.get("properties") or {}).get(name)
        if field is None or field.get("type") != "array" or not pairs:
            continue
        items = dict(field.get("items") or {})
        items.pop("minLength", None)
        items["oneOf"] = [{"const": value, "title": title} for value, title in pairs]
        field["items"] = items
    return {**spec, "schema": schema}


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

"""Revisions of a case's application: a supplement (补正) corrects the fields the clerk named, nothing else.

`case_file.application` always holds the current application. Each answered supplement that corrects
fields adds a round to `application_revision`; round 1, the application as submitted, is written the
first time a case is revised (from the case row itself), so submitting costs nothing extra.

Only the fields the latest supplement request names (`supplement_fields`, dotted paths from
`formdata.field_paths`) may change. The web layer reads only those fields from the request, so a forged
field is ignored there; this module is the rule itself and **refuses** (`InvalidInput`) an application
that differs from the current one anywhere else.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit, clock, formdata
from .errors import InvalidInput
from .i18n import _
from .models import ApplicationRevision, AuditEvent, Case, HumanTask, User
from .prefill import form_fields
from .status import CaseStatus

_MISSING = object()


@dataclass(frozen=True)
class FieldChange:
    path: str
    title: str
    before: object  # None when the field was empty
    after: object


def requested_fields(session: Session, case_id: int) -> list[str]:
    """The application fields the case's latest supplement request names (dotted paths)."""
    return [f for f in _latest_request(session, case_id).get("supplement_fields") or [] if isinstance(f, str)]


def requested_materials(session: Session, case_id: int) -> list[str]:
    """The materials the case's latest supplement request names (material ids; older free-text entries too)."""
    return [m for m in _latest_request(session, case_id).get("supplement_materials") or [] if isinstance(m, str)]


def _latest_request(session: Session, case_id: int) -> dict:
    detail = session.scalar(select(AuditEvent.detail).where(
        AuditEvent.case_id == case_id, AuditEvent.action == "status",
        AuditEvent.status == int(CaseStatus.SUPPLEMENT_REQUESTED)).order_by(AuditEvent.seq.desc()).limit(1))
    return detail or {}


def value_at(document: dict, path: str):
    """The value at a dotted path of a JSON document; `None` when absent."""
    node = document
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def with_fields(current: dict, submitted: dict, paths: list[str]) -> dict:
    """`current` with the values at `paths` taken from `submitted` (a path left empty there is removed):
    the application a supplement answer makes, whatever else `submitted` holds."""
    result = copy.deepcopy(current)
    for path in paths:
        value = value_at(submitted, path)
        _put(result, path.split("."), value)
    return result


def correction_form(spec: dict, paths: list[str]) -> dict:
    """The part of an application form ({schema, ui}) a supplement may change: only the fields at `paths`,
    nested as in the full form, each keeping its own rules and whether it is required (conditions are left
    out: the whole corrected application is validated again when the supplement is answered)."""
    schema, ui = spec.get("schema") or {}, spec.get("ui") or {}
    out_schema: dict = {"type": "object", "properties": {}, "required": []}
    out_ui: dict = {}
    for path in paths:
        source, source_ui, target, target_ui = schema, ui, out_schema, out_ui
        parts = path.split(".")
        for depth, part in enumerate(parts):
            child = form_fields(source).get(part)
            if child is None:
                break
            if part in (source.get("required") or []) and part not in target["required"]:
                target["required"].append(part)
            child_ui = source_ui.get(part) if isinstance(source_ui.get(part), dict) else {}
            if depth == len(parts) - 1:
                target["properties"][part] = copy.deepcopy(child)
                if child_ui:
                    target_ui[part] = copy.deepcopy(child_ui)
                break
            target = target["properties"].setdefault(part, {
                "type": "object", "title": child.get("title", part), "properties": {}, "required": []})
            target_ui = target_ui.setdefault(part, {})
            source, source_ui = child, child_ui
    return {"schema": out_schema, "ui": out_ui}


def unrequested_changes(current: dict, new: dict, paths: list[str]) -> bool:
    """Does `new` differ from `current` anywhere outside `paths`?"""
    return _without(current, paths) != _without(new, paths)


def revise(session: Session, case: Case, task: HumanTask, user: User, application: dict) -> list[str]:
    """Inside the supplement task's completion: make `application` (already validated against the form) the
    case's application, keeping the previous one as a revision. Returns the changed paths.

    Refused unless the task is the applicant's supplement step, and if anything outside the requested
    fields changed."""
    if task.case_step != "supplement":
        raise InvalidInput(_("只有补正环节可以修改申请内容。"), {"": [_("只有补正环节可以修改申请内容。")]})
    paths = requested_fields(session, case.id)
    if unrequested_changes(case.application, application, paths):
        raise InvalidInput(_("只能修改补正告知书列出的内容。"),
                           {"": [_("只能修改补正告知书列出的内容，其他内容不能更改。")]})
    now = clock.now()
    last = session.scalar(select(func.max(ApplicationRevision.round)).where(ApplicationRevision.case_id == case.id))
    if last is None:  # round 1, as submitted, is kept the first time the application changes
        session.add(ApplicationRevision(case_id=case.id, round=1, data=case.application, changed=[],
                                        submitted_by_id=case.agent_id or case.applicant_id,
                                        submitted_at=case.received_at))
        last = 1
    changed = [p for p in paths if value_at(case.application, p) != value_at(application, p)]
    session.add(ApplicationRevision(case_id=case.id, round=last + 1, data=application, changed=changed,
                                    submitted_by_id=user.id, submitted_at=now, task_id=task.id))
    case.application = application
    audit.record(session, "application_revised", case=case, actor=user,
                 detail={"round": last + 1, "changed": changed})
    return changed


def revisions_of(session: Session, case_id: int) -> list[ApplicationRevision]:
    """The rounds of a case's application, oldest first (empty while it was never revised)."""
    return list(session.scalars(select(ApplicationRevision).where(ApplicationRevision.case_id == case_id)
                                .order_by(ApplicationRevision.round)))


@dataclass(frozen=True)
class RevisionDiff:
    round: int
    submitted_at: datetime
    by: str
    changes: list[FieldChange]


def latest_changes(session: Session, case: Case, schema: dict) -> RevisionDiff | None:
    """What the latest supplement changed in the application, field by field with the form's titles."""
    rows = session.scalars(select(ApplicationRevision).where(ApplicationRevision.case_id == case.id)
                           .order_by(ApplicationRevision.round.desc()).limit(2)).all()
    if len(rows) < 2:
        return None
    after, before = rows
    titles = dict(formdata.field_paths(schema))
    paths = list(dict.fromkeys(list(after.changed or []) + [p for p in titles
                                                            if value_at(before.data, p) != value_at(after.data, p)]))
    changes = [FieldChange(p, titles.get(p, p), value_at(before.data, p), value_at(after.data, p)) for p in paths
               if value_at(before.data, p) != value_at(after.data, p)]
    by = after.submitted_by.display_name if after.submitted_by else ""
    return RevisionDiff(after.round, after.submitted_at, by, changes)


def _put(document: dict, parts: list[str], value) -> None:
    node = document
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if value is None:
                return
            child = node[part] = {}
        node = child
    if value is None or value == "" or value == [] or value == {}:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = copy.deepcopy(value)


def _without(document: dict, paths: list[str]) -> dict:
    result = copy.deepcopy(document or {})
    for path in paths:
        _put(result, path.split("."), None)
    return _prune_empty(result)


def _prune_empty(value):
    if isinstance(value, dict):
        cleaned = {k: _prune_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in ({}, None)}
    return value

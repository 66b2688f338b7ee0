"""Element templates for Camunda Modeler (Camunda 7 platform) generated from the live configuration.

An analyst who draws in Camunda Modeler applies the template to a user task and picks the form, the
candidate group and the case step from lists, and types the step limit in working days: the values land
where the bundle checker reads them (camunda:formKey, camunda:candidateGroups, camunda:properties).
"""
from __future__ import annotations

from sqlalchemy import select

from engine.bundles.usertasks import CASE_STEPS
from engine.db import Database
from engine.models import Group, Item, ItemVersion

SCHEMA = "https://unpkg.com/@camunda/element-templates-json-schema/resources/schema.json"
STEP_LABELS = {"pre_review": "窗口预审/受理", "supplement": "申请人补正", "review": "审查", "approve": "审批/决定",
               "special_procedure": "特别程序"}


def element_templates(db: Database) -> list[dict]:
    """The templates as Camunda Modeler reads them (a JSON list): one for a OneWindow user task."""
    with db.read() as session:
        groups = [(g.code, g.name) for g in session.scalars(select(Group).order_by(Group.code))]
        forms = sorted({key for (forms,) in session.execute(
            select(ItemVersion.forms).join(Item, Item.current_version_id == ItemVersion.id)) for key in forms})
    group_choices = [{"name": "申请人本人 (applicant)", "value": "applicant"}]
    group_choices += [{"name": f"{name} ({code})", "value": code} for code, name in groups]
    return [{
        "$schema": SCHEMA,
        "name": "一窗通办理环节",
        "id": "onewindow.userTask",
        "version": 1,
        "description": "一窗通的用户任务：表单、候选组、办理环节和环节时限（工作日）",
        "appliesTo": ["bpmn:UserTask"],
        "properties": [
            {"label": "表单", "type": "Dropdown", "binding": {"type": "property", "name": "camunda:formKey"},
             "choices": [{"name": key, "value": key} for key in forms] or [{"name": "（无）", "value": ""}]},
            {"label": "候选组", "type": "Dropdown", "binding": {"type": "property", "name": "camunda:candidateGroups"},
             "choices": group_choices},
            {"label": "办理环节", "type": "Dropdown", "binding": {"type": "camunda:property", "name": "caseStep"},
             "choices": [{"name": STEP_LABELS.get(step, step), "value": step} for step in CASE_STEPS]},
            {"label": "环节时限（工作日）", "type": "String", "binding": {"type": "camunda:property", "name": "stepLimitDays"},
             "constraints": {"notEmpty": False, "pattern": {"value": "^[0-9]*$", "message": "填正整数"}}},
        ],
    }]

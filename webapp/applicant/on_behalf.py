"""The part of the application form an agent (代办员) fills in about the person they apply for."""
from __future__ import annotations

from flask_babel import gettext as _

from engine.models import User
from engine.permissions import AGENT, APPLICANT

PREFIX = "on_behalf"


def needed(user: User) -> bool:
    """Agents apply for someone else; an applicant who is also an agent applies for themself."""
    return AGENT in user.role_names and APPLICANT not in user.role_names


def spec() -> dict:
    """A form ({schema, ui}) nested under `on_behalf`, so its names never meet the item form's."""
    person = {
        "type": "object", "title": _("被代办的申请人"),
        "properties": {
            "applicant_name": {"type": "string", "title": _("申请人姓名或名称"), "minLength": 2, "maxLength": 200},
            "applicant_type": {"type": "string", "title": _("申请人类型"), "enum": ["自然人", "法人"]},
            "applicant_id_number": {"type": "string", "title": _("证件号码"), "maxLength": 18,
                                    "description": _("居民身份证号码或统一社会信用代码")},
        },
        "required": ["applicant_name", "applicant_type", "applicant_id_number"],
    }
    return {"schema": {"type": "object", "properties": {PREFIX: person}, "required": [PREFIX]},
            "ui": {PREFIX: {"applicant_type": {"ui:widget": "radio"}}}}


def person_arguments(data: dict) -> dict:
    """The applicant's identity as engine.cases.submit takes it."""
    person = data.get(PREFIX, {})
    return {"applicant_name": person.get("applicant_name"), "applicant_type": person.get("applicant_type"),
            "applicant_id_number": person.get("applicant_id_number")}


def errors_for_person(errors: dict) -> dict:
    """Engine messages about the applicant's identity, keyed to this form's fields."""
    return {f"{PREFIX}.{key}": messages for key, messages in errors.items() if key.startswith("applicant_")}


def submit_arguments(data: dict, agent: User) -> dict:
    """Keyword arguments of engine.cases.submit for an application made by an agent."""
    return {"applicant": None, "agent": agent, "channel": "agent", **person_arguments(data)}

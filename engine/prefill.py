"""Filling a fresh application form from what the platform already knows about the applicant.

A field asks for it in the UI schema with `"ui:prefill"`:

- `"profile.<attribute>"`: from the account (`display_name`, `applicant_type`, `id_number`, `phone`,
  `email`, or by kind of applicant: `company_name` / `credit_code` for a company (法人), `person_name` /
  `resident_id` for a person (自然人), empty for the other kind, since a resident ID can pass a credit
  code's pattern); when the profile has no value, the applicant's previous cases are asked as below;
- `"previous"`: the latest value the applicant gave for the field of the same dotted path in any of
  their previous cases (newest first, `PREVIOUS_CASES` of them).

Only hinted fields are filled (a previous project's name must not become the new project's), only with a
value the field accepts (type, enum, length, pattern), and only for applicants applying for themselves:
an agent's profile and cases are other people's. The applicant sees every value and may change it.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import patterns
from .models import Case, User

PROFILE_ATTRIBUTES = ("display_name", "applicant_type", "id_number", "phone", "email")
# Attributes that only mean something for one kind of applicant: (kind, attribute of the account).
BY_KIND = {"company_name": ("法人", "display_name"), "credit_code": ("法人", "id_number"),
           "person_name": ("自然人", "display_name"), "resident_id": ("自然人", "id_number")}
PREVIOUS_CASES = 20
HINT = "ui:prefill"


def hints(schema: dict, ui: dict, prefix: tuple = ()) -> list[tuple[tuple, str, dict]]:
    """(path, hint, field schema) of every scalar field carrying a `ui:prefill` hint."""
    found = []
    for name, child in form_fields(schema).items():
        child_ui = ui.get(name) if isinstance(ui.get(name), dict) else {}
        path = prefix + (name,)
        if _type(child) == "object":
            found += hints(child, child_ui, path)
        elif isinstance(child_ui.get(HINT), str):
            found.append((path, child_ui[HINT], child))
    return found


def prefill(session: Session, user: User, schema: dict, ui: dict) -> dict:
    """The values a fresh form starts with: the schema's defaults, then every hinted field's known value."""
    data = defaults(schema)
    wanted = hints(schema, ui or {})
    if not wanted:
        return data
    previous = None
    for path, hint, field in wanted:
        value = None
        if hint.startswith("profile."):
            attribute = hint.removeprefix("profile.")
            value = _profile_value(user, attribute)
        if value in (None, "") and (hint == "previous" or hint.startswith("profile.")):
            if previous is None:
                previous = _previous_applications(session, user)
            value = next((v for v in (_at(app, path) for app in previous) if v not in (None, "") and
                          _fits(field, v)), None)
        if value not in (None, "") and _fits(field, value):
            _put(data, path, value)
    return data


def _profile_value(user: User, attribute: str):
    if attribute in PROFILE_ATTRIBUTES:
        return getattr(user, attribute, None)
    if attribute in BY_KIND:
        kind, source = BY_KIND[attribute]
        return getattr(user, source, None) if user.applicant_type == kind else None
    return None


def defaults(schema: dict) -> dict:
    """The `default` values of an object's fields, nested objects included."""
    found = {}
    for name, child in form_fields(schema).items():
        if "default" in child:
            found[name] = child["default"]
        elif _type(child) == "object":
            nested = defaults(child)
            if nested:
                found[name] = nested
    return found


def _previous_applications(session: Session, user: User) -> list[dict]:
    rows = session.scalars(select(Case.application).where(Case.applicant_id == user.id)
                           .order_by(Case.received_at.desc(), Case.id.desc()).limit(PREVIOUS_CASES))
    return [row for row in rows if isinstance(row, dict)]


def _fits(field: dict, value) -> bool:
    """Would the field accept this value (a subset of JSON Schema: type, enum, length, pattern)?"""
    kind = _type(field)
    if kind == "string":
        if not isinstance(value, str):
            return False
        if len(value) > int(field.get("maxLength", 10 ** 6)) or len(value) < int(field.get("minLength", 0)):
            return False
        if field.get("pattern") and (patterns.refusal(field["pattern"]) or not patterns.search(field["pattern"], value)):
            return False
    elif kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
    elif kind == "boolean" and not isinstance(value, bool):
        return False
    if isinstance(field.get("enum"), list) and value not in field["enum"]:
        return False
    branches = field.get("oneOf") or field.get("anyOf")
    if isinstance(branches, list) and all(isinstance(b, dict) and "const" in b for b in branches):
        return value in [b["const"] for b in branches]
    return kind not in ("object", "array")


def _type(schema: dict) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return kind or ("object" if "properties" in schema else "string")


def form_fields(schema: dict) -> dict:
    """An object's fields: `properties` plus those defined only in `if`/`then`/`else` branches."""
    found = dict(schema.get("properties") or {})
    for branch in [schema] + [b for b in schema.get("allOf") or [] if isinstance(b, dict)]:
        for part in ("then", "else"):
            for name, sub in ((branch.get(part) or {}).get("properties") or {}).items():
                if name not in found and isinstance(sub, dict) and ("type" in sub or "properties" in sub):
                    found[name] = sub
    return {name: sub for name, sub in found.items() if isinstance(sub, dict)}


def _at(document: dict, path: tuple):
    node = document
    for part in path:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _put(document: dict, path: tuple, value) -> None:
    node = document
    for part in path[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            return
    node[path[-1]] = value

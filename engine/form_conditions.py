"""Conditional visibility in the form designer: "只在 <字段> 为 <值> 时显示" as JSON Schema `if`/`then`.

A top-level field Y shown only when an earlier choice or yes/no field X holds value v is one member of the
form's `allOf`, in the shape the sample forms use and webapp/formrender shows and hides by:

    {"if": {"properties": {X: {"const": v}}, "required": [X]}, "then": {"required": [Y]}}       # required when shown
    {"if": {"properties": {X: {"const": v}}, "required": [X]}, "then": {"properties": {Y: true}}}  # optional

Y is then not in the form's own `required`: a conditional field is required only when shown. A row carries
the condition as `show_when` = "X=v" (v as the HTML form carries it: `true`, `false`, or the text).
Members of any other shape, and fields named by more than one member, are kept exactly as they are and left
to the JSON editor; members the designer wrote are rewritten in place, so saving unchanged changes nothing.
"""
from __future__ import annotations

from .i18n import _


def token(value) -> str:
    """A condition value as an HTML form carries it (the same as webapp.formrender.schema.token)."""
    return "true" if value is True else "false" if value is False else str(value)


def values_of(prop: dict, choices: list | None) -> list:
    """The values a condition may test on a field: a choice's values, or true/false; [] for other kinds."""
    if choices is not None:
        return [value for value, _label in choices]
    return [True, False] if prop.get("type") == "boolean" else []


def block(field: str, value, name: str, required: bool) -> dict:
    """The `allOf` member that shows `name` only when `field` is `value`."""
    then = {"required": [name]} if required else {"properties": {name: True}}
    return {"if": {"properties": {field: {"const": value}}, "required": [field]}, "then": then}


def _named(member) -> list[str]:
    """Fields an `allOf` member could show or hide (what formrender's show_conditions may read)."""
    if not isinstance(member, dict) or not isinstance(member.get("then"), dict):
        return []
    then = member["then"]
    props = then.get("properties") if isinstance(then.get("properties"), dict) else {}
    required = then.get("required") if isinstance(then.get("required"), list) else []
    return [n for n in required if isinstance(n, str)] + list(props)


def _shape(member) -> tuple[str, object, str, bool] | None:
    """(field, value, shown field, required) when the member is exactly what `block` writes."""
    if not isinstance(member, dict) or set(member) != {"if", "then"} or not isinstance(member["if"], dict):
        return None
    condition = member["if"].get("properties")
    if not isinstance(condition, dict) or len(condition) != 1:
        return None
    (field, test), = condition.items()
    if not isinstance(test, dict) or set(test) != {"const"}:
        return None
    names = _named(member)
    if len(names) != 1 or member != block(field, test["const"], names[0], "required" in member["then"]):
        return None
    return field, test["const"], names[0], "required" in member["then"]


def recognised(schema: dict, values: dict[str, list]) -> dict[str, tuple[int, str, object, bool]]:
    """Conditions the designer can show: shown field -> (index in `allOf`, field, value, required).

    `values` maps each top-level row, in order, to the values a condition may test on it; the condition's
    field must be an earlier row with the value among its values, and the shown field must be a row named by
    no other member and not required outside the condition.
    """
    members = schema.get("allOf") if isinstance(schema.get("allOf"), list) else []
    counts: dict[str, int] = {}
    for member in members:
        for name in set(_named(member)):
            counts[name] = counts.get(name, 0) + 1
    order = list(values)
    found = {}
    for index, member in enumerate(members):
        shape = _shape(member)
        if shape is None:
            continue
        field, value, name, required = shape
        if name not in order or counts[name] != 1 or name in (schema.get("required") or []):
            continue
        if field in order[:order.index(name)] and any(v == value and type(v) is type(value) for v in values[field]):
            found[name] = (index, field, value, required)
    return found


def kept(schema: dict, found: dict) -> list[str]:
    """Fields named by conditional members the designer does not express (kept for the JSON editor)."""
    members = schema.get("allOf") if isinstance(schema.get("allOf"), list) else []
    done = {index for index, *_rest in found.values()}
    names = [n for i, m in enumerate(members) if i not in done for n in _named(m)]
    names += _named(schema) if "if" in schema else []
    return list(dict.fromkeys(names))


def write(old: dict, recognised_before: dict, result: dict, rows: list[dict], values: dict[str, list],
          errors: dict[str, list[str]]) -> None:
    """Put the rows' `show_when` conditions into `result` (the rebuilt form): `allOf` members written in
    place of the ones they replace, conditional fields out of `required`; messages keyed `rows.<i>.show_when`."""
    order = [(row.get("name") or "").strip() for row in rows]
    others = kept(old, recognised_before)
    written: dict[str, dict] = {}
    for i, row in enumerate(rows):
        wanted = (row.get("show_when") or "").strip()
        if not wanted:
            continue
        field, _sep, text = wanted.partition("=")
        message, value = _check(field, text, order, i, values)
        if order[i] in others:
            message = _("字段 %(n)s 已有设计器无法表达的显示条件，请在表单 JSON 中编辑", n=order[i])
        if message:
            errors[f"rows.{i}.show_when"] = [message]
            continue
        written[order[i]] = block(field, value, order[i], bool(row.get("required")))
    members = old.get("allOf") if isinstance(old.get("allOf"), list) else []
    by_index = {index: name for name, (index, *_rest) in recognised_before.items()}
    all_of = []
    for index, member in enumerate(members):
        name = by_index.get(index)
        if name is None:
            all_of.append(member)
        elif name in written:
            all_of.append(written.pop(name))
    all_of += list(written.values())
    if all_of:
        result["allOf"] = all_of  # in its old place among the keys when it was there
    else:
        result.pop("allOf", None)
    shown_only = {(row.get("name") or "").strip() for row in rows if (row.get("show_when") or "").strip()}
    required = [n for n in result.get("required") or [] if n not in shown_only]
    if required:
        result["required"] = required
    else:
        result.pop("required", None)


def _check(field: str, text: str, order: list[str], i: int, values: dict[str, list]) -> tuple[str, object]:
    """(message, value): the message says why the condition cannot be written, else it is ""."""
    if field not in order:
        return _("显示条件所依据的字段 %(n)s 不在本表单中", n=field), None
    if order.index(field) >= i:
        return _("显示条件只能依据排在本字段之前的字段，%(n)s 不在它之前", n=field), None
    if not values.get(field):
        return _("显示条件只能依据选择或是/否字段，%(n)s 不是", n=field), None
    value = next((v for v in values[field] if token(v) == text), None)
    if value is None:
        return _("字段 %(n)s 没有选项 %(v)s", n=field, v=text), None
    return "", value

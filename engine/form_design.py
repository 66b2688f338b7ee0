"""The form designer's model: a form's fields as rows, and back into its JSON Schema.

A row is {name, title, kind, required, options, description}; kind is text, textarea, integer, number,
boolean, date or choice (options one per line, `value` or `value=标签`), or one level of nesting: `group`
(a nested object) or `table` (an array of objects, e.g. shareholders as rows), whose sub-fields are simple
rows in `fields`. Fields the rows cannot express (deeper nesting, arrays of plain values, a group with its
own conditionals) are listed as complex and left exactly as they are. Rebuilding a field starts from its old
schema, so keywords the rows do not show (pattern, maxLength, minimum, minItems...) are kept; saving
unchanged changes nothing.
A top-level row may also carry `show_when` ("field=value"): it is shown only when an earlier choice or yes/no
field holds that value, written as `if`/`then` by engine.form_conditions.
"""
from __future__ import annotations

import copy
import re

from . import form_conditions
from .errors import InvalidInput
from .i18n import _

SIMPLE_KINDS = ("text", "textarea", "integer", "number", "boolean", "date", "choice")
NESTED_KINDS = ("group", "table")
KINDS = SIMPLE_KINDS + NESTED_KINDS
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_SHAPE = ("type", "format", "enum", "oneOf", "anyOf", "const")
_NESTED_SHAPE = ("type", "properties", "required", "items")


def _choices(prop: dict) -> list[tuple[object, str]] | None:
    if isinstance(prop.get("enum"), list):
        return [(v, str(v)) for v in prop["enum"]]
    branches = prop.get("oneOf")
    if isinstance(branches, list) and branches and all(isinstance(b, dict) and "const" in b for b in branches):
        return [(b["const"], b.get("title") or str(b["const"])) for b in branches]
    return None


def kind_of(prop: dict, ui: dict | None = None) -> str | None:
    """The designer's simple kind of a property, or None when it is nested or complex."""
    if not isinstance(prop, dict) or any(k in prop for k in ("properties", "items", "if", "allOf", "$ref")):
        return None
    if _choices(prop) is not None:
        return "choice"
    kind = prop.get("type")
    if kind == "string":
        if prop.get("format") == "date":
            return "date"
        return "textarea" if (ui or {}).get("ui:widget") == "textarea" else "text"
    return kind if kind in ("integer", "number", "boolean") else None


def _only_simple(schema: dict, ui: dict) -> bool:
    """An object whose fields are all simple and which has no conditionals of its own."""
    if any(k in schema for k in ("if", "allOf", "anyOf", "oneOf", "$ref")) or not isinstance(ui, dict):
        return False
    props = schema.get("properties")
    return isinstance(props, dict) and all(kind_of(p, ui.get(n)) for n, p in props.items())


def nested_kind(prop: dict, ui: dict | None) -> str | None:
    """`group` or `table` when the designer can show the property's fields as rows, else None."""
    ui = ui if isinstance(ui, dict) else {}
    if not isinstance(prop, dict) or any(k in prop for k in ("if", "allOf", "$ref")):
        return None
    if prop.get("type") == "object" and _only_simple(prop, ui):
        return "group"
    items = prop.get("items")
    if prop.get("type") == "array" and isinstance(items, dict) and items.get("type") == "object" \
            and _only_simple(items, ui.get("items") or {}):
        return "table"
    return None


def _inner(prop: dict, ui: dict, kind: str) -> tuple[dict, dict]:
    """The object schema and UI schema holding a group's or a table's fields."""
    if kind == "table":
        return prop.get("items") or {}, (ui or {}).get("items") or {}
    return prop, ui or {}


def rows_of(schema: dict, ui: dict, nested: bool = True) -> tuple[list[dict], list[str]]:
    """(rows in schema order, names of complex fields); groups and tables carry their rows in `fields`."""
    required = set(schema.get("required") or [])
    rows, complex_fields = [], []
    for name, prop in (schema.get("properties") or {}).items():
        kind = kind_of(prop, ui.get(name))
        if kind is None and nested:
            kind = nested_kind(prop, ui.get(name))
        if kind is None:
            complex_fields.append(name)
            continue
        row = {"name": name, "title": prop.get("title", ""), "kind": kind, "required": name in required,
               "description": prop.get("description", "")}
        if kind in NESTED_KINDS:
            row["fields"] = rows_of(*_inner(prop, ui.get(name) or {}, kind), nested=False)[0]
        else:
            choices = _choices(prop) or []
            row["options"] = "\n".join(str(v) if label == str(v) else f"{v}={label}" for v, label in choices)
        rows.append(row)
    if nested:
        shown = form_conditions.recognised(schema, condition_values(schema, ui))
        for row in rows:
            if row["name"] in shown:
                _index, field, value, row["required"] = shown[row["name"]]
                row["show_when"] = f"{field}={form_conditions.token(value)}"
    return rows, complex_fields


def condition_values(schema: dict, ui: dict) -> dict[str, list]:
    """Each top-level row's name, in order, with the values a condition may test on it ([] for most kinds)."""
    found = {}
    for name, prop in (schema.get("properties") or {}).items():
        kind = kind_of(prop, ui.get(name)) or nested_kind(prop, ui.get(name))
        if kind is not None:
            found[name] = form_conditions.values_of(prop, _choices(prop)) if kind in ("choice", "boolean") else []
    return found


def condition_choices(schema: dict, ui: dict) -> list[tuple[str, str, object, str]]:
    """What a `show_when` may name, field by field: ("field=value", field title, value, value label)."""
    props = schema.get("properties") or {}
    return [(f"{name}={form_conditions.token(value)}", props[name].get("title") or name, value,
             dict(_choices(props[name]) or []).get(value, ""))
            for name, values in condition_values(schema, ui).items() for value in values]


def kept_conditions(schema: dict, ui: dict) -> list[str]:
    """Fields whose conditional visibility the designer cannot show: left to the JSON editor."""
    return form_conditions.kept(schema, form_conditions.recognised(schema, condition_values(schema, ui)))


def apply_rows(schema: dict, ui: dict, rows: list[dict]) -> tuple[dict, dict]:
    """The form with its designable fields replaced by `rows` (complex fields kept after them). Raises
    InvalidInput with messages keyed `rows.<i>.<field>` (`rows.<i>.fields.<j>.<field>` inside a group)."""
    errors: dict[str, list[str]] = {}
    result, new_ui = _apply(schema, ui, rows, "rows", True, errors)
    if not errors:  # conditions are checked against the fields as rebuilt
        before = form_conditions.recognised(schema, condition_values(schema, ui))
        form_conditions.write(schema, before, result, rows, condition_values(result, new_ui), errors)
    if errors:
        raise InvalidInput(_("表单未保存，请修改标出的内容"), errors)
    return result, new_ui


def _apply(schema: dict, ui: dict, rows: list[dict], path: str, nested: bool,
           errors: dict[str, list[str]]) -> tuple[dict, dict]:
    old = schema.get("properties") or {}
    _rows, complex_fields = rows_of(schema, ui, nested)
    seen: set[str] = set(complex_fields)
    properties, required, new_ui = {}, [], {k: v for k, v in ui.items() if k.startswith("ui:") or k in complex_fields}
    kinds = KINDS if nested else SIMPLE_KINDS
    for i, row in enumerate(rows):
        name, kind = (row.get("name") or "").strip(), row.get("kind")
        if not _NAME.match(name):
            errors[f"{path}.{i}.name"] = [_("字段名为小写字母开头的字母、数字、下划线（最多 41 位）")]
        elif name in seen:
            errors[f"{path}.{i}.name"] = [_("字段名 %(n)s 重复", n=name)]
        seen.add(name)
        if kind not in kinds:
            errors[f"{path}.{i}.kind"] = [_("请选择字段类型") if nested or kind not in KINDS
                                          else _("分组和多行表格里只能放简单字段")]
            continue
        before = copy.deepcopy(old.get(name) or {})
        row_ui = dict(ui.get(name) or {})
        if kind in NESTED_KINDS:
            prop, row_ui = _nested(before, row_ui, row, kind, f"{path}.{i}.fields", errors)
        else:
            prop = _simple(before, row, f"{path}.{i}", errors)
            if kind == "textarea":
                row_ui["ui:widget"] = "textarea"
            elif row_ui.get("ui:widget") == "textarea":
                del row_ui["ui:widget"]  # other widgets (radio, select) stay as the analyst set them
        title = (row.get("title") or "").strip()
        if title or "title" in before or not before:  # a field that never had a title keeps none
            prop["title"] = title or name
        if (row.get("description") or "").strip():
            prop["description"] = row["description"].strip()
        else:
            prop.pop("description", None)
        properties[name] = prop
        if row.get("required"):
            required.append(name)
        if row_ui:
            new_ui[name] = row_ui
    for name in complex_fields:
        properties[name] = old[name]
        if name in (schema.get("required") or []):
            required.append(name)
    before_order = [n for n in schema.get("required") or [] if n in required]  # the old order where it holds
    required = before_order + [n for n in required if n not in before_order]
    result = {k: v for k, v in schema.items() if k not in ("properties", "required")}
    result.setdefault("type", "object")
    result["properties"] = properties
    if required:
        result["required"] = required
    order = new_ui.get("ui:order")
    if isinstance(order, list):
        new_ui["ui:order"] = [n for n in order if n in properties or n == "*"] + \
            [n for n in properties if n not in order and "*" not in order]
    return result, new_ui


def _simple(before: dict, row: dict, path: str, errors: dict[str, list[str]]) -> dict:
    kind = row["kind"]
    prop = {k: v for k, v in before.items() if k not in _SHAPE and k not in _NESTED_SHAPE}
    if kind == "choice":
        choices = []
        for line in (row.get("options") or "").splitlines():
            if line.strip():
                value, _sep, label = line.partition("=")
                choices.append({"const": value.strip(), "title": (label or value).strip()})
        if not choices:
            errors[f"{path}.options"] = [_("选择题至少要有一个选项（每行一个）")]
        if "enum" in before and all(c["const"] == c["title"] for c in choices):
            prop.update({"type": "string", "enum": [c["const"] for c in choices]})  # a plain list stays one
        else:
            prop.update({"type": "string", "oneOf": choices})
    elif kind in ("text", "textarea", "date"):
        prop["type"] = "string"
        if kind == "date":
            prop["format"] = "date"
    else:
        prop["type"] = kind
    return prop


def _nested(before: dict, ui: dict, row: dict, kind: str, path: str,
            errors: dict[str, list[str]]) -> tuple[dict, dict]:
    """A group (object) or table (array of objects) rebuilt from its sub-rows; a field that changes between
    the two starts afresh, keeping only its title and description."""
    fields = row.get("fields") or []
    if not fields:
        errors[path] = [_("分组或多行表格至少要有一个子字段")]
    if nested_kind(before, ui) != kind:
        before, ui = {k: v for k, v in before.items() if k in ("title", "description")}, {}
    if kind == "group":
        inner, inner_ui = _apply({**before, "type": "object"}, ui, fields, path, False, errors)
        return inner, inner_ui
    items, items_ui = _apply(before.get("items") or {"type": "object"}, ui.get("items") or {}, fields, path,
                             False, errors)
    prop = {**{k: v for k, v in before.items() if k != "items"}, "type": "array", "items": items}
    table_ui = {k: v for k, v in ui.items() if k != "items"}
    if items_ui:
        table_ui["items"] = items_ui
    return prop, table_ui

"""The form designer's model: a form's top-level fields as simple rows, and back into its JSON Schema.

A row is {name, title, kind, required, options, description}; kind is text, textarea, integer, number,
boolean, date or choice (options one per line, `value` or `value=标签`). Fields the rows cannot express
(nested objects, arrays, conditionals) are listed as complex and left exactly as they are. Rebuilding a
simple field starts from its old schema, so keywords the rows do not show (pattern, maxLength, minimum...)
are kept.
"""
from __future__ import annotations

import copy
import re

from .errors import InvalidInput
from .i18n import _

KINDS = ("text", "textarea", "integer", "number", "boolean", "date", "choice")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_SHAPE = ("type", "format", "enum", "oneOf", "anyOf", "const")


def _choices(prop: dict) -> list[tuple[object, str]] | None:
    if isinstance(prop.get("enum"), list):
        return [(v, str(v)) for v in prop["enum"]]
    branches = prop.get("oneOf")
    if isinstance(branches, list) and branches and all(isinstance(b, dict) and "const" in b for b in branches):
        return [(b["const"], b.get("title") or str(b["const"])) for b in branches]
    return None


def kind_of(prop: dict, ui: dict | None = None) -> str | None:
    """The designer's kind of a property, or None when it is complex."""
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


def rows_of(schema: dict, ui: dict) -> tuple[list[dict], list[str]]:
    """(simple rows in schema order, names of complex fields)."""
    required = set(schema.get("required") or [])
    rows, complex_fields = [], []
    for name, prop in (schema.get("properties") or {}).items():
        kind = kind_of(prop, ui.get(name))
        if kind is None:
            complex_fields.append(name)
            continue
        choices = _choices(prop) or []
        options = "\n".join(str(v) if label == str(v) else f"{v}={label}" for v, label in choices)
        rows.append({"name": name, "title": prop.get("title", ""), "kind": kind, "required": name in required,
                     "options": options, "description": prop.get("description", "")})
    return rows, complex_fields


def apply_rows(schema: dict, ui: dict, rows: list[dict]) -> tuple[dict, dict]:
    """The form with its simple fields replaced by `rows` (complex fields kept after them). Raises
    InvalidInput with messages keyed `rows.<i>.<field>`."""
    errors: dict[str, list[str]] = {}
    old = schema.get("properties") or {}
    _rows, complex_fields = rows_of(schema, ui)
    seen: set[str] = set(complex_fields)
    properties, required, new_ui = {}, [], {k: v for k, v in ui.items() if k.startswith("ui:") or k in complex_fields}
    for i, row in enumerate(rows):
        name, kind = (row.get("name") or "").strip(), row.get("kind")
        if not _NAME.match(name):
            errors[f"rows.{i}.name"] = [_("字段名为小写字母开头的字母、数字、下划线（最多 41 位）")]
        elif name in seen:
            errors[f"rows.{i}.name"] = [_("字段名 %(n)s 重复", n=name)]
        seen.add(name)
        if kind not in KINDS:
            errors[f"rows.{i}.kind"] = [_("请选择字段类型")]
            continue
        prop = {k: v for k, v in copy.deepcopy(old.get(name) or {}).items() if k not in _SHAPE}
        if kind == "choice":
            choices = []
            for line in (row.get("options") or "").splitlines():
                if line.strip():
                    value, _sep, label = line.partition("=")
                    choices.append({"const": value.strip(), "title": (label or value).strip()})
            if not choices:
                errors[f"rows.{i}.options"] = [_("选择题至少要有一个选项（每行一个）")]
            prop.update({"type": "string", "oneOf": choices})
        elif kind in ("text", "textarea", "date"):
            prop["type"] = "string"
            if kind == "date":
                prop["format"] = "date"
        else:
            prop["type"] = kind
        prop["title"] = (row.get("title") or "").strip() or name
        if (row.get("description") or "").strip():
            prop["description"] = row["description"].strip()
        else:
            prop.pop("description", None)
        properties[name] = prop
        if row.get("required"):
            required.append(name)
        row_ui = dict(ui.get(name) or {})
        if kind == "textarea":
            row_ui["ui:widget"] = "textarea"
        elif row_ui.get("ui:widget") == "textarea":
            del row_ui["ui:widget"]  # other widgets (radio, select) stay as the analyst set them
        if row_ui:
            new_ui[name] = row_ui
    if errors:
        raise InvalidInput(_("表单未保存，请修改标出的内容"), errors)
    for name in complex_fields:
        properties[name] = old[name]
        if name in (schema.get("required") or []):
            required.append(name)
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

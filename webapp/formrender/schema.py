"""Reading the parts of a JSON Schema (2020-12) and its UI schema that the renderer and parser need."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

YES, NO = _l("是"), _l("否")


@dataclass(frozen=True)
class Option:
    token: str   # what the HTML form carries
    value: object  # the typed JSON value
    title: str


def type_of(schema: dict) -> str:
    """The schema's type; a ["string", "null"] list counts as its first non-null member."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind is None:
        if "properties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        return "string"
    return kind


def token(value) -> str:
    """The text a typed value travels as in an HTML form."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    return str(value)


def options(schema: dict, ui: dict | None = None) -> list[Option] | None:
    """The choices of an enumerated field: `oneOf`/`anyOf` of `{const, title}`, `enum`, or yes/no."""
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and branches and all(isinstance(b, dict) and "const" in b
                                                            for b in branches):
            return [Option(token(b["const"]), b["const"], b.get("title") or token(b["const"]))
                    for b in branches]
    if isinstance(schema.get("enum"), list):
        return [Option(token(v), v, token(v)) for v in schema["enum"]]
    if type_of(schema) == "boolean" and (ui or {}).get("ui:widget") in ("radio", "select"):
        return [Option("true", True, str(YES)), Option("false", False, str(NO))]
    return None


def properties(schema: dict) -> dict[str, dict]:
    """An object's fields: its `properties`, plus fields defined only inside `if`/`then`/`else` branches."""
    found = dict(schema.get("properties") or {})
    for branch in _conditionals(schema):
        for part in ("then", "else"):
            for name, sub in ((branch.get(part) or {}).get("properties") or {}).items():
                if name not in found and isinstance(sub, dict) and ("type" in sub or "properties" in sub):
                    found[name] = sub
    return found


def ordered_names(schema: dict, ui: dict | None) -> list[str]:
    """Field names in `ui:order` order (with `*` standing for the rest), else in schema order."""
    names = list(properties(schema))
    order = (ui or {}).get("ui:order")
    if not isinstance(order, list):
        return names
    listed = [n for n in order if n in names]
    rest = [n for n in names if n not in listed]
    if "*" in order:
        at = order.index("*")
        before = [n for n in order[:at] if n in names]
        after = [n for n in order[at + 1:] if n in names]
        return before + rest + after
    return listed + rest


def sub_ui(ui: dict | None, name: str) -> dict:
    value = (ui or {}).get(name)
    return value if isinstance(value, dict) else {}


def items_ui(ui: dict | None) -> dict:
    return sub_ui(ui, "items")


def ui_options(ui: dict | None) -> dict:
    value = (ui or {}).get("ui:options")
    return value if isinstance(value, dict) else {}


def _conditionals(schema: dict) -> list[dict]:
    """Every `{if, then, else}` of an object: itself and the members of its `allOf`."""
    found = [schema] if "if" in schema else []
    found += [b for b in schema.get("allOf") or [] if isinstance(b, dict) and "if" in b]
    return found


def show_conditions(schema: dict) -> dict[str, list[tuple[str, str]]]:
    """Fields that an `if` with a `const` value makes required, or names with a `true` schema (shown, but
    optional: what the form designer writes), in `then`: field -> [(condition field, token)].

    Only `const` conditions mark a section that belongs to one choice (change_name=true -> new_name);
    an `enum` condition is a rule shared by several choices (a reason when refusing or not accepting),
    and hiding its field would hide an optional field from every other choice.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for branch in _conditionals(schema):
        condition = (branch.get("if") or {}).get("properties") or {}
        if len(condition) != 1:
            continue
        (field, test), = condition.items()
        if not isinstance(test, dict) or "const" not in test:
            continue
        then = branch.get("then") or {}
        shown = [n for n, sub in (then.get("properties") or {}).items() if sub is True]
        for name in list(then.get("required") or []) + shown:
            found.setdefault(name, []).append((field, token(test["const"])))
    return found

"""The tree of fields a form renders: one `Field` per schema node, with its value and messages.

`build` walks the schema (ordered by the UI schema) and pairs each node with what the person entered
(or the schema's defaults on a fresh form) and the Chinese messages under its error key. The Jinja
macros in templates/formrender/ turn the tree into HTML.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import schema as s
from .names import error_key, input_id, input_name, placeholder

_MISSING = object()


@dataclass
class Field:
    path: tuple
    widget: str  # text textarea integer number date select radio checkbox checkboxes object array
    label: str
    help: str = ""
    placeholder: str = ""
    required: bool = False
    value: object = ""  # the text to show; a bool for a checkbox; a set of tokens for checkboxes
    options: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)  # object: its fields
    rows: list = field(default_factory=list)  # array: one Field per row
    template: "Field | None" = None  # array: a blank row for app.js to copy
    row_placeholder: str = ""
    addable: bool = True
    removable: bool = True
    show_when: list = field(default_factory=list)  # [(input name, token)]: shown when any holds
    as_text: bool = False  # a number input showing unreadable text again must be a text input

    @property
    def name(self) -> str:
        return input_name(self.path)

    @property
    def id(self) -> str:
        return input_id(self.path)

    @property
    def key(self) -> str:
        return error_key(self.path)

    def keys(self) -> set[str]:
        """Error keys of this field and everything inside it (the template row excluded)."""
        found = {self.key}
        for child in self.children + self.rows:
            found |= child.keys()
        return found


@dataclass
class _Context:
    errors: dict
    raw: dict
    fresh: bool


def build(schema: dict, ui: dict | None = None, data: dict | None = None, errors: dict | None = None,
          raw: dict | None = None) -> Field:
    """The root field of a form. `data` None means a fresh form, which shows the schema's defaults."""
    context = _Context(errors or {}, raw or {}, data is None)
    return _field(schema, ui or {}, (), data if data is not None else _MISSING, context, True, 0)


def _field(schema: dict, ui: dict, path: tuple, value, context: _Context, required: bool,
           depth: int) -> Field:
    kind = s.type_of(schema)
    if value is _MISSING and context.fresh and "default" in schema:
        value = schema["default"]
    made = Field(path=path, widget="text", label=schema.get("title") or (str(path[-1]) if path else ""),
                 help=ui.get("ui:help") or schema.get("description") or "",
                 placeholder=ui.get("ui:placeholder") or "", required=required)
    made.errors = list(context.errors.get(made.key, []))
    if kind == "object":
        _object(made, schema, ui, value, context, depth)
    elif kind == "array":
        _array(made, schema, ui, value, context, depth)
    else:
        _scalar(made, kind, schema, ui, value, context)
    return made


def _object(made: Field, schema: dict, ui: dict, value, context: _Context, depth: int) -> None:
    made.widget = "object"
    values = value if isinstance(value, dict) else {}
    required = set(schema.get("required") or [])
    conditions = s.show_conditions(schema)
    fields = s.properties(schema)
    for name in s.ordered_names(schema, ui):
        child = _field(fields[name], s.sub_ui(ui, name), made.path + (name,), values.get(name, _MISSING),
                       context, name in required, depth)
        child.show_when = [(input_name(made.path + (field_name,)), token)
                           for field_name, token in conditions.get(name, [])]
        made.children.append(child)


def _array(made: Field, schema: dict, ui: dict, value, context: _Context, depth: int) -> None:
    items, row_ui = schema.get("items") or {}, s.items_ui(ui)
    values = value if isinstance(value, list) else []
    choices = s.options(items, row_ui)
    if choices:  # an array of choices is a set of checkboxes, one index per option
        made.widget = "checkboxes"
        made.options = choices
        made.value = {s.token(v) for v in values}
        return
    made.widget = "array"
    options = s.ui_options(ui)
    made.addable = options.get("addable", True) is not False
    made.removable = options.get("removable", True) is not False
    for index, row in enumerate(values):
        made.rows.append(_field(items, row_ui, made.path + (index,), row, context, False, depth + 1))
    limit = schema.get("maxItems")
    if made.addable and (limit is None or len(values) < limit):
        # Without JavaScript one blank row is how a person adds a row; left blank, it is ignored.
        blank = _Context(context.errors, context.raw, True)
        made.rows.append(_field(items, row_ui, made.path + (len(values),), _MISSING, blank, False, depth + 1))
    made.row_placeholder = placeholder(depth)
    made.template = _field(items, row_ui, made.path + (made.row_placeholder,), _MISSING,
                           _Context({}, {}, True), False, depth + 1)


def _scalar(made: Field, kind: str, schema: dict, ui: dict, value, context: _Context) -> None:
    widget = ui.get("ui:widget")
    choices = s.options(schema, ui)
    if made.key in context.raw:
        made.value = context.raw[made.key]
    else:
        made.value = "" if value is _MISSING or value is None else s.token(value)
    if choices:
        made.widget = widget if widget in ("radio", "select") else "select"
        made.options = choices
    elif kind == "boolean":
        made.widget = "checkbox"
        made.value = value is True
    elif kind in ("integer", "number"):
        made.widget = kind
        made.attrs = {k: v for k, v in (("min", schema.get("minimum")), ("max", schema.get("maximum")))
                      if v is not None}
        made.attrs["step"] = "1" if kind == "integer" else "any"
        made.as_text = made.key in context.raw
    elif schema.get("format") == "date":
        made.widget = "date"
    elif widget == "textarea":
        made.widget = "textarea"
        made.attrs = {"rows": s.ui_options(ui).get("rows", 4)}
    if kind == "string" and schema.get("maxLength") and not choices:
        made.attrs["maxlength"] = schema["maxLength"]

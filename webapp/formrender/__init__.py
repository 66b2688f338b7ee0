"""Server-side forms from JSON Schema 2020-12 and react-jsonschema-form UI schemas.

    spec = version.forms[key]                          # {"schema": ..., "ui": ...}
    form = formrender.prepare(spec)                    # a fresh form, with the schema's defaults
    submission = formrender.read(spec, request.form)   # typed JSON + Chinese messages by dotted path
    form = formrender.prepare(spec, submission.data, submission.errors, submission.raw)  # shown again
    rows = formrender.display(spec, case.application)  # read-only, for clerks

Rendering is done by the macros in templates/formrender/; validation is engine.formdata's, the same the
engine applies when the data reaches it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine import formdata

from .display import Row, rows
from .fields import Field, build
from .parse import Parsed, parse

__all__ = ["Field", "Parsed", "RenderedForm", "Row", "Submission", "display", "prepare", "read"]


@dataclass
class Submission:
    data: dict
    errors: dict[str, list[str]] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class RenderedForm:
    root: Field
    title: str
    description: str
    summary: list[tuple[str, str | None]]  # (message, id of the field it belongs to, if shown)


def _parts(spec: dict | None) -> tuple[dict, dict]:
    spec = spec or {}
    return spec.get("schema") or {"type": "object", "properties": {}}, spec.get("ui") or {}


def read(spec: dict | None, form) -> Submission:
    """Parse a POSTed form and validate it with engine.formdata; messages keyed by dotted path."""
    schema, ui = _parts(spec)
    parsed = parse(schema, form, ui)
    # A field that could not be read is left out of the data; its own message says more than "required".
    errors = {k: v for k, v in formdata.errors_for(schema, parsed.data).items() if k not in parsed.errors}
    errors.update(parsed.errors)
    return Submission(parsed.data, errors, parsed.raw)


def prepare(spec: dict | None, data: dict | None = None, errors: dict | None = None,
            raw: dict | None = None) -> RenderedForm:
    """The field tree of a form, filled with `data` (None: a fresh form with defaults) and messages."""
    schema, ui = _parts(spec)
    errors = errors or {}
    root = build(schema, ui, data, errors, raw)
    ids = _ids(root)
    summary = [(message, ids.get(key)) for key, messages in errors.items() for message in messages]
    return RenderedForm(root, schema.get("title", ""), schema.get("description", ""), summary)


def again(spec: dict | None, submission: Submission | None) -> RenderedForm:
    """The form as it was submitted, with its messages; a fresh form when nothing was submitted."""
    if submission is None:
        return prepare(spec)
    return prepare(spec, submission.data, submission.errors, submission.raw)


def display(spec: dict | None, data: dict | None) -> list[Row]:
    """Read-only rows of submitted data."""
    schema, ui = _parts(spec)
    return rows(schema, data, ui)


def _ids(root: Field) -> dict[str, str]:
    found = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.path:
            found[node.key] = node.id
        stack.extend(node.children + node.rows)
    return found

"""Reading a POSTed HTML form back into the typed JSON document its schema describes.

Names follow `names.py` (`shareholders[0][name]`). The schema, not the request, decides which keys
are read, so nothing outside the form gets in. Rules that keep the document close to what the person
meant: blank inputs are left out; an array row left entirely blank is dropped and the rest renumbered;
an optional nested object left blank is left out (so its own required fields do not complain); an
unchecked checkbox is `false`. Text that cannot be read as the field's type (letters in a number) is
kept in `raw` to show again, with a message under its key.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from . import schema as s
from .names import error_key, input_name

MAX_ROWS = 500  # an array never holds more rows than this, whatever the request claims
_MISSING = object()
_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TRUE = {"true", "on", "1", "yes"}


@dataclass
class Parsed:
    data: dict
    errors: dict[str, list[str]] = field(default_factory=dict)  # fields that could not be read
    raw: dict[str, str] = field(default_factory=dict)  # error key -> the text as typed, to show again


class _Reader:
    def __init__(self, form: MultiDict):
        self.form = form
        self.errors: dict[str, list[str]] = {}
        self.raw: dict[str, str] = {}

    def unreadable(self, data_path: tuple, text: str, message: str) -> None:
        key = error_key(data_path)
        self.raw[key] = text
        self.errors.setdefault(key, []).append(message)

    def indexes(self, name: str) -> list[int]:
        """Row numbers present in the form under an array's name, in order."""
        pattern = re.compile(re.escape(name) + r"\[(\d{1,6})\]")
        found = {int(m.group(1)) for key in self.form.keys() if (m := pattern.match(key))}
        return sorted(found)[:MAX_ROWS]


def parse(schema: dict, form: MultiDict, ui: dict | None = None) -> Parsed:
    """The JSON document a submitted form holds, with messages for text that could not be read."""
    reader = _Reader(form)
    data, _meaningful = _object(schema, ui or {}, (), (), reader, required=True)
    return Parsed(data, reader.errors, reader.raw)


def _value(schema: dict, ui: dict, form_path: tuple, data_path: tuple, reader: _Reader, required: bool):
    """(value or _MISSING, whether the person entered anything) for one field."""
    kind = s.type_of(schema)
    if kind == "object":
        return _object(schema, ui, form_path, data_path, reader, required)
    if kind == "array":
        return _array(schema, ui, form_path, data_path, reader)
    if kind == "boolean":
        return _boolean(schema, ui, form_path, reader)
    text = reader.form.get(input_name(form_path))
    if text is None:
        return _MISSING, False
    text = text.replace("\r\n", "\n").strip()
    if text == "":
        return _MISSING, False
    choices = s.options(schema, ui)
    if choices:
        # An unknown choice goes through as typed: the validator says it is not one of the list.
        value = next((o.value for o in choices if o.token == text), text)
    elif kind in ("integer", "number"):
        value = _number(kind, text, schema, data_path, reader)
        if value is _MISSING:
            return _MISSING, True
    else:
        value = text
    return value, value != schema.get("default", _MISSING)


def _number(kind: str, text: str, schema: dict, data_path: tuple, reader: _Reader):
    plain = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")  # full-width digits, 1,000
    title = schema.get("title") or str(data_path[-1])
    if kind == "integer":
        if _INTEGER.match(plain):
            return int(plain)
        reader.unreadable(data_path, text, _("“%(field)s”须填写整数。", field=title))
        return _MISSING
    if _NUMBER.match(plain):
        number = float(plain)
        if math.isfinite(number):
            return int(number) if _INTEGER.match(plain) else number
    reader.unreadable(data_path, text, _("“%(field)s”须填写数字。", field=title))
    return _MISSING


def _boolean(schema: dict, ui: dict, form_path: tuple, reader: _Reader):
    text = reader.form.get(input_name(form_path))
    choices = s.options(schema, ui)
    if choices:  # radio or select: nothing chosen stays missing
        if not text:
            return _MISSING, False
        value = next((o.value for o in choices if o.token == text), text)
    else:  # a checkbox: the browser sends nothing when it is unchecked
        value = (text or "").strip().lower() in _TRUE
    return value, value != schema.get("default", False)


def _object(schema: dict, ui: dict, form_path: tuple, data_path: tuple, reader: _Reader, required: bool):
    result, meaningful = {}, False
    required_names = set(schema.get("required") or [])
    raw_before = len(reader.raw)
    fields = s.properties(schema)
    for name in s.ordered_names(schema, ui):
        value, entered = _value(fields[name], s.sub_ui(ui, name), form_path + (name,), data_path + (name,),
                                reader, required=name in required_names)
        meaningful = meaningful or entered
        if value is not _MISSING:
            result[name] = value
    if not meaningful and not required and len(reader.raw) == raw_before:
        return _MISSING, False
    return result, meaningful


def _array(schema: dict, ui: dict, form_path: tuple, data_path: tuple, reader: _Reader):
    items, row_ui = schema.get("items") or {}, s.items_ui(ui)
    rows: list = []
    for index in reader.indexes(input_name(form_path)):
        raw_before = len(reader.raw)
        value, entered = _value(items, row_ui, form_path + (index,), data_path + (len(rows),), reader,
                                required=False)
        if value is not _MISSING and (entered or s.type_of(items) != "object"):
            rows.append(value)
        elif len(reader.raw) > raw_before:
            rows.append(value if value is not _MISSING else None)  # keep the row's place for its message
    return (rows, True) if rows else (_MISSING, False)

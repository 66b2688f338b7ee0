"""Submitted data shown read-only, as clerks read an application: schema titles as labels, the titles
of choices instead of their codes, 是/否 for yes-no fields. Keys the schema does not know are shown too,
under their own names, so nothing submitted is hidden from the person deciding on it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from . import schema as s


@dataclass
class Row:
    label: str
    text: str = ""  # a single value
    children: list = field(default_factory=list)  # a nested object's rows
    entries: list = field(default_factory=list)  # an array's rows
    key: str = ""

    @property
    def kind(self) -> str:
        if self.children:
            return "group"
        if self.entries:
            return "list"
        return "value"


def rows(schema: dict, data: dict | None, ui: dict | None = None) -> list[Row]:
    """The rows of a document's fields in form order; fields left empty are skipped."""
    return _object_rows(schema, ui or {}, data if isinstance(data, dict) else {}, ())


def _object_rows(schema: dict, ui: dict, data: dict, path: tuple) -> list[Row]:
    fields = s.properties(schema)
    found = [row for name in s.ordered_names(schema, ui) if name in data
             if (row := _row(fields[name], s.sub_ui(ui, name), data[name], path + (name,))) is not None]
    found += [Row(label=str(name), text=_plain(value), key=_key(path + (name,)))
              for name, value in data.items() if name not in fields]
    return found


def _row(schema: dict, ui: dict, value, path: tuple) -> Row | None:
    label = schema.get("title") or str(path[-1])
    kind = s.type_of(schema)
    if value is None or value == "" or value == [] or value == {}:
        return None
    if kind == "object" and isinstance(value, dict):
        return Row(label=label, children=_object_rows(schema, ui, value, path), key=_key(path))
    if kind == "array" and isinstance(value, list):
        items, row_ui = schema.get("items") or {}, s.items_ui(ui)
        title = items.get("title") or label
        entries = []
        for index, item in enumerate(value):
            entry = _row(items, row_ui, item, path + (index,))
            if entry is not None:
                entry.label = f"{title} {index + 1}" if s.type_of(items) == "object" else ""
                entries.append(entry)
        return Row(label=label, entries=entries, key=_key(path)) if entries else None
    return Row(label=label, text=_text(schema, ui, value), key=_key(path))


def _text(schema: dict, ui: dict, value) -> str:
    choices = s.options(schema, ui)
    if choices:
        match = next((o.title for o in choices if o.value == value and type(o.value) is type(value)), None)
        if match is not None:
            return str(match)
    return _plain(value)


def _plain(value) -> str:
    if isinstance(value, bool):
        return str(s.YES if value else s.NO)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return s.token(value)


def _key(path: tuple) -> str:
    return ".".join(str(p) for p in path)

"""How a field's path in the JSON document becomes HTML names, ids and error keys.

A path is a tuple of property names and array indexes: ("shareholders", 0, "name") is the input
`shareholders[0][name]`, the element id `f-shareholders-0-name`, and the error key `shareholders.0.name`
(the dotted path engine.formdata reports errors under).
"""
from __future__ import annotations

import re

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def input_name(path: tuple) -> str:
    if not path:
        return ""
    return str(path[0]) + "".join(f"[{part}]" for part in path[1:])


def input_id(path: tuple) -> str:
    return "f-" + "-".join(_UNSAFE_ID.sub("_", str(part)) for part in path) if path else "f-root"


def error_key(path: tuple) -> str:
    return ".".join(str(part) for part in path)


def placeholder(depth: int) -> str:
    """The stand-in index of a row template at this array nesting depth (replaced by app.js)."""
    return f"__i{depth}__"

"""Reading URL parameters safely: a malformed value is a 404, never a 500."""
from __future__ import annotations

import builtins

from flask import abort, request
from werkzeug.routing import IntegerConverter, ValidationError

MAX_PAGE = 100_000
#: The largest id any `<int:...>` URL segment takes: the largest INTEGER, the type of every id column. Past
#: it no row can exist and the database refuses the number (PostgreSQL: out of range, SQLite past 2**63:
#: OverflowError), so the URL is simply not found.
MAX_ID = 2 ** 31 - 1
_MAX_ID_DIGITS = len(str(MAX_ID))


class BoundedIntegerConverter(IntegerConverter):
    """The app's `int` converter (create_app installs it for every route): a number past `MAX_ID`, or one
    a route's own `max` excludes, matches no route (404) instead of reaching the database."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002 (werkzeug's names)
        bound = MAX_ID if max is None else builtins.min(max, MAX_ID)
        super().__init__(map, fixed_digits, min, bound, signed)

    def to_python(self, value: str) -> int:
        # Checked before int(): Python refuses to convert more than 4,300 digits (a ValueError, so a 500).
        if len(value.lstrip("-").lstrip("0")) > _MAX_ID_DIGITS:
            raise ValidationError()
        return super().to_python(value)


def page_arg(name: str = "page") -> int:
    """The 1-based page number from the query string (absent means 1); anything else is 404."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return 1
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        abort(404)
    return int(raw)

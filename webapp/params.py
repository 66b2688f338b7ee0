"""Reading URL parameters safely: a malformed value is a 404, never a 500."""
from __future__ import annotations

from flask import abort, request

MAX_PAGE = 100_000


def page_arg(name: str = "page") -> int:
    """The 1-based page number from the query string (absent means 1); anything else is 404."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return 1
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        abort(404)
    return int(raw)

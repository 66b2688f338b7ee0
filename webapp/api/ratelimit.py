"""Rate limits of the API (Flask-Limiter), counted per client, per signed-in person, or per address.

Limits come from the settings, so an operator tunes them without a release:
`ONEWINDOW_API_RATE_LIMIT` (default 600 per minute for each caller) and
`ONEWINDOW_API_STATUS_RATE_LIMIT` (the public status lookup, default 20 per minute per address, against
guessing query codes). Counters live in `ONEWINDOW_RATELIMIT_STORAGE` (default `memory://`, one process;
use `redis://...` with several processes; `webapp.portal.limits.configure_storage`). A refused request is
429 problem `rate_limited` with `Retry-After`.
"""
from __future__ import annotations

import os

from flask import Flask, current_app, g
from flask_limiter import Limiter

from ..portal.limits import configure_storage
from .auth import rate_limit_key

DEFAULT_LIMIT = "600 per minute"
STATUS_LIMIT = "20 per minute"

limiter = Limiter(key_func=rate_limit_key, headers_enabled=True, strategy="fixed-window")


def init_app(app: Flask) -> None:
    app.config.setdefault("ONEWINDOW_API_RATE_LIMIT", os.environ.get("ONEWINDOW_API_RATE_LIMIT", DEFAULT_LIMIT))
    app.config.setdefault("ONEWINDOW_API_STATUS_RATE_LIMIT",
                          os.environ.get("ONEWINDOW_API_STATUS_RATE_LIMIT", STATUS_LIMIT))
    configure_storage(app)
    app.after_request(_retry_after_only_when_refused)  # registered first: runs after the limiter's headers
    limiter.init_app(app)
    app.after_request(_note_own_retry_after)  # registered last: runs before the limiter's headers


def _note_own_retry_after(response):
    g.own_retry_after = response.headers.get("Retry-After")
    return response


def _retry_after_only_when_refused(response):
    """The limiter puts its window's Retry-After on every response; a response that is not the limiter's
    429 keeps only the one the view gave (409 `idempotency_in_progress`: the rest of the key's lease)."""
    if response.status_code != 429:
        own = g.pop("own_retry_after", None)
        response.headers.pop("Retry-After", None)
        if own is not None:
            response.headers["Retry-After"] = own
    return response


def default_limit() -> str:
    return current_app.config["ONEWINDOW_API_RATE_LIMIT"]


def status_limit() -> str:
    return current_app.config["ONEWINDOW_API_STATUS_RATE_LIMIT"]

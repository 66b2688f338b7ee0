"""Rate limits of the public forms (Flask-Limiter): status lookups and inquiries, per IP address, and failed
inquiry lookups per reference (so one reference cannot be tried from many addresses). Failed status lookups
per case number are counted in webapp/lookup_limit.py, one count with the kiosk and the API.

Storage (both limiters, `configure_storage`): ONEWINDOW_RATELIMIT_STORAGE (default "memory://", one process;
"redis://127.0.0.1:6379" shares the counts between processes and machines, see docs/operations.md) and
ONEWINDOW_RATELIMIT_PREFIX (default "onewindow": the keys' prefix, so several deployments can share one
Redis). App config overrides: RATELIMIT_ENABLED (tests turn it off or on), PORTAL_LOOKUP_LIMIT,
PORTAL_LOOKUP_FAILURE_LIMIT, PORTAL_INQUIRY_LIMIT. Behind a reverse proxy, set ONEWINDOW_PROXIES (create_app
applies werkzeug's ProxyFix) so the client's address is the one counted.
"""
from __future__ import annotations

import os
import time

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from ..errors import render_error

limiter = Limiter(key_func=get_remote_address, headers_enabled=True)

DEFAULTS = {"PORTAL_LOOKUP_LIMIT": "10 per minute", "PORTAL_LOOKUP_FAILURE_LIMIT": "5 per 10 minutes",
            "PORTAL_INQUIRY_LIMIT": "5 per minute;30 per day"}


def configure_storage(app: Flask) -> None:
    """Where the limiters count: one setting for the portal's and the API's limits."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", os.environ.get("ONEWINDOW_RATELIMIT_STORAGE", "memory://"))
    app.config.setdefault("RATELIMIT_KEY_PREFIX", os.environ.get("ONEWINDOW_RATELIMIT_PREFIX", "onewindow"))


def init_app(app: Flask) -> None:
    configure_storage(app)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # Flask-Limiter would otherwise inherit `enabled` from the previous app it was bound to (tests build many).
    app.config.setdefault("RATELIMIT_ENABLED", True)
    # A shared store that is down (Redis restarting) must not take the lookups down: count in memory meanwhile.
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    limiter.init_app(app)


def _config(key: str):
    return lambda: current_app.config[key]


def _reference_key() -> str:
    return "inquiry:" + request.form.get("reference", "").strip().upper()[:20]


# Decorators the blueprint applies to its views.
lookups = limiter.limit(_config("PORTAL_LOOKUP_LIMIT"), methods=["POST"])
failed_inquiry_lookups = limiter.limit(_config("PORTAL_LOOKUP_FAILURE_LIMIT"), key_func=_reference_key,
                                       methods=["POST"], deduct_when=lambda response: response.status_code == 404)
inquiries = limiter.limit(_config("PORTAL_INQUIRY_LIMIT"), methods=["POST"])


def too_many_requests(exc):
    """429 in Chinese, with Retry-After in seconds."""
    wait = getattr(exc, "wait", None)  # set by webapp/lookup_limit.py, the per-case-number limit
    if wait is None:
        current = limiter.current_limit
        wait = max(1, int(current.reset_at - time.time())) if current is not None else 60
    message = _("操作过于频繁，请 %(n)s 秒后再试。如需帮助，请拨打 12345 政务服务便民热线。", n=wait)
    return render_error(429, message, headers={"Retry-After": str(wait)})

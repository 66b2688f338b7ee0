"""Rate limits of signing in and registering (Flask-Limiter: the portal's limiter, its storage and settings,
see webapp/portal/limits.py), instead of locking accounts, which would let anyone lock anyone out.

- Per address and user name, every login attempt counts (`LOGIN_ACCOUNT_LIMIT`, default 5 a minute, 10 an
  hour, 20 a day): the delay grows with the attempts, and it holds only that address back, so the owner
  still signs in from their own computer. Counting every attempt (not only failures) means parallel guesses
  cannot slip past the count while the password is being checked.
- Per address, failed logins and refused registrations share one budget (`SIGN_IN_FAILURE_LIMIT`, default
  20 in 10 minutes, 200 a day): trying many names, or asking the registration form which resident IDs
  already have an account, stops there. Successful sign-ins are not counted, so an office behind one address
  can sign its staff in each morning.

A refused request gets a Chinese 429 page with Retry-After and the wait in words.
"""
from __future__ import annotations

import time

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from ..errors import render_error
from ..portal.limits import limiter

DEFAULTS = {"LOGIN_ACCOUNT_LIMIT": "5 per minute;10 per hour;20 per day",
            "SIGN_IN_FAILURE_LIMIT": "20 per 10 minutes;200 per day"}
FAILURES = "sign-in-failures"  # the scope that failed logins and refused registrations share


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)


def _config(key: str):
    return lambda: current_app.config[key]


def _address_and_name() -> str:
    return f"{get_remote_address()}|{request.form.get('username', '').strip().lower()[:64]}"


# Decorators the blueprint applies to its views.
login_attempts = limiter.limit(_config("LOGIN_ACCOUNT_LIMIT"), key_func=_address_and_name, methods=["POST"])
failed_logins = limiter.shared_limit(_config("SIGN_IN_FAILURE_LIMIT"), FAILURES, methods=["POST"],
                                     deduct_when=lambda response: response.status_code not in (302, 429))
refused_registrations = limiter.shared_limit(_config("SIGN_IN_FAILURE_LIMIT"), FAILURES, methods=["POST"],
                                             deduct_when=lambda response: response.status_code == 400)


def too_many_attempts(exc):
    """429 in Chinese: how long to wait, in words, and Retry-After in seconds."""
    current = limiter.current_limit
    wait = max(1, int(current.reset_at - time.time())) if current is not None else 60
    message = _("尝试次数过多，为保护账户安全，请%(wait)s后再试。忘记密码请携带有效证件到政务服务中心窗口重置。",
                wait=_in_words(wait))
    return render_error(429, message, headers={"Retry-After": str(wait)})


def _in_words(seconds: int) -> str:
    if seconds < 60:
        return _("%(n)d 秒", n=seconds)
    if seconds < 3600:
        return _("%(n)d 分钟", n=-(-seconds // 60))
    return _("%(n)d 小时", n=-(-seconds // 3600))

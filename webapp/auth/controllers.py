"""Login and logout. A failed login says only that the name or password is wrong, never which; guessing is
slowed by the limits in limits.py (per address, and per address and name), never by locking the account.

Each sign-in opens a server-side session (engine.login_sessions) whose token the signed cookie carries;
logout closes it, so a copy of the cookie taken before opens nothing afterwards."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from engine import login_sessions
from engine.accounts import authenticate
from engine.models import User

from ..access import SESSION_TOKEN, Account, landing_url, session_token, signed_in
from ..extensions import engine_db
from .forms import LoginForm


def login():
    if signed_in() is not None:
        return redirect(landing_url(signed_in()))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        outcome = authenticate(engine_db(), form.username.data.strip(), form.password.data)
        if outcome.user is not None:
            sign_in(outcome.user)
            if outcome.user.password_change_required:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(form.next.data) or landing_url(outcome.user))
        error = outcome.message
    elif request.method == "POST":
        error = _("请输入用户名和密码。")
    return render_template("auth/login.html", form=form, error=error), 200


def sign_in(user: User) -> None:
    """Start a fresh session for `user` (no fixation: whatever the session held before is dropped)."""
    session.clear()
    session[SESSION_TOKEN] = login_sessions.start(engine_db(), user)
    login_user(Account(user))
    flash(_("欢迎，%(name)s。", name=user.display_name), "success")


def logout():
    login_sessions.end(engine_db(), session_token())
    logout_user()
    session.clear()
    flash(_("您已安全退出。"), "info")
    return redirect(url_for("portal.home"))


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: an attacker's ?next=https://evil.example must not send people away."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None

"""Login and logout. A failed login says only that the name or password is wrong, never which."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from engine.accounts import find_user, hash_password, verify_password
from engine.models import User

from ..access import Account, landing_url, signed_in
from ..extensions import db
from .forms import LoginForm

_dummy: dict[str, User] = {}


def login():
    if signed_in() is not None:
        return redirect(landing_url(signed_in()))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        user = _authenticate(form.username.data.strip(), form.password.data)
        if user is not None:
            session.clear()  # a fresh session for the signed-in person (no fixation)
            login_user(Account(user))
            flash(_("欢迎，%(name)s。", name=user.display_name), "success")
            return redirect(_safe_next(form.next.data) or landing_url(user))
        error = _("用户名或密码不正确，请重新输入。")
    elif request.method == "POST":
        error = _("请输入用户名和密码。")
    return render_template("auth/login.html", form=form, error=error), 200


def logout():
    logout_user()
    session.clear()
    flash(_("您已安全退出。"), "info")
    return redirect(url_for("portal.home"))


def _authenticate(username: str, password: str) -> User | None:
    user = find_user(db.session, username) if username else None
    if user is None:
        # Spend the same time as a real check, so response times do not tell which names exist.
        verify_password(_dummy_user(), password)
        return None
    if not verify_password(user, password) or not user.is_active:
        return None
    return user


def _dummy_user() -> User:
    if "user" not in _dummy:
        _dummy["user"] = User(password_hash=hash_password("not-a-real-password"))
    return _dummy["user"]


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: an attacker's ?next=https://evil.example must not send people away."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None

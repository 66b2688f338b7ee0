"""Changing one's password (everyone signed in, `/auth/password`), and the first sign-in of staff an
administrator created: until they have chosen their own password, every other page sends them here (the API
answers 403). engine.passwords checks the new password and ends the account's other sessions."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import passwords
from engine.errors import InvalidInput

from ..access import landing_url, session_token, signed_in
from ..errors import render_error
from ..extensions import engine_db

PASSWORD_HELP = _l("8–128 位，须同时包含字母和数字，不能包含用户名或证件号码，不能是常用密码或有规律的组合。")
# What staff who must still change their password may open: this page, logging out, the static files.
OPEN_BEFORE_CHANGE = frozenset({"auth.change_password", "auth.logout", "static"})


def change_password():
    user = signed_in()
    if user is None:
        from ..extensions import login_manager

        return login_manager.unauthorized()
    if request.method == "GET":
        return _page(user, {})
    try:
        passwords.change_password(engine_db(), user, request.form.get("current_password", "")[:256],
                                  request.form.get("new_password", "")[:256],
                                  request.form.get("new_password_confirm", "")[:256], keep_session=session_token())
    except InvalidInput as exc:
        return _page(user, exc.errors or {"": [exc.message]}), 400
    flash(_("密码已修改，其他设备上的登录已失效。"), "success")
    return redirect(landing_url(user))


def _page(user, errors: dict):
    return render_template("auth/password.html", errors=errors, first=user.password_change_required,
                           password_help=PASSWORD_HELP)


def require_password_change():
    """Before every request: staff still holding the password an administrator gave them change it first."""
    if request.endpoint in OPEN_BEFORE_CHANGE:
        return None
    user = signed_in()
    if user is None or not user.password_change_required:
        return None
    if request.blueprint == "api" or request.path.startswith("/api/"):
        return render_error(403, _("请先登录网页修改管理员设置的初始密码。"), code="forbidden")
    return redirect(url_for("auth.change_password"))

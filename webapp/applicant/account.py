"""个人 / 企业信息: the applicant's identity (ID masked), contact details and password. The engine checks the
values and writes the audit events (`profile_updated`, `password_changed`); a password change ends the
account's sessions on other devices and keeps this one."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import passwords, registration
from engine.errors import InvalidInput
from engine.identifiers import mask_id
from engine.models import User

from ..access import area_required, session_token, signed_in
from ..auth.password import PASSWORD_HELP
from ..extensions import db, engine_db

PROFILE_FIELDS = registration.PROFILE_FIELDS  # phone, email, address


@area_required("applicant")
def profile():
    return _page()


@area_required("applicant")
def update_profile():
    values = {name: request.form.get(name, "")[:400] for name in PROFILE_FIELDS}
    try:
        registration.update_profile(engine_db(), signed_in(), **values)
    except InvalidInput as exc:
        return _page(profile_values=values, profile_errors=exc.errors or {"": [exc.message]}), 400
    flash(_("联系方式已保存。"), "success")
    return redirect(url_for(".profile"))


@area_required("applicant")
def change_password():
    try:
        passwords.change_password(engine_db(), signed_in(), request.form.get("current_password", "")[:256],
                                  request.form.get("new_password", "")[:256],
                                  request.form.get("new_password_confirm", "")[:256], keep_session=session_token())
    except InvalidInput as exc:
        return _page(password_errors=exc.errors or {"": [exc.message]}), 400
    flash(_("密码已修改，下次登录请使用新密码；其他设备上的登录已失效。"), "success")
    return redirect(url_for(".profile"))


def _page(profile_values=None, profile_errors=None, password_errors=None):
    user = db.session.get(User, signed_in().id)
    db.session.refresh(user)  # the engine wrote in its own session: show what is stored now
    values = profile_values or {name: getattr(user, name) or "" for name in PROFILE_FIELDS}
    return render_template("applicant/profile.html", user=user, masked_id=mask_id(user.id_number),
                           values=values, profile_errors=profile_errors or {},
                           password_errors=password_errors or {}, password_help=PASSWORD_HELP)

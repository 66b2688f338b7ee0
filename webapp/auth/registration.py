"""Self-registration of applicants (no login needed): an individual with a resident ID, or a company with
a unified social credit code. The engine checks every field; this module only reads the form, shows the
messages next to their fields (HTTP 400, nothing stored) and signs the new applicant in."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from engine import registration
from engine.errors import InvalidInput

from ..access import landing_url, signed_in
from ..extensions import engine_db
from .controllers import sign_in
from .password import PASSWORD_HELP

# Fields of each form, in page order: (name, label, input type, autocomplete, required).
INDIVIDUAL_FIELDS = (
    ("real_name", _l("真实姓名"), "text", "name", True),
    ("id_number", _l("居民身份证号码"), "text", "off", True),
    ("phone", _l("手机号码"), "tel", "tel", True),
    ("email", _l("电子邮箱（选填）"), "email", "email", False),
)
COMPANY_FIELDS = (
    ("name", _l("单位名称"), "text", "organization", True),
    ("credit_code", _l("统一社会信用代码"), "text", "off", True),
    ("legal_representative", _l("法定代表人"), "text", "off", True),
    ("contact_name", _l("联系人"), "text", "name", True),
    ("phone", _l("联系人手机号码或固定电话"), "tel", "tel", True),
    ("email", _l("电子邮箱（选填）"), "email", "email", False),
)
ACCOUNT_FIELDS = (
    ("username", _l("用户名"), "text", "username", True),
    ("password", _l("密码"), "password", "new-password", True),
    ("password_confirm", _l("再次输入密码"), "password", "new-password", True),
)
KINDS = {
    "individual": (_l("个人注册"), INDIVIDUAL_FIELDS, registration.Individual, registration.register_individual),
    "company": (_l("企业（法人）注册"), COMPANY_FIELDS, registration.Company, registration.register_company),
}
HELP = {
    "id_number": _l("18 位，最后一位是数字或 X。"),
    "credit_code": _l("18 位，见营业执照。"),
    "username": _l("4–32 位字母、数字或下划线，以字母开头，登录时使用。"),
    "password": PASSWORD_HELP,
}
SECRET = frozenset({"password", "password_confirm"})  # never sent back to the browser


def register():
    """Choose: an individual's or a company's account."""
    if signed_in() is not None:
        return redirect(landing_url(signed_in()))
    return render_template("auth/register.html")


def register_individual():
    return _register("individual")


def register_company():
    return _register("company")


def _register(kind: str):
    if signed_in() is not None:
        return redirect(landing_url(signed_in()))
    title, fields, form_class, create = KINDS[kind]
    if request.method == "GET":
        return _page(kind, {}, {})
    names = [name for name, *_rest in fields + ACCOUNT_FIELDS]
    values = {name: request.form.get(name, "")[:300] for name in names}
    try:
        user = create(engine_db(), form_class(**values))
    except InvalidInput as exc:
        return _page(kind, values, exc.errors or {"": [exc.message]}), 400
    sign_in(user)
    return redirect(url_for("applicant.home"))


def _page(kind: str, values: dict, errors: dict):
    title, fields, _form_class, _create = KINDS[kind]
    shown = {name: value for name, value in values.items() if name not in SECRET}
    return render_template("auth/register_form.html", kind=kind, title=title, fields=fields,
                           account_fields=ACCOUNT_FIELDS, values=shown, errors=errors, help=HELP)

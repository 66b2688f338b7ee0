"""Applicants register themselves (individuals with a resident ID, companies with a credit code) and keep
their contact details (their password: engine.passwords). Agents (代办员) and staff are created by administrators, never here.

Every rule is checked before anything is written, and every message names its field: `InvalidInput.errors`
maps field names to Chinese messages. One account per resident ID or credit code (a partial unique index
backs the check, so two registrations racing with one ID end with one account and a clear message).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from . import audit, clock, identifiers
from .accounts import create_user, find_user
from .db import Database
from .errors import Conflict, InvalidInput, NotFound
from .i18n import _
from .models import User
from .passwords import MISMATCH, password_problem
from .permissions import APPLICANT

USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
PERSON_NAME = re.compile(r"^[\u4e00-\u9fffA-Za-z·. ]{2,50}$")


@dataclass(frozen=True)
class Individual:
    username: str
    password: str
    real_name: str
    id_number: str
    phone: str
    email: str = ""
    password_confirm: str | None = None  # the password typed a second time, when the form asks for it


@dataclass(frozen=True)
class Company:
    username: str
    password: str
    name: str
    credit_code: str
    legal_representative: str
    contact_name: str
    phone: str
    email: str = ""
    password_confirm: str | None = None


def register_individual(db: Database, form: Individual) -> User:
    """A natural person's account (自然人): real name, resident ID (GB 11643), mobile phone."""
    id_number = form.id_number.strip().upper()
    errors: dict[str, list[str]] = {}
    _check_account(form.username, form.password, errors, id_number, form.password_confirm,
                   (form.real_name.strip(), form.phone.strip()))
    if not PERSON_NAME.match(form.real_name.strip()):
        errors["real_name"] = [_("请填写 2–50 个字的真实姓名。")]
    id_problem = resident_id_problem(id_number)
    if id_problem:
        errors["id_number"] = [id_problem]
    _check_phone(form.phone, errors, mobile_only=True)
    _check_email(form.email, errors)
    return _create(db, form.username.strip(), form.password, errors, display_name=form.real_name.strip(),
                   applicant_type="自然人", id_number=id_number, phone=form.phone.strip(),
                   email=form.email.strip() or None)


def register_company(db: Database, form: Company) -> User:
    """A legal person's account (法人): name, unified social credit code (GB 32100), legal representative,
    contact person and phone."""
    code = form.credit_code.strip().upper()
    errors: dict[str, list[str]] = {}
    _check_account(form.username, form.password, errors, code, form.password_confirm,
                   (form.name.strip(), form.legal_representative.strip(), form.contact_name.strip(), form.phone.strip()))
    if not 2 <= len(form.name.strip()) <= 200:
        errors["name"] = [_("请填写单位全称（2–200 个字）。")]
    if not identifiers.is_credit_code(code):
        errors["credit_code"] = [_("统一社会信用代码应为 18 位（GB 32100），请核对最后一位校验码。")]
    if not PERSON_NAME.match(form.legal_representative.strip()):
        errors["legal_representative"] = [_("请填写法定代表人姓名。")]
    if not PERSON_NAME.match(form.contact_name.strip()):
        errors["contact_name"] = [_("请填写联系人姓名。")]
    _check_phone(form.phone, errors, mobile_only=False)
    _check_email(form.email, errors)
    return _create(db, form.username.strip(), form.password, errors, display_name=form.name.strip(),
                   applicant_type="法人", id_number=code, phone=form.phone.strip(), email=form.email.strip() or None,
                   legal_representative=form.legal_representative.strip(), contact_name=form.contact_name.strip())


def resident_id_problem(id_number: str) -> str | None:
    """What is wrong with a resident ID, in the applicant's words; None when it is valid."""
    if not re.match(r"^\d{17}[\dX]$", id_number):
        return _("居民身份证号码应为 18 位，前 17 位是数字，最后一位是数字或 X。")
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return _("居民身份证号码中的出生日期（第 7–14 位）不存在，请核对。")
    if born.year < 1900 or born > clock.local_now().date():
        return _("居民身份证号码中的出生日期（第 7–14 位）不对，请核对。")
    if identifiers.resident_id_check(id_number[:17]) != id_number[17]:
        return _("居民身份证号码的校验码（最后一位）不对，请逐位核对。")
    return None


def _check_account(username: str, password: str, errors: dict, id_number: str, confirm: str | None,
                   personal: tuple[str, ...]) -> None:
    if not USERNAME.match(username.strip()):
        errors["username"] = [_("用户名为 4–32 位字母、数字或下划线，以字母开头。")]
    problem = password_problem(password, username.strip(), id_number, personal)
    if problem:
        errors["password"] = [problem]
    if confirm is not None and confirm != password:
        errors["password_confirm"] = [MISMATCH]


def _check_phone(phone: str, errors: dict, mobile_only: bool) -> None:
    phone = phone.strip()
    if MOBILE.match(phone) or (not mobile_only and LANDLINE.match(phone)):
        return
    errors["phone"] = [_("请填写 11 位手机号码。") if mobile_only else _("请填写手机号码或带区号的固定电话。")]


def _check_email(email: str, errors: dict) -> None:
    if email.strip() and not EMAIL.match(email.strip()):
        errors["email"] = [_("电子邮箱格式不正确。")]


def _taken(session, username: str, id_number: str) -> dict[str, list[str]]:
    errors = {}
    if find_user(session, username) is not None:
        errors["username"] = [_("该用户名已被使用，请换一个。")]
    if session.scalar(select(User.id).where(User.kind == "applicant", User.id_number == id_number)) is not None:
        errors["id_number"] = [_("该证件号码已经注册过账户，请直接登录；忘记密码请携带证件到政务服务中心窗口重置。")]
    return errors


def _create(db: Database, username: str, password: str, errors: dict, **columns) -> User:
    if errors:
        raise InvalidInput(_("注册信息有误，请按提示修改。"), errors)
    id_field = "credit_code" if columns["applicant_type"] == "法人" else "id_number"
    try:
        with db.write() as session:
            taken = _taken(session, username, columns["id_number"])
            if taken:
                raise InvalidInput(_("注册信息有误，请按提示修改。"),
                                   {(id_field if k == "id_number" else k): v for k, v in taken.items()})
            user = create_user(session, username, password, columns.pop("display_name"), kind="applicant",
                               roles=(APPLICANT,), **columns)
            audit.record(session, "register", actor=user,
                         detail={"username": username, "applicant_type": user.applicant_type})
    except Conflict as exc:  # the same name or ID registered at the same instant: tell which
        with db.read() as session:
            taken = _taken(session, username, columns["id_number"])
        raise InvalidInput(_("注册信息有误，请按提示修改。"),
                           {(id_field if k == "id_number" else k): v for k, v in taken.items()}
                           or {"": [exc.message]}) from exc
    return user


PROFILE_FIELDS = ("phone", "email", "address")


def update_profile(db: Database, user: User, phone: str, email: str, address: str) -> User:
    """Change one's contact details (phone, e-mail, address); the audit trail names the fields changed."""
    errors: dict[str, list[str]] = {}
    _check_phone(phone, errors, mobile_only=user.applicant_type != "法人")
    _check_email(email, errors)
    if len(address.strip()) > 300:
        errors["address"] = [_("地址不能超过 300 个字。")]
    if errors:
        raise InvalidInput(_("资料有误，请按提示修改。"), errors)
    values = {"phone": phone.strip(), "email": email.strip() or None, "address": address.strip() or None}
    with db.write() as session:
        row = session.get(User, user.id, with_for_update=True)
        if row is None:
            raise NotFound(_("账户不存在。"))
        changed = [name for name in PROFILE_FIELDS if getattr(row, name) != values[name]]
        for name in changed:
            setattr(row, name, values[name])
        if changed:
            audit.record(session, "profile_updated", actor=row, detail={"fields": changed})
    return row

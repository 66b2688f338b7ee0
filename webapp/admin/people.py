"""Departments (a tree by level, with windows), staff, roles, groups and memberships."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import people
from engine.errors import InvalidInput
from engine.models import User
from engine.permissions import ADMIN, ROLE_LABELS, may_manage_people

from ..access import permission_required, signed_in
from ..extensions import db, engine_db


def _page(errors=None, status=200, form=None, department_errors=None, group_errors=None):
    actor = signed_in()
    staff = people.staff_in_scope(db.session, actor)
    return render_template(
        "admin/people.html", tree=people.department_tree(db.session), staff=staff,
        members=people.memberships(db.session, [u.id for u in staff]), roles=people.grantable_roles(actor),
        role_labels=ROLE_LABELS, groups=people.grantable_groups(db.session, actor), levels=people.LEVELS,
        is_admin=ADMIN in actor.role_names, errors=errors or {}, department_errors=department_errors or {},
        group_errors=group_errors or {},
        form=form or {}), status


@permission_required(may_manage_people)
def index():
    return _page()


@permission_required(may_manage_people)
def create():
    form = request.form
    try:
        people.create_staff(engine_db(), signed_in(), username=form.get("username", "").strip(),
                            display_name=form.get("display_name", ""), password=form.get("password", ""),
                            department_code=form.get("department") or None, roles=form.getlist("roles"),
                            groups=form.getlist("groups"))
    except InvalidInput as exc:
        return _page(exc.errors, 400, form)
    flash(_("已添加人员 %(u)s。", u=form.get("username")), "success")
    return redirect(url_for("admin.people"))


def _staff(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.kind != "staff" or not may_manage_people(signed_in(), user.department_id):
        abort(404)
    return user


@permission_required(may_manage_people)
def person(user_id: int):
    user = _staff(user_id)
    actor = signed_in()
    return render_template("admin/person.html", user=user, roles=people.grantable_roles(actor), role_labels=ROLE_LABELS,
                           groups=people.grantable_groups(db.session, actor),
                           member_of=set(people.memberships(db.session, [user.id]).get(user.id, [])), errors={})


@permission_required(may_manage_people)
def update_person(user_id: int):
    _staff(user_id)
    try:
        people.update_staff(engine_db(), signed_in(), user_id, roles=request.form.getlist("roles"),
                            groups=request.form.getlist("groups"), active=request.form.get("active") == "on")
    except InvalidInput as exc:
        user = _staff(user_id)
        actor = signed_in()
        return render_template("admin/person.html", user=user, roles=people.grantable_roles(actor),
                               role_labels=ROLE_LABELS, groups=people.grantable_groups(db.session, actor),
                               member_of=set(request.form.getlist("groups")), errors=exc.errors), 400
    flash(_("已保存。"), "success")
    return redirect(url_for("admin.people"))


@permission_required(may_manage_people)
def save_department():
    form = request.form
    try:
        people.save_department(engine_db(), signed_in(), code=form.get("code", "").strip(), name=form.get("name", ""),
                               level=form.get("level", ""), parent_code=form.get("parent") or None,
                               windows=form.get("windows", "").split("\n"))
    except InvalidInput as exc:
        return _page(status=400, department_errors=exc.errors, form=form)
    flash(_("部门已保存。"), "success")
    return redirect(url_for("admin.people"))


@permission_required(may_manage_people)
def save_group():
    form = request.form
    try:
        people.save_group(engine_db(), signed_in(), code=form.get("code", "").strip(), name=form.get("name", ""),
                          department_code=form.get("department") or None)
    except InvalidInput as exc:
        return _page(status=400, group_errors=exc.errors, form=form)
    flash(_("组已保存。"), "success")
    return redirect(url_for("admin.people"))

"""Departments, staff, roles and group memberships as administrators manage them.

A system administrator manages everyone and the department tree; a department administrator manages the
staff of their own department only, with the working roles (clerk, reviewer, section head) and their own
department's groups. Every change is an audit event.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import accounts, audit, login_sessions, organisation as runtime_organisation, passwords
from .db import Database
from .errors import Conflict, Forbidden, InvalidInput, NotFound
from .i18n import _
from .models import Department, Group, GroupMember, User, UserRole
from .permissions import ADMIN, CLERK, REVIEWER, ROLE_LABELS, SECTION_HEAD, STAFF_ROLES, may_manage_people

DEPT_ADMIN_GRANTS = frozenset({CLERK, REVIEWER, SECTION_HEAD})
LEVELS = ("province", "city", "county", "township")
_CODE = re.compile(r"^[A-Za-z0-9_-]{2,64}$")
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")


@dataclass(frozen=True)
class DepartmentNode:
    department: Department
    depth: int
    groups: list[Group]


def department_tree(session: Session) -> list[DepartmentNode]:
    """Departments in tree order (parents before children, siblings by sort), with their depth and groups."""
    rows = session.scalars(select(Department).order_by(Department.sort, Department.id)).all()
    groups: dict[int | None, list[Group]] = {}
    for group in session.scalars(select(Group).order_by(Group.code)):
        groups.setdefault(group.department_id, []).append(group)
    children: dict[int | None, list[Department]] = {}
    for dept in rows:
        children.setdefault(dept.parent_id, []).append(dept)
    out: list[DepartmentNode] = []

    def walk(parent, depth):
        for dept in children.get(parent, []):
            out.append(DepartmentNode(dept, depth, groups.get(dept.id, [])))
            walk(dept.id, depth + 1)

    walk(None, 0)
    return out


def staff_in_scope(session: Session, actor: User) -> list[User]:
    """The staff the actor manages: everyone for an administrator, their department's for a department
    administrator."""
    query = select(User).where(User.kind == "staff").order_by(User.department_id, User.username)
    if ADMIN not in actor.role_names:
        query = query.where(User.department_id == actor.department_id)
    return list(session.scalars(query))


def grantable_roles(actor: User) -> list[str]:
    return sorted(STAFF_ROLES if ADMIN in actor.role_names else DEPT_ADMIN_GRANTS)


def grantable_groups(session: Session, actor: User) -> list[Group]:
    query = select(Group).order_by(Group.code)
    if ADMIN not in actor.role_names:
        query = query.where(Group.department_id == actor.department_id)
    return list(session.scalars(query))


def memberships(session: Session, user_ids: list[int]) -> dict[int, list[str]]:
    rows = session.execute(select(GroupMember.user_id, Group.code).join(Group, Group.id == GroupMember.group_id)
                           .where(GroupMember.user_id.in_(user_ids)).order_by(Group.code))
    found: dict[int, list[str]] = {}
    for user_id, code in rows:
        found.setdefault(user_id, []).append(code)
    return found


def _check_grants(session: Session, actor: User, department_id: int | None, roles, groups) -> dict:
    errors: dict[str, list[str]] = {}
    if not may_manage_people(actor, department_id):
        errors["department"] = [_("您只能管理本部门的人员")]
    allowed_roles = set(grantable_roles(actor))
    if set(roles) - allowed_roles:
        refused = "、".join(str(ROLE_LABELS.get(r, r)) for r in sorted(set(roles) - allowed_roles))
        errors["roles"] = [_("不能授予角色：%(r)s", r=refused)]
    allowed_groups = {g.code for g in grantable_groups(session, actor)}
    if set(groups) - allowed_groups:
        errors["groups"] = [_("不能加入这些组：%(g)s", g="、".join(sorted(set(groups) - allowed_groups)))]
    return errors


def create_staff(db: Database, actor: User, *, username: str, display_name: str, password: str,
                 department_code: str | None, roles: list[str], groups: list[str]) -> User:
    """A new staff account (audit `staff_created`). The password is a first one: the new colleague must
    replace it with their own at first sign-in, so the administrator does not go on knowing it."""
    errors: dict[str, list[str]] = {}
    if not _USERNAME.match(username or ""):
        errors["username"] = [_("用户名为 3–64 位字母、数字、下划线、点或连字符")]
    if not (display_name or "").strip():
        errors["display_name"] = [_("请填写姓名")]
    problem = passwords.password_problem(password or "", username or "", personal=((display_name or "").strip(),))
    if problem:
        errors["password"] = [problem]
    with db.write() as session:
        dept = session.scalar(select(Department).where(Department.code == department_code)) if department_code else None
        if department_code and dept is None:
            errors["department"] = [_("部门不存在")]
        if not dept and ADMIN not in actor.role_names:
            errors["department"] = [_("请选择本部门")]
        errors.update(_check_grants(session, actor, dept.id if dept else None, roles, groups))
        if accounts.find_user(session, username or "") is not None:
            errors["username"] = [_("用户名已被使用")]
        if errors:
            raise InvalidInput(_("人员未保存，请修改标出的内容"), errors)
        user = accounts.create_user(session, username, password, display_name.strip(), roles=tuple(roles),
                                    groups=tuple(groups), department=department_code,
                                    password_change_required=True)
        audit.record(session, "staff_created", actor=actor, department_code=department_code,
                     detail={"user": username, "roles": sorted(roles), "groups": sorted(groups)})
        return user


def update_staff(db: Database, actor: User, user_id: int, *, roles: list[str], groups: list[str],
                 active: bool) -> None:
    """Replace a staff member's roles and group memberships, and (de)activate them (audit `staff_updated`;
    deactivating ends all their sessions). Another department's staff is NotFound for a department administrator."""
    with db.write() as session:
        user = session.get(User, user_id)
        if user is None or user.kind != "staff" or not may_manage_people(actor, user.department_id):
            raise NotFound(_("人员不存在"))
        if user.id == actor.id and not active:
            raise Conflict(_("不能停用自己的账号"))
        # Roles or groups the actor may not grant stay as they are (a department administrator editing a
        # colleague who is also an analyst keeps that role).
        keep_roles = {r.role for r in user.roles} - set(grantable_roles(actor))
        grantable = {g.code: g for g in grantable_groups(session, actor)}
        errors = _check_grants(session, actor, user.department_id, roles, groups)
        if errors:
            raise InvalidInput(_("人员未保存，请修改标出的内容"), errors)
        new_roles = sorted(set(roles) | keep_roles)
        user.roles = [UserRole(role=r) for r in new_roles]
        session.execute(delete(GroupMember).where(GroupMember.user_id == user.id,
                                                  GroupMember.group_id.in_([g.id for g in grantable.values()])))
        for code in groups:
            session.add(GroupMember(group_id=grantable[code].id, user_id=user.id))
        user.is_active = bool(active)
        if not user.is_active:  # a deactivated account's open browsers are signed out now, not on their next sign-in
            login_sessions.end_all(session, user.id)
        dept = session.get(Department, user.department_id) if user.department_id else None
        audit.record(session, "staff_updated", actor=actor, department_code=dept.code if dept else None,
                     detail={"user": user.username, "roles": new_roles, "groups": sorted(groups),
                             "active": bool(active)})


def save_department(db: Database, actor: User, *, code: str, name: str, level: str, parent_code: str | None,
                    windows: list[str]) -> None:
    """Create or update a department (system administrators only; audit `department_saved`)."""
    if ADMIN not in actor.role_names:
        raise Forbidden(_("只有系统管理员可以调整部门"))
    errors: dict[str, list[str]] = {}
    if not _CODE.match(code or ""):
        errors["code"] = [_("部门编码为 2–64 位字母、数字、下划线或连字符")]
    if len((name or "").strip()) < 2:
        errors["name"] = [_("请填写部门名称")]
    if level not in LEVELS:
        errors["level"] = [_("请选择层级")]
    with db.write() as session:
        by_code = {d.code: d for d in session.scalars(select(Department))}
        parent = by_code.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            errors["parent"] = [_("上级部门不存在")]
        row = by_code.get(code)
        node = parent
        while node is not None and row is not None:  # no department may sit below itself
            if node.id == row.id:
                errors["parent"] = [_("上级部门不能是本部门或其下级")]
                break
            node = node.parent
        if errors:
            raise InvalidInput(_("部门未保存，请修改标出的内容"), errors)
        if row is None:
            row = Department(code=code, sort=len(by_code))
            session.add(row)
        row.name, row.level, row.parent = name.strip(), level, parent
        row.windows = [w.strip() for w in windows if w.strip()]
        audit.record(session, "department_saved", actor=actor, department_code=code,
                     detail={"name": row.name, "level": level, "parent": parent_code, "windows": row.windows})
    runtime_organisation.forget()


def save_group(db: Database, actor: User, *, code: str, name: str, department_code: str | None) -> None:
    """Create or rename a candidate group (system administrators only; audit `group_saved`). Diagrams name
    groups by code (or by a lane's name), so a code is never changed here."""
    if ADMIN not in actor.role_names:
        raise Forbidden(_("只有系统管理员可以调整组"))
    errors: dict[str, list[str]] = {}
    if not _CODE.match(code or "") or code == "applicant":
        errors["code"] = [_("组编码为 2–64 位字母、数字、下划线或连字符（applicant 为保留编码）")]
    if len((name or "").strip()) < 2:
        errors["name"] = [_("请填写组名称")]
    with db.write() as session:
        dept = session.scalar(select(Department).where(Department.code == department_code)) if department_code else None
        if department_code and dept is None:
            errors["department"] = [_("部门不存在")]
        clash = session.scalar(select(Group).where(Group.name == (name or "").strip(), Group.code != code))
        if clash is not None:
            errors["name"] = [_("组名称与 %(code)s 重复（泳道按名称匹配时无法区分）", code=clash.code)]
        if errors:
            raise InvalidInput(_("组未保存，请修改标出的内容"), errors)
        row = session.scalar(select(Group).where(Group.code == code))
        if row is None:
            row = Group(code=code)
            session.add(row)
        row.name, row.department_id = name.strip(), dept.id if dept else None
        audit.record(session, "group_saved", actor=actor, department_code=department_code,
                     detail={"group": code, "name": row.name})
    runtime_organisation.forget()

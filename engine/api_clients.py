"""Department systems as API clients: created with a token shown once, authenticated by its hash, revocable.

A token is `ow_<prefix>_<secret>`: the prefix (8 hex characters) finds the client's row, the SHA-256 of
the whole token is compared in constant time. Only the hash is stored, so a lost token is replaced by a
new client, never recovered.

Each client gets a technical user (kind `api`, no usable password): it is the acting user the engine
checks and the audit trail names when the client submits, claims or completes. It belongs to every
candidate group of the client's departments at creation (`sync_groups` refreshes that after the
organisation data changes).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import audit, clock
from .db import Database
from .errors import InvalidInput, NotFound
from .i18n import _
from .models import ApiClient, Department, Group, GroupMember, User, UserRole
from .permissions import CLERK, REVIEWER, SUPERVISOR

SCOPES = {
    "items:read": _("读取事项目录与办事指南"),
    "cases:read": _("读取本部门办件"),
    "cases:write": _("提交申请"),
    "tasks:read": _("读取本部门待办任务"),
    "tasks:write": _("签收、办理任务"),
    "supervision:read": _("读取预警、超期办件"),
    "statistics:read": _("读取办件统计"),
    "events:read": _("读取办件事件流"),
    "webhooks:manage": _("管理事件推送订阅"),
}
TOKEN_PREFIX = "ow_"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # `last_used_at` is written at most once a minute per client


@dataclass(frozen=True)
class Created:
    client_id: int
    name: str
    token: str  # shown once; only its hash is kept


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _roles_for(scopes: list[str]) -> list[str]:
    roles = []
    if {"tasks:read", "tasks:write"} & set(scopes):
        roles += [CLERK, REVIEWER]
    if "supervision:read" in scopes:
        roles.append(SUPERVISOR)
    return roles


def create_client(db: Database, name: str, departments: list[str], scopes: list[str]) -> Created:
    """Register a department system; returns its token, which is never shown again."""
    name = (name or "").strip()
    problems: dict[str, list[str]] = {}
    if not name or len(name) > 100:
        problems["name"] = [_("请填写 1 到 100 个字符的客户端名称。")]
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        problems["scopes"] = [_("权限范围无效：%(scopes)s。可用：%(known)s",
                                scopes=", ".join(unknown) or "-", known=", ".join(SCOPES))]
    if not departments:
        problems["departments"] = [_("请至少指定一个部门。")]
    with db.write() as session:
        known = set(session.scalars(select(Department.code).where(Department.code.in_(departments))))
        if set(departments) - known:
            problems["departments"] = [_("没有这些部门：%(codes)s。", codes=", ".join(sorted(set(departments) - known)))]
        if session.scalar(select(ApiClient.id).where(ApiClient.name == name)) is not None:
            problems["name"] = [_("已有同名客户端。")]
        if problems:
            raise InvalidInput(_("客户端信息有误。"), problems)
        prefix = secrets.token_hex(4)
        token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        now = clock.now()
        user = User(username=f"api:{prefix}", password_hash="!api-client-no-password",
                    display_name=f"{name}（接口）"[:100], kind="api", is_active=True, created_at=now)
        user.roles = [UserRole(role=r) for r in _roles_for(scopes)]
        session.add(user)
        session.flush()
        client = ApiClient(name=name, departments=sorted(set(departments)), scopes=sorted(set(scopes)),
                           token_prefix=prefix, token_hash=hash_token(token), user_id=user.id, created_at=now)
        session.add(client)
        session.flush()
        _sync_groups(session, client)
        audit.record(session, "api_client_created", detail={"client": client.id, "name": name,
                                                            "departments": client.departments,
                                                            "scopes": client.scopes})
        return Created(client.id, name, token)


def _sync_groups(session: Session, client: ApiClient) -> None:
    session.execute(delete(GroupMember).where(GroupMember.user_id == client.user_id))
    groups = session.scalars(select(Group.id).join(Department, Department.id == Group.department_id)
                             .where(Department.code.in_(client.departments)))
    session.add_all(GroupMember(group_id=group, user_id=client.user_id) for group in groups)


def sync_groups(db: Database, name: str) -> None:
    """Make the technical user a member of exactly the current groups of the client's departments."""
    with db.write() as session:
        _sync_groups(session, _by_name(session, name))


def _by_name(session: Session, name: str) -> ApiClient:
    client = session.scalar(select(ApiClient).where(ApiClient.name == name))
    if client is None:
        raise NotFound(_("没有名为“%(name)s”的接口客户端。", name=name))
    return client


def revoke(db: Database, name: str) -> None:
    """Revoke a client's token at once; its technical user is deactivated with it."""
    with db.write() as session:
        client = _by_name(session, name)
        if client.revoked_at is None:
            client.revoked_at = clock.now()
            session.get(User, client.user_id).is_active = False
            audit.record(session, "api_client_revoked", detail={"client": client.id, "name": client.name})


def list_clients(session: Session) -> list[ApiClient]:
    return list(session.scalars(select(ApiClient).order_by(ApiClient.name)))


def authenticate(db: Database, token: str) -> ApiClient | None:
    """The active client a bearer token belongs to, or None. Records the last use (once a minute at most)."""
    if not token.startswith(TOKEN_PREFIX) or token.count("_") < 2:
        return None
    prefix = token[len(TOKEN_PREFIX):].split("_", 1)[0]
    with db.read() as session:
        client = session.scalar(select(ApiClient).where(ApiClient.token_prefix == prefix))
        if client is None or not hmac.compare_digest(client.token_hash, hash_token(token)):
            return None
        if client.revoked_at is not None:
            return None
        client.user  # loaded for the request (the session closes here)
        client.user.roles
    now = clock.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_RESOLUTION:
        with db.write() as session:
            session.get(ApiClient, client.id).last_used_at = now
        client.last_used_at = now
    return client


def department_ids(session: Session, client: ApiClient) -> list[int]:
    """Ids of the client's departments."""
    return sorted(session.scalars(select(Department.id).where(Department.code.in_(client.departments))))

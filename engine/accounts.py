"""People: password hashing (Argon2id), creating accounts with roles and group memberships, and checking a
name and password at sign-in. The password rule is engine.passwords; the sessions engine.login_sessions.
"""
from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock
from .db import Database
from .i18n import _
from .models import Department, Group, GroupMember, User, UserRole

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(session: Session, username: str, password: str, display_name: str, *, kind: str = "staff",
                roles: tuple[str, ...] = (), groups: tuple[str, ...] = (), department: str | None = None,
                applicant_type: str | None = None, id_number: str | None = None, phone: str | None = None,
                email: str | None = None, **details) -> User:
    """Create an account; `groups` and `department` are codes from the organisation data. `details` are
    further columns (address, legal_representative, contact_name)."""
    dept_id = session.scalar(select(Department.id).where(Department.code == department)) if department else None
    user = User(username=username, password_hash=hash_password(password), display_name=display_name, kind=kind,
                applicant_type=applicant_type, id_number=id_number, phone=phone, email=email, department_id=dept_id,
                is_active=True, created_at=clock.now(), **details)
    user.roles = [UserRole(role=r) for r in roles]
    session.add(user)
    session.flush()
    for code in groups:
        group = session.scalar(select(Group).where(Group.code == code))
        if group is None:
            raise ValueError(f"unknown group {code}")
        session.add(GroupMember(group_id=group.id, user_id=user.id))
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the user, or a message to show."""

    user: User | None
    message: str | None = None


_dummy: dict[str, User] = {}


def authenticate(db: Database, username: str, password: str) -> SignIn:
    """Check a name and password. An unknown name, a wrong password and a deactivated account read the same,
    and unknown names cost the same Argon2 check as known ones, so neither words nor response times tell
    which names exist. Guessing is slowed by the caller (the web app's limits per address and per address and
    name), never by locking the account: a lock would let anyone lock anyone out."""
    wrong = _("用户名或密码不正确，请重新输入。")
    with db.read() as session:
        user = find_user(session, username) if username else None
    if user is None:
        verify_password(_dummy_user(), password)
        return SignIn(None, wrong)
    if verify_password(user, password) and user.is_active:
        return SignIn(user)
    return SignIn(None, wrong)


def _dummy_user() -> User:
    if "user" not in _dummy:
        _dummy["user"] = User(password_hash=hash_password("not-a-real-password"))
    return _dummy["user"]

"""People: password hashing (Argon2id), creating accounts with roles and group memberships, and signing in
with throttling against password guessing.

Throttling: `MAX_FAILED_LOGINS` wrong passwords in a row lock the account for `LOCK_MINUTES`; while it is
locked even the right password is refused. The lock is an audit event; a successful sign-in clears the count.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import audit, clock
from .db import Database
from .i18n import _
from .models import Department, Group, GroupMember, User, UserRole

_hasher = PasswordHasher()
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15


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
                is_active=True, created_at=clock.now(), failed_logins=0, **details)
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
    """The outcome of a sign-in: the user, or a message to show (and when a lock ends, if locked)."""

    user: User | None
    message: str | None = None
    locked_until: datetime | None = None


_dummy: dict[str, User] = {}


def authenticate(db: Database, username: str, password: str) -> SignIn:
    """Check a name and password, counting failures and locking the account after `MAX_FAILED_LOGINS`.

    Unknown names cost the same Argon2 check as known ones, so response times do not tell which exist."""
    wrong = _("用户名或密码不正确，请重新输入。")
    with db.read() as session:
        user = find_user(session, username) if username else None
    if user is None:
        verify_password(_dummy_user(), password)
        return SignIn(None, wrong)
    now = clock.now()
    if user.locked_until is not None and user.locked_until > now:
        return SignIn(None, _locked_message(user.locked_until), user.locked_until)
    if verify_password(user, password) and user.is_active:
        if user.failed_logins or user.locked_until is not None:
            with db.write() as session:
                session.execute(update(User).where(User.id == user.id).values(failed_logins=0, locked_until=None))
        return SignIn(user)
    return _count_failure(db, user, now) or SignIn(None, wrong)


def _count_failure(db: Database, user: User, now: datetime) -> SignIn | None:
    with db.write() as session:
        # One atomic increment: two wrong guesses at once both count.
        session.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
        row = session.scalar(select(User).where(User.id == user.id).with_for_update())
        session.refresh(row)
        if row.failed_logins < MAX_FAILED_LOGINS:
            return None
        row.failed_logins, row.locked_until = 0, now + timedelta(minutes=LOCK_MINUTES)
        audit.record(session, "account_locked", actor=row,
                     detail={"username": row.username, "minutes": LOCK_MINUTES, "failures": MAX_FAILED_LOGINS})
        until = row.locked_until
    return SignIn(None, _locked_message(until), until)


def _locked_message(until: datetime) -> str:
    return _("密码连续输错 %(n)d 次，账户已锁定，请%(minutes)d分钟后再试。", n=MAX_FAILED_LOGINS,
             minutes=minutes_left(until))


def minutes_left(until: datetime, now: datetime | None = None) -> int:
    """Whole minutes until a lock ends, rounded up (a lock with 30 seconds left says 1 minute)."""
    seconds = (until - (now or clock.now())).total_seconds()
    return max(1, math.ceil(seconds / 60))


def _dummy_user() -> User:
    if "user" not in _dummy:
        _dummy["user"] = User(password_hash=hash_password("not-a-real-password"))
    return _dummy["user"]

"""People: password hashing (Argon2id) and creating accounts with roles and group memberships."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock
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
                email: str | None = None) -> User:
    """Create an account; `groups` and `department` are codes from the organisation data."""
    dept_id = session.scalar(select(Department.id).where(Department.code == department)) if department else None
    user = User(username=username, password_hash=hash_password(password), display_name=display_name, kind=kind,
                applicant_type=applicant_type, id_number=id_number, phone=phone, email=email, department_id=dept_id,
                is_active=True, created_at=clock.now())
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

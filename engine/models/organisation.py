"""Departments (a tree by level), people, groups and roles."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class Department(Base):
    """A unit of the centre: city / county / township service centres and the departments in them."""

    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))  # province / city / county / township
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    windows: Mapped[list] = mapped_column(default=list)
    sort: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Department | None] = relationship(remote_side=[id])


class User(Base):
    """Staff and applicants alike; `kind` tells them apart, roles say what staff may do."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # staff / applicant
    applicant_type: Mapped[str | None] = mapped_column(String(8))  # 自然人 / 法人
    id_number: Mapped[str | None] = mapped_column(String(18))  # resident ID or unified social credit code
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    legal_representative: Mapped[str | None] = mapped_column(String(100))  # companies: 法定代表人
    contact_name: Mapped[str | None] = mapped_column(String(100))  # companies: 联系人
    # Staff an administrator created must choose their own password before anything else (engine.passwords).
    password_change_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    # A clerk's window at walk-in registration, remembered from the last one chosen (engine.windows).
    window: Mapped[str | None] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]

    department: Mapped[Department | None] = relationship()
    roles: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    # One applicant account per resident ID or credit code (staff rows carry none).
    __table_args__ = (Index("uq_user_applicant_id_number", "id_number", unique=True,
                            postgresql_where=text("kind = 'applicant' AND id_number IS NOT NULL"),
                            sqlite_where=text("kind = 'applicant' AND id_number IS NOT NULL")),)

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)


class LoginSession(Base):
    """A signed-in browser (engine.login_sessions): the SHA-256 of the token its cookie carries."""

    __tablename__ = "login_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(index=True)


class UserRole(Base):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class Group(Base):
    """A candidate group that diagrams name (a department's window, reviewers, head)."""

    __tablename__ = "work_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    department: Mapped[Department | None] = relationship()


class GroupMember(Base):
    __tablename__ = "group_member"
    group_id: Mapped[int] = mapped_column(ForeignKey("work_group.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    __table_args__ = (Index("ix_group_member_user", "user_id"),)


class CalendarDay(Base):
    """An administrator's override of the working-day calendar for one date."""

    __tablename__ = "calendar_day"
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO date, sorts and compares as text
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]

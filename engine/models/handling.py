"""Case handling at the workbench: saved inbox filters, absence substitution, special procedures, extensions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .case import Case
from .organisation import User


class SavedFilter(Base):
    """A clerk's named inbox filter (item, status, warning level, due window, applicant, case number, sort)."""

    __tablename__ = "saved_filter"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    query: Mapped[dict]
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_filter_user_name"),)


class Substitution(Base):
    """An absent clerk's substitute (代岗) for a date range: their tasks show in the substitute's inbox."""

    __tablename__ = "substitution"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    substitute: Mapped[User] = relationship(foreign_keys=[substitute_id])

    __table_args__ = (Index("ix_substitution_substitute", "substitute_id", "ends_on"),
                      Index("ix_substitution_user", "user_id", "ends_on"))


class SpecialProcedure(Base):
    """A special procedure (特别程序: expert review, hearing, testing, site inspection): the clock stops."""

    __tablename__ = "special_procedure"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    limit_days: Mapped[int]
    started_at: Mapped[datetime]
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    due_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    result: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    __table_args__ = (Index("ix_special_procedure_case", "case_id", "started_at"),)


class Extension(Base):
    """An extension of the statutory limit (延期): requested by a clerk, decided by a section head."""

    __tablename__ = "extension"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    days: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="requested")  # requested / approved / refused
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    opinion: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    __table_args__ = (Index("ix_extension_case", "case_id"), Index("ix_extension_state", "state", "requested_at"))

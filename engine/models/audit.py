"""The audit trail: append-only rows in one hash chain (triggers refuse UPDATE and DELETE)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class AuditEvent(Base):
    __tablename__ = "audit_event"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=False)
    created_at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"))
    case_no: Mapped[str | None] = mapped_column(String(24))
    status: Mapped[int | None]
    department_code: Mapped[str | None] = mapped_column(String(64))
    actor_id: Mapped[int | None]
    actor_name: Mapped[str | None] = mapped_column(String(100))
    opinion: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_case", "case_id", "seq"),)


class AuditHead(Base):
    """The chain's last link: one row, locked by every writer so links never fork."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    hash: Mapped[str] = mapped_column(String(64))

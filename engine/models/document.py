"""Numbered written documents issued on a case (notices, decisions, certificates) and their counters."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .case import Case


class DocumentCounter(Base):
    """The last number used in one series (department × year × kind); locked while a number is drawn,
    and rolled back with the document if its transaction fails, so numbers have no gaps."""

    __tablename__ = "document_counter"
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)


class Document(Base):
    """One issued document: its number, the case data it was generated from, and the stored PDF."""

    __tablename__ = "document"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(64), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    year: Mapped[int]
    seq: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict]  # every field printed, as generated from the case: the PDF can be rebuilt from it
    verify_code: Mapped[str] = mapped_column(String(32), unique=True)
    pdf_path: Mapped[str | None] = mapped_column(String(300))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship()
    __table_args__ = (
        UniqueConstraint("department_id", "year", "kind", "seq", name="uq_document_series_seq"),
        Index("ix_document_case", "case_id"),
    )

"""An application before and after it is a case: the applicant's draft, and the revisions a supplement makes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .item import Item
from .organisation import User

OPEN_DRAFT = "case_id IS NULL"


class ApplicationDraft(Base):
    """A partly filled application form, saved as the applicant types. One open draft per account and item;
    submitting it sets `case_id` (the draft is consumed in the case's own transaction) and empties its data."""

    __tablename__ = "application_draft"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    data: Mapped[dict]  # the item form as far as it is filled, not validated
    on_behalf: Mapped[dict | None]  # an agent's part about the person they apply for
    materials: Mapped[dict]  # material id -> list of file ids (the uploads module owns what they mean)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id", ondelete="SET NULL"))
    consumed_at: Mapped[datetime | None]

    item: Mapped[Item] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (
        Index("uq_draft_open", "user_id", "item_id", unique=True, postgresql_where=text(OPEN_DRAFT),
              sqlite_where=text(OPEN_DRAFT)),
        Index("ix_draft_user", "user_id", "updated_at"),
    )


class ApplicationRevision(Base):
    """One version of a case's application: round 1 as submitted, one more round per supplement answered."""

    __tablename__ = "application_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    round: Mapped[int]
    data: Mapped[dict]
    changed: Mapped[list]  # dotted paths that differ from the previous round
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime]
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))

    submitted_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("case_id", "round", name="uq_application_revision_case_round"),)

"""Complaints (投诉, GB/T 36113) as the supervision work handles them: one row per stage with its handler and
due time, and the append-only history of who did what at which stage."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .organisation import User
from .portal import Inquiry

OPEN_STAGE = "completed_at IS NULL"


class ComplaintStage(Base):
    """One stage of a complaint (received, investigating, resolved, replied): who handles it and by when.

    The stage a complaint is in is its only row without `completed_at`; `due_at` is counted in working days
    from `started_at` (engine.complaints.STAGE_LIMITS). Only open stages are in the due index, which serves
    the supervision desk's list of overdue complaint stages."""

    __tablename__ = "complaint_stage"
    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime]
    due_at: Mapped[datetime]
    limit_days: Mapped[int]
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    inquiry: Mapped[Inquiry] = relationship()
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])

    __table_args__ = (
        Index("ix_complaint_stage_inquiry", "inquiry_id", "started_at"),
        Index("ix_complaint_stage_due", "due_at", "id", postgresql_where=text(OPEN_STAGE),
              sqlite_where=text(OPEN_STAGE)),
        Index("ix_complaint_stage_handler", "handler_id", "due_at", postgresql_where=text(OPEN_STAGE),
              sqlite_where=text(OPEN_STAGE)),
    )


class ComplaintEvent(Base):
    """One entry of a complaint's history: received, assigned, advanced, replied. Never changed afterwards."""

    __tablename__ = "complaint_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(ForeignKey("inquiry.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))  # the stage it is about (the one entered, on advance)
    action: Mapped[str] = mapped_column(String(16))  # received / assigned / advanced / replied
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])

    __table_args__ = (Index("ix_complaint_event_inquiry", "inquiry_id", "created_at", "id"),)


@event.listens_for(ComplaintEvent, "before_update")
@event.listens_for(ComplaintEvent, "before_delete")
def _append_only(_mapper, _connection, target) -> None:
    raise RuntimeError(f"complaint history is append-only (event {target.id})")

"""Supervision (电子监察): yellow / red cards and urging (催办), kept as rows the desk and workbench list."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .case import Case, HumanTask
from .organisation import Department, User

UNACKNOWLEDGED = "acknowledged_at IS NULL"


class SupervisionCard(Base):
    """A yellow or red card: a case or one of its steps ran late (or a boundary timer escalated it).

    The card is also the notice to the people concerned: the step's handler (`handler_id`, or the step's
    group while nobody has claimed it) and the section heads of `department_id` see it on their workbench
    until one of them acknowledges it."""

    __tablename__ = "supervision_card"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"))
    colour: Mapped[str] = mapped_column(String(8))  # yellow / red
    reason: Mapped[str] = mapped_column(String(32))  # step_overdue / case_warning / case_overdue / boundary_timer
    message: Mapped[str] = mapped_column(Text)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    group_code: Mapped[str | None] = mapped_column(String(64))
    reassigned_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship()
    task: Mapped[HumanTask | None] = relationship(foreign_keys=[task_id])
    reassigned_task: Mapped[HumanTask | None] = relationship(foreign_keys=[reassigned_task_id])
    department: Mapped[Department | None] = relationship()
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])

    __table_args__ = (
        Index("ix_card_case", "case_id", "created_at"),
        Index("ix_card_colour", "colour", "created_at"),
        Index("ix_card_open_handler", "handler_id", postgresql_where=text(UNACKNOWLEDGED),
              sqlite_where=text(UNACKNOWLEDGED)),
        Index("ix_card_open_department", "department_id", postgresql_where=text(UNACKNOWLEDGED),
              sqlite_where=text(UNACKNOWLEDGED)),
        Index("ix_card_open_group", "group_code", postgresql_where=text(UNACKNOWLEDGED),
              sqlite_where=text(UNACKNOWLEDGED)),
    )


class Urge(Base):
    """催办: a supervisor presses the handler of an open step, with a message; the handler may answer."""

    __tablename__ = "urge"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"))
    urged_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship()
    task: Mapped[HumanTask] = relationship()
    urged_by: Mapped[User] = relationship(foreign_keys=[urged_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    __table_args__ = (Index("ix_urge_task", "task_id", "created_at"), Index("ix_urge_case", "case_id", "created_at"))

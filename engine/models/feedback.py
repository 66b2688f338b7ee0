"""Messages to people (站内消息 and their e-mail / SMS outbox) and the applicants' evaluations (好差评)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .case import Case
from .organisation import User

UNREAD = "read_at IS NULL"
PENDING = "state = 'pending'"
BAD = "is_bad"


class Message(Base):
    """One message in a person's space, written in the transaction of the change that caused it."""

    __tablename__ = "message"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # accepted / supplement / refused / concluded / ...
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

    case: Mapped[Case | None] = relationship()

    __table_args__ = (
        Index("ix_message_user", "user_id", "created_at", "id"),
        # The navigation's unread count on every page: only unread rows are in this index.
        Index("ix_message_unread", "user_id", postgresql_where=text(UNREAD), sqlite_where=text(UNREAD)),
    )


class MessageDelivery(Base):
    """The outbox: one external delivery (e-mail or SMS) of a message, sent after the commit by the scheduler."""

    __tablename__ = "message_delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # email / sms
    address: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending / sent / failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    message: Mapped[Message] = relationship()

    __table_args__ = (Index("ix_delivery_due", "next_attempt_at", postgresql_where=text(PENDING),
                            sqlite_where=text(PENDING)),)


class Evaluation(Base):
    """An applicant's evaluation of a concluded case (GB/T 39734 / 39735), one per case.

    Department, item and level are columns so that statistics count rows; a bad review (level 1–2) has its
    rectification case and state here too."""

    __tablename__ = "evaluation"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    level: Mapped[int] = mapped_column(SmallInteger)  # 5 非常满意 … 1 非常不满意
    overall: Mapped[int] = mapped_column(SmallInteger)
    efficiency: Mapped[int] = mapped_column(SmallInteger)
    guide_accuracy: Mapped[int] = mapped_column(SmallInteger)
    convenience: Mapped[int] = mapped_column(SmallInteger)
    usability: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    is_bad: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    # Bad reviews only: none / open (section head rectifying) / rectified (awaiting the applicant's rating) /
    # satisfied / unsatisfied.
    rectification_state: Mapped[str] = mapped_column(String(12), default="none")
    rectification_case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"))
    rectification_due_at: Mapped[datetime | None]
    rectified_at: Mapped[datetime | None]
    rectification_rating: Mapped[str | None] = mapped_column(Text)  # the applicant's comment on the rectification

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    user: Mapped[User] = relationship()
    rectification_case: Mapped[Case | None] = relationship(foreign_keys=[rectification_case_id])

    __table_args__ = (
        Index("ix_evaluation_department", "department_id", "created_at"),
        Index("ix_evaluation_item", "item_id", "created_at"),
        Index("ix_evaluation_bad", "created_at", postgresql_where=text(BAD), sqlite_where=text(BAD)),
        Index("ix_evaluation_rectification_case", "rectification_case_id"),
        # The supervisor's list of bad reviews by department and rectification state, newest first.
        Index("ix_evaluation_bad_state", "department_id", "rectification_state", "created_at",
              postgresql_where=text(BAD), sqlite_where=text(BAD)),
    )


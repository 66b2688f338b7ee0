"""The open API: department systems' clients, idempotent request records, webhook subscriptions and their
outbox of deliveries (with every attempt kept)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .organisation import User

PENDING = "state = 'pending'"


class ApiClient(Base):
    """One department system. Only a hash of its token is kept; `token_prefix` finds the row for a token.

    `user_id` is the client's technical user: the acting user recorded in the audit trail when the client
    claims or completes tasks."""

    __tablename__ = "api_client"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    departments: Mapped[list]  # department codes the client may see and act in
    scopes: Mapped[list]       # allowed operations: items:read, cases:write ...
    token_prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class IdempotencyRecord(Base):
    """A POST made with an `Idempotency-Key`: the first request's hash and, once known, its response.

    The row is inserted in the transaction of the action itself (engine.idempotency), so the unique key
    lets exactly one of several concurrent duplicates commit."""

    __tablename__ = "idempotency_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))  # client:<id>, user:<id> or ip:<address> (IPv6: 45)
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    # {"body": ..., "headers": {...}} once stored; before that, what the action left for rebuilding its answer
    # after the lease ({"outcome": {...}}, engine.idempotency.keep_outcome), or None
    response: Mapped[dict | None]
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("owner", "key", "method", "path", name="uq_idempotency_request"),
                      Index("ix_idempotency_created", "created_at"))


class WebhookSubscription(Base):
    """A department system's receiver of case events (`events` are event types, or ["*"])."""

    __tablename__ = "webhook_subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_client.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list]
    secret: Mapped[str] = mapped_column(String(200))  # kept readable: every delivery is signed with it
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]

    client: Mapped[ApiClient] = relationship()


class WebhookDelivery(Base):
    """The webhook outbox: one event for one subscription, written in the transaction of the event and
    sent after the commit by the scheduler."""

    __tablename__ = "webhook_delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscription.id", ondelete="CASCADE"),
                                                 index=True)
    event_type: Mapped[str] = mapped_column(String(64))
    event_seq: Mapped[int]
    payload: Mapped[dict]
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending / sent / failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    subscription: Mapped[WebhookSubscription] = relationship()

    __table_args__ = (Index("ix_webhook_delivery_due", "next_attempt_at", postgresql_where=text(PENDING),
                            sqlite_where=text(PENDING)),)


class WebhookAttempt(Base):
    """Every attempt to deliver, with the receiver's answer or the error."""

    __tablename__ = "webhook_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int]

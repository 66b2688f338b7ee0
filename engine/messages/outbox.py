"""Sending the outbox: e-mail and SMS copies of messages, after the commit that wrote them.

A pass claims due deliveries in a short transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL, an exclusive
write on SQLite) and leases them for `LEASE_SECONDS`; the network calls run outside any transaction, so a
slow or dead server holds no lock; a second short transaction records each result. A failure is retried
after 1, 2, 4 ... minutes (at most an hour apart); after `MAX_ATTEMPTS` the delivery is given up (`failed`,
audit event `message_delivery_failed`). A sender that dies mid-send leaves its lease to expire, and the
delivery is tried again: at least once, never lost.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select

from .. import audit, clock
from ..db import Database
from ..errors import stops_the_process
from ..models import Message, MessageDelivery
from .channels import Channels

log = logging.getLogger(__name__)
LEASE_SECONDS = 300
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS, MAX_RETRY_SECONDS = 60, 3600
BATCH = 50

# Called after a transaction that queued deliveries (the in-process scheduler sends at once).
outbox_listeners: list[Callable[[], None]] = []


def notify_outbox() -> None:
    for listener in list(outbox_listeners):
        listener()


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** (attempts - 1), MAX_RETRY_SECONDS))


@dataclass(frozen=True)
class Claimed:
    id: int
    channel: str
    address: str
    title: str
    body: str
    attempts: int


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def deliver_due(db: Database, channels: Channels | None = None, now: datetime | None = None) -> Report:
    """Send every delivery due by `now` (default: the clock's now), batch by batch."""
    channels = channels or Channels.from_env()
    report = Report()
    while True:
        claimed = _claim(db, now or clock.now())
        if not claimed:
            return report
        for delivery in claimed:
            try:
                channels.send(delivery.channel, delivery.address, delivery.title, delivery.body)
            except BaseException as exc:  # any failure of a foreign server or its client: recorded and retried
                if stops_the_process(exc):
                    raise
                log.warning("delivery %s by %s failed: %s", delivery.id, delivery.channel, exc)
                _record(db, delivery, f"{type(exc).__name__}: {exc}"[:1000], report)
            else:
                _record(db, delivery, None, report)


def settle(delivery, error: str | None, now: datetime, report: Report) -> str:
    """The state an attempt leaves a delivery of any outbox in (it has `state`, `attempts`, `sent_at`,
    `last_error`, `next_attempt_at`): `sent`, `failed` after MAX_ATTEMPTS, else `retried` after `retry_delay`."""
    if error is None:
        delivery.state, delivery.sent_at, delivery.last_error = "sent", now, None
        report.sent += 1
        return "sent"
    delivery.last_error = error
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.state = "failed"
        report.failed += 1
        return "failed"
    delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    report.retried += 1
    return "retried"


def _claim(db: Database, now: datetime) -> list[Claimed]:
    with db.write() as session:
        rows = session.execute(
            select(MessageDelivery, Message.title, Message.body).join(Message, Message.id == MessageDelivery.message_id)
            .where(MessageDelivery.state == "pending", MessageDelivery.next_attempt_at <= now)
            .order_by(MessageDelivery.next_attempt_at, MessageDelivery.id).limit(BATCH)
            .with_for_update(of=MessageDelivery, skip_locked=True)).all()
        claimed = []
        for delivery, title, body in rows:
            delivery.attempts += 1
            delivery.next_attempt_at = now + timedelta(seconds=LEASE_SECONDS)
            claimed.append(Claimed(delivery.id, delivery.channel, delivery.address, title, body, delivery.attempts))
        return claimed


def _record(db: Database, claimed: Claimed, error: str | None, report: Report) -> None:
    now = clock.now()
    with db.write() as session:
        delivery = session.get(MessageDelivery, claimed.id, with_for_update=True)
        if delivery is None or delivery.state != "pending":
            return
        detail = {"delivery": delivery.id, "message": delivery.message_id, "channel": delivery.channel,
                  "attempts": delivery.attempts}
        outcome = settle(delivery, error, now, report)
        if outcome == "sent":
            audit.record(session, "message_sent", case=delivery.message.case, detail=detail)
        elif outcome == "failed":
            audit.record(session, "message_delivery_failed", case=delivery.message.case,
                         detail={**detail, "error": error})

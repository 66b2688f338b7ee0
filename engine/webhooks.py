"""Webhooks: department systems hear of their cases' events by signed HTTP POSTs.

A subscription names a URL, the event types (`case.status`, `case.submit` ... or `*`) and a secret.
Deliveries are rows of an outbox written in the transaction of the case event itself (`enqueue`, called
when the audit trail seals the transaction's events), so an event is never announced without having
happened, nor lost when it happened. The scheduler sends them after the commit with the message outbox's
pattern (engine.messages.outbox): a short transaction claims and leases due rows, the HTTP call runs
outside any transaction (a slow or dead receiver blocks nobody), a second short transaction records the
attempt. Failures are retried after 1, 2, 4 ... minutes up to `MAX_ATTEMPTS`; every attempt is kept.

Signature: `X-OneWindow-Signature: sha256=<hex>`, the HMAC-SHA256 with the subscription's secret of
`<X-OneWindow-Timestamp>.<body>` (docs/api.md shows how to check it).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock
from .db import Database
from .errors import InvalidInput, NotFound, stops_the_process
from .events import describe, event_type
from .i18n import _
from .messages.outbox import LEASE_SECONDS, Report, settle
from .models import ApiClient, Department, WebhookAttempt, WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)
BATCH = 50
TIMEOUT_SECONDS = 10
EVENT_PATTERN = re.compile(r"^(\*|case\.[a-z_]{1,60})$")
_SUBSCRIPTIONS, _CLIENTS, _DELIVERIES = WebhookSubscription.__table__, ApiClient.__table__, WebhookDelivery.__table__


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp` (seconds since the epoch, as text)."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


# Subscriptions ---------------------------------------------------------------------------------------------

def subscribe(db: Database, client_id: int, url: str, events: list, secret: str) -> WebhookSubscription:
    """A client's new receiver. The URL must be http(s); the secret at least 16 characters."""
    problems: dict[str, list[str]] = {}
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        problems["url"] = [_("请填写以 http:// 或 https:// 开头的接收地址（500 个字符以内）。")]
    if not isinstance(events, list) or not events or not all(isinstance(e, str) and EVENT_PATTERN.match(e)
                                                             for e in events):
        problems["events"] = [_("请列出要接收的事件类型，如 case.status，或 * 表示全部。")]
    if not isinstance(secret, str) or not 16 <= len(secret) <= 200:
        problems["secret"] = [_("签名密钥须为 16 到 200 个字符。")]
    if problems:
        raise InvalidInput(_("订阅信息有误。"), problems)
    with db.write() as session:
        subscription = WebhookSubscription(client_id=client_id, url=url, events=sorted(set(events)), secret=secret,
                                           created_at=clock.now())
        session.add(subscription)
        session.flush()
        return subscription


def subscriptions_of(session: Session, client_id: int) -> list[WebhookSubscription]:
    return list(session.scalars(select(WebhookSubscription).where(
        WebhookSubscription.client_id == client_id, WebhookSubscription.deleted_at.is_(None))
        .order_by(WebhookSubscription.id)))


def unsubscribe(db: Database, client_id: int, subscription_id: int) -> None:
    """Stop a receiver; its pending deliveries are not sent any more."""
    with db.write() as session:
        subscription = session.get(WebhookSubscription, subscription_id)
        if subscription is None or subscription.client_id != client_id or subscription.deleted_at is not None:
            raise NotFound(_("订阅不存在。"))
        subscription.deleted_at = clock.now()
        for delivery in session.scalars(select(WebhookDelivery).where(
                WebhookDelivery.subscription_id == subscription_id, WebhookDelivery.state == "pending")):
            delivery.state, delivery.last_error = "failed", "unsubscribed"


def deliveries_of(session: Session, subscription_id: int, limit: int = 50) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
                                .order_by(WebhookDelivery.id.desc()).limit(limit)))


# The outbox, written with the event ----------------------------------------------------------------------

def enqueue(session: Session, rows: list[dict], cases: list) -> None:
    """Queue deliveries of this transaction's case events to every matching subscription (audit calls this
    while sealing the events, before the commit). One small query when nobody subscribes."""
    case_rows = [(row, case) for row, case in zip(rows, cases) if case is not None]
    if not case_rows:
        return
    connection = session.connection()
    subscriptions = connection.execute(
        select(_SUBSCRIPTIONS.c.id, _SUBSCRIPTIONS.c.events, _CLIENTS.c.departments)
        .join(_CLIENTS, _CLIENTS.c.id == _SUBSCRIPTIONS.c.client_id)
        .where(_SUBSCRIPTIONS.c.deleted_at.is_(None), _CLIENTS.c.revoked_at.is_(None))).all()
    if not subscriptions:
        return
    wanted = {case.department_id for _row, case in case_rows}
    codes = dict(connection.execute(select(Department.id, Department.code).where(Department.id.in_(wanted))).all())
    now = clock.now()
    deliveries = []
    for row, case in case_rows:
        code, kind = codes.get(case.department_id), event_type(row["action"])
        for subscription_id, events, departments in subscriptions:
            if code in departments and ("*" in events or kind in events):
                payload = describe(row["seq"], row["action"], row["case_no"], code, row["actor_name"], row["status"],
                                   row["opinion"], row["created_at"])
                deliveries.append({"subscription_id": subscription_id, "event_type": kind, "event_seq": row["seq"],
                                   "payload": payload, "state": "pending", "attempts": 0, "next_attempt_at": now,
                                   "created_at": now})
    if deliveries:
        connection.execute(_DELIVERIES.insert(), deliveries)
        session.info["outbox"] = True  # the scheduler sends right after the commit


# Sending -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claimed:
    id: int
    url: str
    secret: str
    event_type: str
    payload: dict
    attempts: int


def deliver_due(db: Database, now: datetime | None = None) -> Report:
    """Send every delivery due by `now`, batch by batch; each attempt is recorded."""
    report = Report()
    while True:
        claimed = _claim(db, now or clock.now())
        if not claimed:
            return report
        for delivery in claimed:
            started = time.monotonic()
            status, error = _post(delivery)
            _record(db, delivery, status, error, int((time.monotonic() - started) * 1000), report)


def _post(delivery: Claimed) -> tuple[int | None, str | None]:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    timestamp = str(int(time.time()))
    request = urllib.request.Request(delivery.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "OneWindow-Webhooks/1",
        "X-OneWindow-Event": delivery.event_type, "X-OneWindow-Delivery": str(delivery.id),
        "X-OneWindow-Timestamp": timestamp, "X-OneWindow-Signature": sign(delivery.secret, timestamp, body)})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only)
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except BaseException as exc:  # refused, timed out, bad TLS, a failing client: recorded and retried
        if stops_the_process(exc):
            raise
        log.warning("webhook delivery %s failed: %s", delivery.id, exc)
        return None, f"{type(exc).__name__}: {exc}"[:1000]


def _claim(db: Database, now: datetime) -> list[Claimed]:
    with db.write() as session:
        rows = session.execute(
            select(WebhookDelivery, WebhookSubscription.url, WebhookSubscription.secret)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(BATCH)
            .with_for_update(of=WebhookDelivery, skip_locked=True)).all()
        claimed = []
        for delivery, url, secret in rows:
            delivery.attempts += 1
            delivery.next_attempt_at = now + timedelta(seconds=LEASE_SECONDS)
            claimed.append(Claimed(delivery.id, url, secret, delivery.event_type, delivery.payload, delivery.attempts))
        return claimed


def _record(db: Database, claimed: Claimed, status: int | None, error: str | None, duration_ms: int,
            report: Report) -> None:
    now = clock.now()
    with db.write() as session:
        session.add(WebhookAttempt(delivery_id=claimed.id, attempted_at=now, status_code=status, error=error,
                                   duration_ms=duration_ms))
        delivery = session.get(WebhookDelivery, claimed.id, with_for_update=True)
        if delivery is None or delivery.state != "pending":
            return
        settle(delivery, error, now, report)

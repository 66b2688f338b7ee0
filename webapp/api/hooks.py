"""Webhook subscriptions of a department system (engine/webhooks.py sends the deliveries)."""
from __future__ import annotations

from flask_babel import gettext as _

from engine import webhooks
from engine.errors import NotFound
from engine.models import WebhookSubscription

from ..extensions import engine_db
from . import schemas
from .conventions import endpoint
from .problems import Problem
from .representations import iso

TAG = "事件推送"


def _client_id(principal) -> int:
    if principal.client is None:  # people use the web app; subscriptions belong to department systems
        raise Problem(403, "forbidden", _("只有部门系统（令牌）可以管理事件推送。"))
    return principal.client.id


def _subscription(row: WebhookSubscription) -> dict:
    return {"id": row.id, "url": row.url, "events": row.events, "created_at": iso(row.created_at)}


@endpoint("订阅事件推送", tag=TAG, scope="webhooks:manage", body=schemas.SUBSCRIPTION_IN, idempotency_key="required",
          responses={201: schemas.SUBSCRIPTION},
          description="本部门办件的事件以 POST 推送到 url，正文与事件流的一条相同；请求头 X-OneWindow-Signature 为 "
                      "sha256=HMAC-SHA256(secret, X-OneWindow-Timestamp + '.' + 正文)。失败按 1、2、4…分钟重试。")
def subscribe(call):
    data = call.data
    row = webhooks.subscribe(engine_db(), _client_id(call.principal), data["url"], data["events"], data["secret"])
    return _subscription(row), 201


@endpoint("事件推送订阅列表", tag=TAG, scope="webhooks:manage", responses={200: schemas.SUBSCRIPTION_LIST})
def subscriptions(call):
    with engine_db().read() as session:
        return {"items": [_subscription(row) for row in webhooks.subscriptions_of(session, _client_id(call.principal))]}


@endpoint("取消订阅", tag=TAG, scope="webhooks:manage", responses={204: None, 404: None})
def unsubscribe(call, subscription_id: int):
    webhooks.unsubscribe(engine_db(), _client_id(call.principal), subscription_id)
    return "", 204


@endpoint("推送记录", tag=TAG, scope="webhooks:manage", responses={200: schemas.DELIVERY_LIST, 404: None},
          description="最近 50 次推送（状态 pending / sent / failed、尝试次数、最后的错误）。")
def deliveries(call, subscription_id: int):
    client_id = _client_id(call.principal)
    with engine_db().read() as session:
        row = session.get(WebhookSubscription, subscription_id)
        if row is None or row.client_id != client_id:
            raise NotFound(_("订阅不存在。"))
        return {"items": [{"id": d.id, "event_type": d.event_type, "event_seq": d.event_seq, "state": d.state,
                           "attempts": d.attempts, "last_error": d.last_error, "created_at": iso(d.created_at),
                           "sent_at": iso(d.sent_at)} for d in webhooks.deliveries_of(session, subscription_id)]}

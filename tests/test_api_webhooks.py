"""Webhooks: a department system subscribes through the API; case events are written to an outbox in the
event's own transaction and sent after it, signed with HMAC-SHA256, retried with backoff, every attempt
kept; a receiver that is down never holds up a clerk."""
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from engine import cases, clock, webhooks
from engine.errors import InvalidInput
from engine.models import WebhookAttempt, WebhookDelivery
from tests.api_support import bearer, new_client
from tests.helpers import answer, application, item_code, only_open_task, worker_for

SECRET = "a-long-shared-secret-0123456789"


class Receiver:
    """A real HTTP receiver on 127.0.0.1 that fails its first `failures` requests with 500."""

    def __init__(self, failures: int = 0):
        self.failures, self.received = failures, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((self.headers, body))
                failing = receiver.failures > 0
                receiver.failures -= 1
                self.send_response(500 if failing else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver(failures=1)
    yield server
    server.close()


def _subscribe(client, token, url, events=("case.submit",)):
    response = client.post("/api/v1/webhooks", json={"url": url, "events": list(events), "secret": SECRET},
                           headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _submit(db, users, stem="construction_permit"):
    code = item_code(db, stem)
    return cases.submit(db, code, application(db, code), users["haiyun"])


def test_a_signed_delivery_is_retried_after_the_receiver_fails_and_every_attempt_is_kept(client, db, users, receiver):
    token = new_client(db)
    subscription = _subscribe(client, token, receiver.url)
    submitted = _submit(db, users)
    _submit(db, users, "env_impact_report")  # another department: not delivered
    first = webhooks.deliver_due(db)
    assert (first.sent, first.retried) == (0, 1)
    assert webhooks.deliver_due(db).sent == 0  # the retry waits its backoff
    clock.advance(timedelta(minutes=2))
    assert webhooks.deliver_due(db).sent == 1
    assert len(receiver.received) == 2
    headers, body = receiver.received[-1]
    payload = json.loads(body)
    assert (payload["case_no"], payload["status"], payload["department"]) == (submitted.case_no, 1, "dm_construction")
    expected = hmac.new(SECRET.encode(), headers["X-OneWindow-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-OneWindow-Signature"] == f"sha256={expected}"
    assert headers["X-OneWindow-Event"] == "case.submit"
    with db.read() as session:
        attempts = [a.status_code for a in session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id))]
    assert attempts == [500, 204]
    listed = client.get(f"/api/v1/webhooks/{subscription['id']}/deliveries", headers=bearer(token)).get_json()
    assert [(d["state"], d["attempts"]) for d in listed["items"]] == [("sent", 2)]


def test_a_dead_receiver_never_blocks_a_clerk(client, db, users):
    token = new_client(db)
    _subscribe(client, token, "http://127.0.0.1:9/nobody-listens", events=["*"])
    submitted = _submit(db, users)
    task = only_open_task(db, submitted.case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))
    assert only_open_task(db, submitted.case_id).id != task.id
    report = webhooks.deliver_due(db)
    assert report.sent == 0 and report.retried > 0
    with db.read() as session:
        states = set(session.scalars(select(WebhookDelivery.state)))
    assert states == {"pending"}


def test_an_action_that_fails_queues_no_delivery(client, db, users):
    token = new_client(db)
    _subscribe(client, token, "http://127.0.0.1:9/x", events=["*"])
    code = item_code(db, "construction_permit")
    with pytest.raises(InvalidInput):
        cases.submit(db, code, {}, users["haiyun"])
    with db.read() as session:
        assert session.scalars(select(WebhookDelivery)).all() == []


def test_subscriptions_are_listed_checked_and_removed_per_client(client, db):
    token, other = new_client(db), new_client(db, name="环保局系统", departments=["dm_env"])
    made = _subscribe(client, token, "https://example.org/hooks")
    assert [s["id"] for s in client.get("/api/v1/webhooks", headers=bearer(token)).get_json()["items"]] == [made["id"]]
    assert "secret" not in made
    assert client.get("/api/v1/webhooks", headers=bearer(other)).get_json()["items"] == []
    assert client.delete(f"/api/v1/webhooks/{made['id']}", headers=bearer(other)).status_code == 404
    bad = client.post("/api/v1/webhooks", json={"url": "ftp://x", "events": ["case.submit"], "secret": SECRET},
                      headers=bearer(token))
    assert bad.status_code == 400 and "url" in bad.get_json()["errors"]
    assert client.delete(f"/api/v1/webhooks/{made['id']}", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/webhooks", headers=bearer(token)).get_json()["items"] == []


def test_the_schedulers_outbox_job_sends_webhooks_too(client, db, users):
    from engine.scheduler import WakeScheduler

    server = Receiver()
    try:
        _subscribe(client, new_client(db), server.url)
        _submit(db, users)
        WakeScheduler(db)._deliver()  # the job the scheduler runs after commits and every 30 s
        assert len(server.received) == 1
    finally:
        server.close()

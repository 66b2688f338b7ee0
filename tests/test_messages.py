"""Messages to applicants: written with the status change that causes them, read and unread, and their e-mail
and SMS copies sent from the outbox (a real SMTP server on 127.0.0.1, retries with backoff)."""
from __future__ import annotations

import logging
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import cases, clock, messages
from engine.errors import NotFound
from engine.messages import outbox
from engine.messages.channels import Channels, LogSmsGateway, SmtpSettings, sms_gateway
from engine.models import Message, MessageDelivery
from tests import helpers


def submit_case(db, users, applicant="zhangsan"):
    code = helpers.item_code(db, "construction_permit")
    return cases.submit(db, code, helpers.application(db, code), users[applicant])


def messages_to(db, user) -> list[Message]:
    with db.read() as session:
        return list(session.scalars(select(Message).where(Message.user_id == user.id).order_by(Message.id)))


def deliveries(db) -> list[MessageDelivery]:
    with db.read() as session:
        return list(session.scalars(select(MessageDelivery).order_by(MessageDelivery.id)))


def test_receiving_a_case_writes_no_message_but_accepting_and_concluding_do(db, users):
    submitted = submit_case(db, users)
    assert messages_to(db, users["zhangsan"]) == []
    helpers.drive(db, users, submitted.case_id)
    kinds = [m.kind for m in messages_to(db, users["zhangsan"])]
    assert kinds[0] == "accepted" and kinds[-1] == "concluded"
    concluded = messages_to(db, users["zhangsan"])[-1]
    assert concluded.case_id == submitted.case_id and submitted.case_no in concluded.body


def test_a_supplement_request_tells_the_applicant_what_to_do_and_by_when(db, users):
    submitted = submit_case(db, users)
    task = helpers.only_open_task(db, submitted.case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="supplement",
                                                          supplement_materials=["施工合同复印件需加盖公章"],
                                                          opinion="请补正施工合同。"))
    (message,) = messages_to(db, users["zhangsan"])
    assert message.kind == "supplement" and "请补正施工合同。" in message.body and "前" in message.body


def test_an_agents_case_tells_the_agent(db, users):
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), None, applicant_name="陈大海",
                             applicant_type="自然人", applicant_id_number="110105199003071239",
                             agent=users["agent_bj"], channel="agent")
    helpers.drive(db, users, submitted.case_id, max_steps=1)
    assert [m.kind for m in messages_to(db, users["agent_bj"])] == ["accepted"]


def test_unread_count_list_and_marking_read(db, users):
    submitted = submit_case(db, users)
    helpers.drive(db, users, submitted.case_id)
    zhangsan = users["zhangsan"]
    with db.read() as session:
        total = messages.unread_count(session, zhangsan)
        listed = messages.messages_of(session, zhangsan)
    assert total == len(listed) >= 2
    assert [m.id for m in listed] == sorted((m.id for m in listed), reverse=True)  # newest first
    assert messages.mark_read(db, zhangsan, listed[0].id) == 1
    assert messages.mark_read(db, zhangsan, listed[0].id) == 0
    with db.read() as session:
        assert messages.unread_count(session, zhangsan) == total - 1
    assert messages.mark_read(db, zhangsan) == total - 1
    with db.read() as session:
        assert messages.unread_count(session, zhangsan) == 0


def test_someone_elses_message_does_not_exist_for_you(db, users):
    submitted = submit_case(db, users)
    helpers.drive(db, users, submitted.case_id, max_steps=1)
    (message,) = messages_to(db, users["zhangsan"])
    with db.read() as session, pytest.raises(NotFound):
        messages.message_of(session, users["haiyun"], message.id)
    with pytest.raises(NotFound):
        messages.mark_read(db, users["haiyun"], message.id)


def test_the_unread_count_uses_the_partial_index(db, users):
    from sqlalchemy import func, text

    from tests.conftest import BACKEND

    query = select(func.count()).select_from(Message).where(Message.user_id == 1, Message.read_at.is_(None))
    with db.read() as session:
        sql = str(query.compile(session.bind, compile_kwargs={"literal_binds": True}))
        if BACKEND == "sqlite":
            plan = " ".join(str(row) for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        else:
            session.execute(text("SET enable_seqscan = off"))
            plan = " ".join(str(row) for row in session.execute(text("EXPLAIN " + sql)))
    assert "ix_message_unread" in plan


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1 keeping what it receives."""
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.received = []

        async def handle_DATA(self, server, session, envelope):
            self.received.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def test_an_email_copy_goes_through_a_real_smtp_server(db, users, smtp_server, monkeypatch):
    controller, handler = smtp_server
    monkeypatch.setenv("ONEWINDOW_SMTP_HOST", "127.0.0.1")
    registration_email(db, users["zhangsan"], "zhangsan@example.cn")
    submitted = submit_case(db, users)
    helpers.drive(db, users, submitted.case_id, max_steps=1)
    channels = Channels(SmtpSettings(host="127.0.0.1", port=controller.port, sender="onewindow@dm.gov.cn"),
                        LogSmsGateway())
    report = outbox.deliver_due(db, channels)
    assert report.sent == 2 and report.retried == 0  # e-mail and SMS
    (mail,) = handler.received
    assert mail["To"] == "zhangsan@example.cn" and mail["Subject"] == "办件已受理"
    assert submitted.case_no in mail.get_content()
    assert {d.state for d in deliveries(db)} == {"sent"}


def registration_email(db, user, email):
    from engine import registration

    registration.update_profile(db, user, user.phone, email, "")


def test_a_failed_delivery_is_retried_after_a_backoff(db, users, smtp_server, monkeypatch):
    controller, handler = smtp_server
    monkeypatch.setenv("ONEWINDOW_SMTP_HOST", "127.0.0.1")
    registration_email(db, users["zhangsan"], "zhangsan@example.cn")
    submitted = submit_case(db, users)
    helpers.drive(db, users, submitted.case_id, max_steps=1)
    sms = LogSmsGateway()
    dead = Channels(SmtpSettings(host="127.0.0.1", port=free_port()), sms)  # nobody listens there
    report = outbox.deliver_due(db, dead)
    assert (report.sent, report.retried) == (1, 1)  # the SMS went, the e-mail waits
    (email,) = [d for d in deliveries(db) if d.channel == "email"]
    assert email.state == "pending" and email.attempts == 1 and email.last_error
    assert timedelta(seconds=55) < email.next_attempt_at - clock.now() <= timedelta(seconds=60)
    alive = Channels(SmtpSettings(host="127.0.0.1", port=controller.port), sms)
    assert outbox.deliver_due(db, alive).sent == 0  # not due yet
    clock.advance(timedelta(seconds=61))
    assert outbox.deliver_due(db, alive).sent == 1
    assert len(handler.received) == 1
    (email,) = [d for d in deliveries(db) if d.channel == "email"]
    assert (email.state, email.attempts, email.last_error) == ("sent", 2, None)


def test_backoff_doubles_up_to_an_hour():
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8)] == [60, 120, 240, 3600, 3600]


def test_a_delivery_is_given_up_after_the_last_attempt(db, users, monkeypatch):
    monkeypatch.setenv("ONEWINDOW_SMTP_HOST", "127.0.0.1")
    registration_email(db, users["zhangsan"], "zhangsan@example.cn")
    submitted = submit_case(db, users)
    helpers.drive(db, users, submitted.case_id, max_steps=1)
    dead = Channels(SmtpSettings(host="127.0.0.1", port=free_port()), LogSmsGateway())
    for _attempt in range(outbox.MAX_ATTEMPTS):
        outbox.deliver_due(db, dead)
        clock.advance(timedelta(hours=1, seconds=1))
    (email,) = [d for d in deliveries(db) if d.channel == "email"]
    assert (email.state, email.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert ("message_delivery_failed", None) in helpers.audit_actions(db, submitted.case_id)


def test_the_default_sms_gateway_writes_the_text_to_the_log(db, users, caplog):
    submitted = submit_case(db, users)
    helpers.drive(db, users, submitted.case_id, max_steps=1)
    with caplog.at_level(logging.INFO, logger="onewindow.sms"):
        report = outbox.deliver_due(db, Channels(None, sms_gateway()))
    assert report.sent == 1
    (record,) = [r for r in caplog.records if r.name == "onewindow.sms"]
    assert users["zhangsan"].phone in record.getMessage() and "办件已受理" in record.getMessage()


def test_no_email_is_queued_when_smtp_is_not_configured(db, users, monkeypatch):
    monkeypatch.delenv("ONEWINDOW_SMTP_HOST", raising=False)
    registration_email(db, users["zhangsan"], "zhangsan@example.cn")
    submitted = submit_case(db, users)
    helpers.drive(db, users, submitted.case_id, max_steps=1)
    assert [d.channel for d in deliveries(db)] == ["sms"]


def test_a_pluggable_sms_gateway_is_named_by_a_dotted_path(monkeypatch):
    monkeypatch.setenv("ONEWINDOW_SMS_GATEWAY", "engine.messages.channels:LogSmsGateway")
    assert isinstance(sms_gateway(), LogSmsGateway)

"""External channels: e-mail through an SMTP server, SMS through a pluggable gateway.

E-mail settings come from the environment: `ONEWINDOW_SMTP_HOST` (no host: no e-mail is queued),
`ONEWINDOW_SMTP_PORT` (default 25, or 465 with TLS=ssl), `ONEWINDOW_SMTP_USER` / `ONEWINDOW_SMTP_PASSWORD`
(log in when set), `ONEWINDOW_SMTP_FROM` (default `onewindow@localhost`), `ONEWINDOW_SMTP_TLS`
(`none`, `starttls` or `ssl`; default `none`). SMS goes through `ONEWINDOW_SMS_GATEWAY`, the dotted path
of a class or object with `send(phone, text)`; the default writes the message to the log.
"""
from __future__ import annotations

import importlib
import logging
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

log = logging.getLogger("onewindow.sms")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
SMTP_TIMEOUT_SECONDS = 10
DEFAULT_GATEWAY = "engine.messages.channels.LogSmsGateway"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "onewindow@localhost"
    tls: str = "none"  # none / starttls / ssl

    @classmethod
    def from_env(cls, environ=None) -> "SmtpSettings | None":
        """The SMTP server from `ONEWINDOW_SMTP_*`; None when no host is set (e-mail is off)."""
        env = os.environ if environ is None else environ
        host = env.get("ONEWINDOW_SMTP_HOST", "").strip()
        if not host:
            return None
        tls = env.get("ONEWINDOW_SMTP_TLS", "none").strip().lower() or "none"
        if tls not in ("none", "starttls", "ssl"):
            raise ValueError(f"ONEWINDOW_SMTP_TLS must be none, starttls or ssl, not {tls!r}")
        port = int(env.get("ONEWINDOW_SMTP_PORT") or (465 if tls == "ssl" else 25))
        return cls(host=host, port=port, user=env.get("ONEWINDOW_SMTP_USER") or None,
                   password=env.get("ONEWINDOW_SMTP_PASSWORD") or None,
                   sender=env.get("ONEWINDOW_SMTP_FROM") or "onewindow@localhost", tls=tls)


def send_email(settings: SmtpSettings, to: str, subject: str, body: str) -> None:
    """Send one plain-text UTF-8 e-mail; raises on any failure (the outbox retries)."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message["Date"], message["Message-ID"] = formatdate(localtime=True), make_msgid(domain="onewindow")
    message.set_content(body)
    context = ssl.create_default_context()
    if settings.tls == "ssl":
        server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS)
    with server:
        if settings.tls == "starttls":
            server.starttls(context=context)
        if settings.user:
            server.login(settings.user, settings.password or "")
        server.send_message(message)


class LogSmsGateway:
    """The default SMS gateway: writes the text to the log (logger `onewindow.sms`), for installations
    without an SMS contract. A real gateway is any class with the same `send`."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


def sms_gateway(path: str | None = None):
    """The gateway named by `path` or `ONEWINDOW_SMS_GATEWAY` (`package.module.Name` or `package.module:Name`);
    a class is instantiated without arguments."""
    path = (path or os.environ.get("ONEWINDOW_SMS_GATEWAY") or DEFAULT_GATEWAY).strip()
    module_name, _sep, attribute = path.replace(":", ".").rpartition(".")
    target = getattr(importlib.import_module(module_name), attribute)
    return target() if isinstance(target, type) else target


@dataclass
class Channels:
    """What the outbox sends with: SMTP settings (None: e-mail off) and an SMS gateway."""

    smtp: SmtpSettings | None
    sms: object

    @classmethod
    def from_env(cls) -> "Channels":
        return cls(SmtpSettings.from_env(), sms_gateway())

    def send(self, channel: str, address: str, title: str, body: str) -> None:
        if channel == "email":
            if self.smtp is None:
                raise RuntimeError("e-mail is not configured (ONEWINDOW_SMTP_HOST)")
            send_email(self.smtp, address, title, body)
        else:
            self.sms.send(address, f"【一窗通】{title}：{body}")


def addresses(user) -> list[tuple[str, str]]:
    """The external channels a person can be reached on: e-mail when they gave one and e-mail is configured,
    SMS when their phone is a mobile number."""
    found = []
    if user.email and os.environ.get("ONEWINDOW_SMTP_HOST", "").strip():
        found.append(("email", user.email))
    if user.phone and MOBILE.match(user.phone):
        found.append(("sms", user.phone))
    return found

"""Response headers every page gets: no sniffing, no framing, scripts and styles from our own origin only,
no browser features we never use; over HTTPS, HSTS and a session cookie marked `Secure`."""
from __future__ import annotations

import os

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.serving import WSGIRequestHandler

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "frame-src 'self'",  # the clerk's task page shows a case's PDF materials in an <iframe>
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

# Nothing on the platform uses a camera, microphone, location, payment or device API: a script that got in
# anyway may not ask for them.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "hid", "magnetometer",
    "microphone", "midi", "payment", "serial", "usb"))
HSTS = "max-age=31536000"  # a year; not includeSubDomains: other hosts of the same domain are not ours

# ONEWINDOW_SECURE_COOKIES: "auto" (default) marks the session cookie Secure on every request that came over
# HTTPS (directly, or through the proxies ONEWINDOW_PROXIES counts); "always" marks it Secure whatever the
# request, for a TLS proxy that does not say X-Forwarded-Proto. Plain http://127.0.0.1 (`make run`) keeps a
# cookie a browser will send back, so signing in still works there.
SECURE_COOKIES = ("auto", "always")


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie session, Secure whenever the request was HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure


class RequestHandler(WSGIRequestHandler):
    """The development server's handler (`onewindow serve`) without Werkzeug's and Python's versions in
    `Server`: a version tells an attacker which published flaws to try."""

    server_version = "OneWindow"

    def version_string(self) -> str:
        return self.server_version


def register(app: Flask) -> None:
    _secure_cookies(app)

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.endpoint != "static":
            # Pages carry personal data (applications, query codes): never keep them in shared caches.
            headers.setdefault("Cache-Control", "no-store")
        return response


def _secure_cookies(app: Flask) -> None:
    raw = str(app.config.get("ONEWINDOW_SECURE_COOKIES", os.environ.get("ONEWINDOW_SECURE_COOKIES", "auto")))
    setting = raw.strip().lower() or "auto"
    if setting not in SECURE_COOKIES:
        raise SystemExit(f"ONEWINDOW_SECURE_COOKIES must be one of {', '.join(SECURE_COOKIES)}, not {raw!r}.")
    if setting == "always":
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    app.session_interface = SessionCookies()

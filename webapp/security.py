"""Response headers every page gets: no sniffing, no framing, scripts and styles from our own origin only."""
from __future__ import annotations

from flask import Flask, request

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


def register(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static":
            # Pages carry personal data (applications, query codes): never keep them in shared caches.
            headers.setdefault("Cache-Control", "no-store")
        return response

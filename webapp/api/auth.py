"""Who is calling the API: a department system with a bearer token, or a person with their browser session.

A token request never looks at the session cookie; a session request is the signed-in person with
exactly their web-app permissions (engine.permissions.api_scopes_of) and must carry the CSRF token in
the `X-CSRFToken` header on POSTs and DELETEs (token requests are exempt: no cookie, no CSRF).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import ValidationError, validate_csrf

from engine import api_clients
from engine.models import ApiClient, User
from engine.permissions import api_departments_of, api_scopes_of

from ..extensions import engine_db
from .problems import Problem


@dataclass(frozen=True)
class Principal:
    user: User                      # the acting user (a client's technical user)
    client: ApiClient | None
    scopes: frozenset[str]
    departments: list[int] | None   # department ids whose cases are listed (None: all)
    owner: str                      # client:<id> / user:<id>: idempotency keys and rate limits are per owner

    @property
    def client_departments(self) -> list[int] | None:
        """The departments of a token client (its hard boundary), None for a person."""
        return self.departments if self.client is not None else None


def _unauthorized(detail: str | None = None) -> Problem:
    return Problem(401, "unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="onewindow"'})


def current_principal() -> Principal | None:
    """The caller, resolved once per request; None when anonymous. A bad token is 401."""
    if "api_principal" in g:
        return g.api_principal
    header = request.headers.get("Authorization")
    principal = None
    if header is not None:
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized()
        client = api_clients.authenticate(engine_db(), token.strip())
        if client is None:
            raise _unauthorized()
        with engine_db().read() as session:
            departments = api_clients.department_ids(session, client)
        principal = Principal(client.user, client, frozenset(client.scopes), departments, f"client:{client.id}")
    elif current_user.is_authenticated:
        user = current_user.user
        with engine_db().read() as session:
            departments = api_departments_of(session, user)
        principal = Principal(user, None, api_scopes_of(user), departments, f"user:{user.id}")
    g.api_principal = principal
    return principal


def require(scope: str | None) -> Principal | None:
    """The caller, who must hold `scope` (None: anyone, even anonymous)."""
    principal = current_principal()
    if scope is None:
        return principal
    if principal is None:
        raise _unauthorized()
    if scope not in principal.scopes:
        raise Problem(403, "forbidden", _("需要权限范围 %(scope)s。", scope=scope))
    if principal.client is None and request.method not in ("GET", "HEAD", "OPTIONS"):
        _check_csrf()
    return principal


def _check_csrf() -> None:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
    except ValidationError as exc:
        raise Problem(403, "csrf_failed") from exc


def rate_limit_key() -> str:
    """Rate limits count per client or person; anonymous callers (and bad tokens) per address."""
    try:
        principal = current_principal()
    except Problem:
        principal = None
    return principal.owner if principal is not None else f"ip:{request.remote_addr}"

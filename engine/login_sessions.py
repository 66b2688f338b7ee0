"""Sessions held on the server: every sign-in is a row, and a browser's cookie is good only while its row is.

Signing in makes a random token; the browser's (signed) cookie carries it and the table keeps only its
SHA-256, so a copy of the database opens no session. Signing out deletes the row, so a cookie copied before
is worth nothing afterwards; a password change deletes the account's other rows (the browser that made the
change stays signed in), and deactivating an account deletes all of them.

A session lasts at most `LIFETIME` from sign-in. Its age is wall-clock time, not `engine.clock`: the clock
may be moved for demos and tests, and moving it must not sign everyone out. Rows older than that are
deleted whenever anybody signs in, so the table holds roughly the sessions of the last `LIFETIME`.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .db import Database
from .models import LoginSession, User

LIFETIME = timedelta(hours=12)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _wall_clock() -> datetime:
    return datetime.now(timezone.utc)


def start(db: Database, user: User) -> str:
    """A new session of `user`; returns the token for the browser's cookie (shown only here)."""
    token = secrets.token_urlsafe(32)
    now = _wall_clock()
    with db.write() as session:
        session.execute(delete(LoginSession).where(LoginSession.created_at < now - LIFETIME))
        session.add(LoginSession(id=_digest(token), user_id=user.id, created_at=now))
    return token


def signed_in_user(session: Session, user_id: int, token: str | None) -> User | None:
    """The active user whose session `token` is, if that session is still open and belongs to `user_id`."""
    if not token:
        return None
    return session.scalar(select(User).join(LoginSession, LoginSession.user_id == User.id)
                          .where(LoginSession.id == _digest(token), User.id == user_id, User.is_active.is_(True),
                                 LoginSession.created_at >= _wall_clock() - LIFETIME))


def end(db: Database, token: str | None) -> None:
    """Sign out: the session of `token` ends (nothing happens for an unknown or empty token)."""
    if not token:
        return
    with db.write() as session:
        session.execute(delete(LoginSession).where(LoginSession.id == _digest(token)))


def end_all(session: Session, user_id: int, keep: str | None = None) -> int:
    """End every session of an account but the one of `keep`, inside the caller's transaction (a password
    change, a deactivation). Returns how many ended."""
    query = delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep:
        query = query.where(LoginSession.id != _digest(keep))
    return session.execute(query).rowcount or 0

"""Idempotent requests: a retried POST with the same `Idempotency-Key` gets the first response and never
acts twice.

How exactly-once holds, also for concurrent duplicates: while an action runs inside `guard(...)`, the
first write transaction that commits inserts the key's row into that same transaction (a `before_commit`
hook), after first looking for a committed row. Two duplicates racing: on SQLite write transactions are
exclusive, so the second sees the first's row; on PostgreSQL the second's INSERT waits on the unique key
until the first commits, then fails, and its whole transaction (the second case) rolls back. Either way
the loser raises `Replay`, and the caller answers with the stored response once it is there.

The response is stored by `store_response` right after the action returned. A row without a response is
"in progress" for `LEASE` (30 seconds) from its commit: a retry then waits a little and is told to retry
later (never run twice). After the lease the process that committed is taken for dead, and an endpoint that
can rebuild its answer from what was committed does so (a new case: `case_made_with`, plus the query code
the action left on the key's row with `keep_outcome`, since the case keeps only its hash).

Keys are kept for `RETENTION` (24 hours; the scheduler purges older ones). A new case also carries its key
for good (`case_file.idempotency_owner/_key/_hash`, unique per owner and key, written in the case's own
transaction: `case_columns`, `refuse_if_case_made`): a retry after the purge still finds its case instead of
making a second one, and two concurrent duplicates cannot both commit a case even without the key's row.
"""
from __future__ import annotations

import contextvars
import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Iterator

from sqlalchemy import delete, event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import clock, jsontext
from .db import Database
from .errors import Conflict, OneWindowError
from .i18n import _
from .models import Case, IdempotencyRecord

_TABLE = IdempotencyRecord.__table__
RETENTION = timedelta(hours=24)
LEASE = timedelta(seconds=30)  # how long a committed action's answer may take to be stored


class Replay(OneWindowError):
    """The key was used before (or is being used right now by a concurrent duplicate)."""

    code = "idempotency_replay"


@dataclass
class Request:
    owner: str
    key: str
    method: str
    path: str
    request_hash: str
    inserted: bool = field(default=False)
    outcome: dict | None = field(default=None)  # see keep_outcome


_current: contextvars.ContextVar[Request | None] = contextvars.ContextVar("onewindow_idempotency", default=None)


def request_hash(body: bytes, query: str = "") -> str:
    """The fingerprint a retry must match: the JSON body (canonicalized when it parses) and the query."""
    try:
        canonical = json.dumps(jsontext.loads(body or b"null"), sort_keys=True, separators=(",", ":"),
                               ensure_ascii=False)
    except jsontext.UnreadableJSON:  # hashed as bytes: never parsed deeply, never a lone surrogate
        canonical = (body or b"").decode("utf-8", "replace")
    return hashlib.sha256(f"{query}\n{canonical}".encode("utf-8")).hexdigest()


def find(db: Database, owner: str, key: str, method: str, path: str) -> IdempotencyRecord | None:
    with db.read() as session:
        return session.scalar(select(IdempotencyRecord).where(
            IdempotencyRecord.owner == owner, IdempotencyRecord.key == key, IdempotencyRecord.method == method,
            IdempotencyRecord.path == path))


@contextmanager
def guard(request: Request) -> Iterator[Request]:
    """Run an action so that its first committed write transaction also records the key."""
    token = _current.set(request)
    try:
        yield request
    finally:
        _current.reset(token)


def keep_outcome(outcome: dict) -> None:
    """Inside the guarded action's write transaction: what rebuilding its answer needs beyond the rows it
    commits (a new case's query code, which the case keeps only hashed). It is written on the key's row in
    the same transaction and replaced by the stored response, so it is kept no longer than a response."""
    request = _current.get()
    if request is not None:
        request.outcome = outcome


def lease_left(record: IdempotencyRecord, now=None) -> timedelta:
    """How long the action that committed `record` (without a response yet) still counts as running."""
    return record.created_at + LEASE - (now or clock.now())


@dataclass(frozen=True)
class MadeCase:
    case_id: int
    case_no: str
    request_hash: str | None


def case_made_with(db: Database, owner: str, key: str) -> MadeCase | None:
    """The case a submission with this owner's key made, however long ago."""
    with db.read() as session:
        row = session.execute(select(Case.id, Case.case_no, Case.idempotency_hash).where(
            Case.idempotency_owner == owner, Case.idempotency_key == key)).first()
    return MadeCase(*row) if row is not None else None


def case_columns(request: Request | None) -> dict:
    """The key's columns of a case made by `request` (none without a key)."""
    if request is None:
        return {}
    return {"idempotency_owner": request.owner, "idempotency_key": request.key,
            "idempotency_hash": request.request_hash}


def refuse_if_case_made(session: Session, request: Request | None) -> None:
    """Inside a submission's write transaction, before anything is written: `Replay` when a case already
    carries the key (a retry after the purge, or a duplicate that waited for the first to commit)."""
    if request is None:
        return
    if session.scalar(select(Case.id).where(Case.idempotency_owner == request.owner,
                                            Case.idempotency_key == request.key)) is not None:
        raise Replay(_("该请求已处理。"))


@contextmanager
def unguarded() -> Iterator[None]:
    """Inside `guard`, write transactions that must not carry the key: an API submission stores its files
    first, each in its own transaction, and the key belongs with the case's transaction only."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


@event.listens_for(Session, "before_commit")
def _record_key(session: Session) -> None:
    request = _current.get()
    if request is None or request.inserted:
        return
    connection = session.connection()
    where = ((_TABLE.c.owner == request.owner) & (_TABLE.c.key == request.key) & (_TABLE.c.method == request.method)
             & (_TABLE.c.path == request.path))
    if connection.execute(select(_TABLE.c.id).where(where)).first() is not None:
        raise Replay(_("该请求已处理。"))
    try:
        with connection.begin_nested():
            kept = {"response": {"outcome": request.outcome}} if request.outcome is not None else {}
            connection.execute(_TABLE.insert().values(
                owner=request.owner, key=request.key, method=request.method, path=request.path,
                request_hash=request.request_hash, created_at=clock.now(), **kept))
    except IntegrityError as exc:  # a concurrent duplicate committed first
        raise Replay(_("该请求已处理。")) from exc
    request.inserted = True
    session.info["idempotency_request"] = request


@event.listens_for(Session, "after_commit")
def _keep_key(session: Session) -> None:
    session.info.pop("idempotency_request", None)


@event.listens_for(Session, "after_rollback")
def _forget_key(session: Session) -> None:
    request = session.info.pop("idempotency_request", None)
    if request is not None:
        request.inserted = False


def purge(db: Database, now=None) -> int:
    """Forget keys older than `RETENTION` (a retry after that acts again, as with any payment API); the
    stored responses hold query codes, so they are not kept longer than retries need."""
    cutoff = (now or clock.now()) - RETENTION
    with db.write() as session:
        return session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff)).rowcount


def store_response(db: Database, request: Request, status_code: int, body, headers: dict) -> None:
    """Keep the response for retries: on the row the action's transaction inserted (or a retry's answer
    rebuilt after the lease, on the row left without one), or on a new row when the action wrote nothing (a
    refusal, a no-op; a rebuilt answer after the purge). A response already stored is left as it is."""
    response = {"body": body, "headers": headers}
    try:
        _store(db, request, status_code, response)
    except Conflict:  # a concurrent duplicate of a request that wrote nothing stored its answer first
        pass


def _store(db: Database, request: Request, status_code: int, response: dict) -> None:
    with db.write() as session:
        changed = session.execute(update(IdempotencyRecord).where(
            IdempotencyRecord.owner == request.owner, IdempotencyRecord.key == request.key,
            IdempotencyRecord.method == request.method, IdempotencyRecord.path == request.path,
            IdempotencyRecord.status_code.is_(None)).values(status_code=status_code, response=response)).rowcount
        if changed or request.inserted:
            return
        exists = session.scalar(select(IdempotencyRecord.id).where(
            IdempotencyRecord.owner == request.owner, IdempotencyRecord.key == request.key,
            IdempotencyRecord.method == request.method, IdempotencyRecord.path == request.path))
        if exists is None:
            session.add(IdempotencyRecord(owner=request.owner, key=request.key, method=request.method,
                                          path=request.path, request_hash=request.request_hash,
                                          status_code=status_code, response=response, created_at=clock.now()))

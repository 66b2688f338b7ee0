"""The audit trail: every transition is recorded in the transaction that makes it, in one hash chain.

Rows are append-only (database triggers refuse UPDATE and DELETE, see the initial migration) and each
row's hash covers the previous row's hash, so editing or removing any row, or the chain's tail (the
head row remembers it), is detected by `verify`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from types import SimpleNamespace

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from . import clock
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64

# Prebuilt Core statements on the connection: this runs in every write transaction, ORM layers add up.
_EVENTS, _HEAD = AuditEvent.__table__, AuditHead.__table__
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_APPEND = _EVENTS.insert()
_MOVE_HEAD = _HEAD.update().where(_HEAD.c.id == 1).values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))


def record(session: Session, action: str, *, case=None, actor=None, status: int | None = None,
           opinion: str | None = None, department_code: str | None = None, detail: dict | None = None) -> None:
    """Queue an audit event; it is chained and written when the write transaction commits."""
    session.info.setdefault("audit_pending", []).append({
        "action": action, "case": case, "actor": actor, "status": status, "opinion": opinion,
        "department_code": department_code, "detail": detail or {},
    })


def seal_pending(session: Session, db) -> None:
    """Append queued events to the chain. Called by `Database.write()` just before commit.

    Written with one multi-row INSERT and one UPDATE of the head (no ORM objects): this runs in every
    write transaction, so it is kept lean."""
    pending = session.info.pop("audit_pending", None)
    if not pending:
        return
    session.flush()  # cases created in this transaction need their ids
    # The head row serializes writers on PostgreSQL; SQLite write transactions are already exclusive.
    connection = session.connection()
    seq, prev = connection.execute(_READ_HEAD).one()
    rows = []
    for entry in pending:
        case, actor = entry["case"], entry["actor"]
        seq += 1
        row = SimpleNamespace(
            seq=seq, created_at=clock.now(), action=entry["action"],
            case_id=case.id if case is not None else None, case_no=case.case_no if case is not None else None,
            status=entry["status"], department_code=entry["department_code"],
            actor_id=actor.id if actor is not None else None,
            actor_name=actor.display_name if actor is not None else None,
            opinion=entry["opinion"], detail=entry["detail"], prev_hash=prev)
        row.hash = prev = event_hash(row)
        rows.append(vars(row))
    connection.execute(_APPEND, rows)  # one statement for all rows
    connection.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": prev})
    from . import webhooks  # subscribed department systems hear of case events in this same transaction

    webhooks.enqueue(session, rows, [entry["case"] for entry in pending])


def event_hash(event) -> str:
    """SHA-256 over the previous hash and a canonical JSON of the event's content."""
    body = [event.seq, event.created_at.isoformat(), event.action, event.case_id, event.case_no, event.status,
            event.department_code, event.actor_id, event.actor_name, event.opinion, event.detail, event.prev_hash]
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in order and recompute every link; report the first break."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)).scalars()
    for event in rows:
        if event.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"缺少第 {expected_seq} 条记录")
        if event.prev_hash != expected_prev:
            return ChainReport(False, checked, event.seq, f"第 {event.seq} 条记录的前序哈希不符")
        if event_hash(event) != event.hash:
            return ChainReport(False, checked, event.seq, f"第 {event.seq} 条记录的内容已被改动")
        expected_prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return ChainReport(False, checked, checked + 1, f"链尾缺失：应有 {head.seq} 条记录，实有 {checked} 条")
    return ChainReport(True, checked)

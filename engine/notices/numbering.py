"""Document numbers: one series per department, year and kind, drawn inside the issuing transaction.

The series' last number lives in a `document_counter` row. Drawing locks that row (`SELECT ... FOR
UPDATE` on PostgreSQL; SQLite write transactions are exclusive anyway), so two cases issuing at the same
moment queue and get consecutive numbers. The increment commits or rolls back with the document and the
case action that issued it: a failed action leaves no gap, a retried one cannot reuse a number.

A series' first row is created with INSERT ... ON CONFLICT DO NOTHING: when two transactions start a
new series at once, the second waits for the first and then locks the row it made, instead of failing
with a unique violation.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import DocumentCounter

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def format_number(prefix: str, mark: str, year: int, seq: int) -> str:
    """斗建施 + 受, 2026, 12 → 斗建施受〔2026〕0012号."""
    return f"{prefix}{mark}〔{year}〕{seq:04d}号"


def draw(session: Session, department_id: int, year: int, kind: str) -> int:
    """The next number of a series, taken under the series' row lock (held until the transaction ends)."""
    counter = _locked(session, department_id, year, kind)
    if counter is None:
        insert = _INSERTS[session.get_bind().dialect.name]
        session.execute(insert(DocumentCounter).values(department_id=department_id, year=year, kind=kind, last_seq=0)
                        .on_conflict_do_nothing())
        counter = _locked(session, department_id, year, kind)
    counter.last_seq += 1
    return counter.last_seq


def _locked(session: Session, department_id: int, year: int, kind: str) -> DocumentCounter | None:
    query = (select(DocumentCounter).where(DocumentCounter.department_id == department_id,
                                           DocumentCounter.year == year, DocumentCounter.kind == kind)
             .with_for_update())
    return session.scalar(query)

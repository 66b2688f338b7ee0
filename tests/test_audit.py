"""The audit trail is append-only and hash-chained: tampering is refused or detected."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine import audit


def _write_events(db, n):
    for i in range(n):
        with db.write() as session:
            audit.record(session, "test_event", detail={"n": i}, opinion=f"第{i}条")


def test_chain_of_events_verifies(bare_db):
    _write_events(bare_db, 5)
    with bare_db.read() as session:
        report = audit.verify(session)
    assert report.ok and report.checked == 5


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET opinion = 'x' WHERE seq = 2",
                                       "DELETE FROM audit_event WHERE seq = 3",
                                       "UPDATE audit_head SET seq = 1, hash = 'x'"])
def test_database_refuses_to_change_audit_rows(bare_db, statement):
    _write_events(bare_db, 3)
    with pytest.raises(DBAPIError):
        with bare_db.engine.begin() as conn:
            conn.execute(text(statement))
    with bare_db.read() as session:
        assert audit.verify(session).ok


def _without_guards(db, statement):
    """What an attacker with the database owner's rights could do: bypass the triggers."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            for name in ("audit_event_no_update", "audit_event_no_delete"):
                conn.execute(text(f"DROP TRIGGER {name}"))
        else:
            conn.execute(text("SET session_replication_role = replica"))
        conn.execute(text(statement))


def test_edited_event_is_detected(bare_db):
    _write_events(bare_db, 4)
    _without_guards(bare_db, "UPDATE audit_event SET opinion = '篡改' WHERE seq = 2")
    with bare_db.read() as session:
        report = audit.verify(session)
    assert not report.ok and report.broken_at == 2


def test_removed_tail_event_is_detected(bare_db):
    _write_events(bare_db, 4)
    _without_guards(bare_db, "DELETE FROM audit_event WHERE seq = 4")
    with bare_db.read() as session:
        report = audit.verify(session)
    assert not report.ok and report.broken_at == 4


def test_failed_transaction_leaves_no_audit_event(bare_db):
    with pytest.raises(RuntimeError):
        with bare_db.write() as session:
            audit.record(session, "test_event")
            raise RuntimeError("boom")
    with bare_db.read() as session:
        assert audit.verify(session).checked == 0

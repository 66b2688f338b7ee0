"""Database access: one engine per process, one transaction per action.

SQLite is opened in WAL mode with write transactions started as BEGIN IMMEDIATE, so two writers
queue instead of failing half-way; PostgreSQL uses row locks and the optimistic `Case.version`.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from .errors import Conflict
from .i18n import _

SQLITE_BUSY_TIMEOUT_MS = 15000


def make_engine(url: str, **kwargs) -> Engine:
    """Create the SQLAlchemy engine with the pragmas and pool this project relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args=SQLITE_CONNECT_ARGS, **kwargs)
        configure_engine(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_engine(url, **kwargs)


SQLITE_CONNECT_ARGS = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}


def configure_engine(engine: Engine) -> None:
    """Install the SQLite pragmas and BEGIN handling on an engine made elsewhere (Flask-SQLAlchemy's)."""
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions would defeat IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """The engine's handle on a database: read sessions, and write transactions with audit sealing."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self.is_postgresql = engine.dialect.name == "postgresql"
        write_engine = engine.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else engine
        self._read = sessionmaker(bind=engine, expire_on_commit=False)
        self._write = sessionmaker(bind=write_engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, **kwargs) -> "Database":
        return cls(make_engine(url, **kwargs))

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed. Loaded rows stay usable after it closes."""
        session = self._read()
        try:
            yield session
        finally:
            session.close()  # ends the transaction without expiring what was loaded

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction for one user action: everything or nothing, audit events sealed into the chain.

        A lost race (stale `Case.version`, a unique number taken, a lock refused) becomes `Conflict`."""
        from . import audit  # audit imports models; keep this module importable on its own

        session = self._write()
        try:
            yield session
            audit.seal_pending(session, self)
            _write_core_inserts(session)
            wake_times = session.info.pop("wake_at", None)
            outbox = session.info.pop("outbox", None)
            session.commit()
            if wake_times:
                from .timers import notify_wake  # the in-process scheduler wakes earlier if needed

                notify_wake(wake_times)
            if outbox:
                from .messages.outbox import notify_outbox  # e-mail / SMS go out after the commit

                notify_outbox()
        except (StaleDataError,) as exc:
            session.rollback()
            raise Conflict(_("该办件已被他人处理，请刷新后重试。")) from exc
        except IntegrityError as exc:
            session.rollback()
            if _is_unique_violation(exc):
                raise Conflict(_("数据已被他人修改或编号冲突，请重试。")) from exc
            raise
        except DBAPIError as exc:
            session.rollback()
            if _is_lock_failure(exc):
                raise Conflict(_("系统繁忙，该办件正被他人处理，请稍后重试。")) from exc
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def insert_after_flush(session: Session, table, values) -> None:
    """Write one row of `table` with a Core INSERT once the transaction's flush has given the ids it refers
    to; `values()` is called then. For rows a new case needs and nothing reads back as objects in the same
    action (its workflow, its first tasks): an ORM insert costs several times a Core one."""
    session.info.setdefault("core_inserts", []).append((table, values))


def _write_core_inserts(session: Session) -> None:
    pending = session.info.pop("core_inserts", None)
    if not pending:
        return
    session.flush()
    connection = session.connection()
    for table, values in pending:
        connection.execute(table.insert(), values())


def _is_unique_violation(exc: IntegrityError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(exc.orig)


def _is_lock_failure(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else ""
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return "database is locked" in text or sqlstate in {"40001", "40P01", "55P03"}

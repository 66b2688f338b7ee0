"""Shared pieces of the benchmarks: throw-away databases, timing, statistics and the report lines."""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("ONEWINDOW_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def log(message: str) -> None:
    print(f"  · {message}", flush=True)


# ---------------------------------------------------------------------------------------------------------
# Databases

def postgresql_available(timeout: int = 3) -> tuple[bool, str]:
    """Does the PostgreSQL server answer? (True, version) or (False, why not)."""
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": timeout}, poolclass=_null_pool())
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return True, str(version)
    except Exception as exc:  # any failure means "not available"; say why
        return False, str(exc).splitlines()[0]


def _null_pool():
    from sqlalchemy.pool import NullPool

    return NullPool


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


@contextmanager
def temp_database(backend: str, label: str) -> Iterator[str]:
    """A fresh, empty database for one benchmark; removed afterwards, also when the benchmark fails."""
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix=f"onewindow-bench-{label}-")
        try:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    name = f"bench_{label}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=_null_pool())
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield _pg_url(name)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def prepare(url: str, *, items: bool = True, users: bool = True):
    """Migrate a fresh database and load the sample items and demo accounts, as `make db` does."""
    from engine import demo
    from engine.catalogue import load_items
    from engine.db import Database
    from engine.migrate import upgrade

    db = Database.from_url(url)
    upgrade(db.engine)
    if items:
        report, _deployed = load_items(db, ROOT)
        if not report.ok:
            raise RuntimeError("sample items do not load:\n" + "\n".join(p.format() for p in report.problems))
    if users:
        demo.create_demo_users(db)
    return db


def database_version(db) -> str:
    with db.engine.connect() as conn:
        if db.is_sqlite:
            return "SQLite " + conn.exec_driver_sql("select sqlite_version()").scalar()
        return "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar()


# ---------------------------------------------------------------------------------------------------------
# Timing and statistics

class Stopwatch:
    def __init__(self):
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), int(round(p / 100 * len(ordered) + 0.5))))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# ---------------------------------------------------------------------------------------------------------
# Results

@dataclass
class Figure:
    """One reported figure: its value, the floor measured in the same run, the target and the verdict."""

    backend: str
    key: str
    label: str
    value: str
    floor: str
    target: str
    ok: bool | None          # None: informational, no target
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        verdict = "" if self.ok is None else ("PASS" if self.ok else "MISS")
        return f"{self.label:<28}{self.value:>20}   {self.floor:<48} {self.target:<28} {verdict}"


@dataclass
class Results:
    figures: list[Figure] = field(default_factory=list)
    facts: dict[str, dict[str, str]] = field(default_factory=dict)   # backend -> name -> text

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(figure.line(), flush=True)
        for note in figure.notes:
            print(f"{'':<28}  {note}", flush=True)
        return figure

    def fact(self, backend: str, name: str, value: str) -> None:
        self.facts.setdefault(backend, {})[name] = value

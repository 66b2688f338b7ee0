"""Which department each candidate group belongs to, as the runtime reads it on every new task.

Kept per process and checked again at most every `RECHECK_SECONDS` (groups move between departments
rarely, and a task's department only files it in lists); changes made in this process apply at once.
"""
from __future__ import annotations

import time
from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import versions
from .models import Group

RECHECK_SECONDS = 60.0

_lock = Lock()
_cache: dict[str, tuple[float, dict[str, int | None]]] = {}


def group_departments(session: Session) -> dict[str, int | None]:
    """Group code -> department id."""
    database = versions.database_key(session)
    entry = _cache.get(database)
    now = time.monotonic()
    if entry is not None and now - entry[0] < RECHECK_SECONDS:
        return entry[1]
    mapping = dict(session.execute(select(Group.code, Group.department_id)).all())
    with _lock:
        _cache[database] = (now, mapping)
    return mapping


def forget() -> None:
    with _lock:
        _cache.clear()


def group_names(session: Session) -> dict[str, str]:
    """Group code -> name, for lists that name who holds a step."""
    return dict(session.execute(select(Group.code, Group.name)).all())

"""Published item versions as the runtime needs them, cached per process.

A version never changes once published, so its guide, forms and task metadata are read from the
database once per process and then served from memory: the hot paths (submitting, completing a task,
waking a timer) do not decode the same large JSON columns again and again.
"""
from __future__ import annotations

from dataclasses import dataclass
from threading import Lock
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from .models import Department, Item, ItemVersion

_MAX_CACHED = 512


@dataclass(frozen=True)
class VersionContent:
    id: int
    item_id: int
    item_code: str
    item_name: str
    department_id: int
    department_code: str
    version_no: int
    spec_hash: str
    guide: dict
    forms: dict
    user_tasks: dict
    application_form: str

    def form_schema(self, key: str | None) -> dict | None:
        form = self.forms.get(key) if key else None
        return form["schema"] if form else None


# Keyed by database as well: a process may talk to several (tests, tools), each with its own ids.
_cache: dict[tuple[str, int], VersionContent] = {}
_lock = Lock()


def content(session: Session, version_id: int) -> VersionContent:
    """The immutable content of one item version."""
    key = (database_key(session), version_id)
    found = _cache.get(key)
    if found is not None:
        return found
    row = session.execute(
        select(ItemVersion.id, ItemVersion.item_id, Item.code, Item.name, Item.department_id, Department.code,
               ItemVersion.version_no, ItemVersion.spec_hash, ItemVersion.guide, ItemVersion.forms,
               ItemVersion.user_tasks, ItemVersion.application_form)
        .join(Item, Item.id == ItemVersion.item_id).join(Department, Department.id == Item.department_id)
        .where(ItemVersion.id == version_id)).one()
    found = VersionContent(*row)
    with _lock:
        if len(_cache) >= _MAX_CACHED:
            _cache.clear()
        _cache[key] = found
    return found


_keys: "WeakKeyDictionary[object, str]" = WeakKeyDictionary()


def database_key(session: Session) -> str:
    """Which database a session talks to, for per-database caches (remembered per engine object: this is
    asked several times in every action)."""
    bind = session.get_bind()
    key = _keys.get(bind)
    if key is None:
        key = _keys[bind] = bind.url.render_as_string(hide_password=True)
    return key


_ITEMS = Item.__table__
_CURRENT_VERSION = select(_ITEMS.c.current_version_id).where(_ITEMS.c.code == bindparam("code"),
                                                             _ITEMS.c.retired_at.is_(None))


def current_version_id(session: Session, item_code: str) -> int | None:
    """The version new applications for an item start on; None when the item is unknown or retired.

    A prebuilt Core statement: this is the first statement of every submission."""
    return session.connection().execute(_CURRENT_VERSION, {"code": item_code}).scalar()

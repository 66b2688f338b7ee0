"""A clerk's saved inbox filters: a name and the filter's URL parameters (engine.inbox.InboxFilter)."""
from __future__ import annotations

from dataclasses import fields

from sqlalchemy import func, select

from . import clock
from .db import Database
from .errors import InvalidInput, NotFound
from .i18n import _
from .inbox import InboxFilter
from .models import SavedFilter, User

MAX_PER_USER = 20
KEYS = frozenset(f.name for f in fields(InboxFilter))


def save(db: Database, user: User, name: str, query: dict) -> int:
    """Save (or replace, by name) a filter. `query` is `InboxFilter.to_query()`."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise InvalidInput(_("请为筛选条件起一个名称（不超过 60 字）。"), {"name": [_("请填写名称（不超过 60 字）。")]})
    query = {key: str(value)[:100] for key, value in (query or {}).items() if key in KEYS and value not in (None, "")}
    if not query:
        raise InvalidInput(_("请先设置筛选条件再保存。"), {"": [_("当前没有任何筛选条件。")]})
    with db.write() as session:
        row = session.scalar(select(SavedFilter).where(SavedFilter.user_id == user.id, SavedFilter.name == name))
        if row is None:
            count = session.scalar(select(func.count()).select_from(SavedFilter).where(SavedFilter.user_id == user.id))
            if count >= MAX_PER_USER:
                raise InvalidInput(_("最多保存 %(n)s 个筛选条件，请先删除不用的。", n=MAX_PER_USER), {})
            row = SavedFilter(user_id=user.id, name=name, query=query, created_at=clock.now())
            session.add(row)
        else:
            row.query = query
        session.flush()
        return row.id


def delete(db: Database, user: User, filter_id: int) -> None:
    with db.write() as session:
        row = session.get(SavedFilter, filter_id)
        if row is None or row.user_id != user.id:
            raise NotFound(_("筛选条件不存在。"))
        session.delete(row)


def of_user(session, user: User) -> list[SavedFilter]:
    return list(session.scalars(select(SavedFilter).where(SavedFilter.user_id == user.id).order_by(SavedFilter.name)))

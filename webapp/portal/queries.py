"""What the portal reads: published items, one item's guide, a case by number and query code."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from engine import case_numbers
from engine.models import Case, Department, Item, ItemVersion

MAX_SEARCH_WORDS = 5


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def catalogue(session: Session, keywords: str = "") -> list[tuple[Department, list[Item]]]:
    """Published items grouped by department (in the organisation's order); every keyword must match."""
    query = (select(Item).join(Item.department).options(contains_eager(Item.department))
             .where(Item.retired_at.is_(None), Item.current_version_id.is_not(None), Item.internal.is_(False))
             .order_by(Department.sort, Department.id, Item.name))
    for word in keywords.split()[:MAX_SEARCH_WORDS]:
        query = query.where(Item.search_text.ilike(f"%{_like_escape(word)}%", escape="\\"))
    groups: dict[int, tuple[Department, list[Item]]] = {}
    for item in session.scalars(query):
        groups.setdefault(item.department_id, (item.department, []))[1].append(item)
    return list(groups.values())


def published_version(session: Session, code: str) -> ItemVersion | None:
    """The current version of a published item, or None (internal items are never published)."""
    item = session.scalar(select(Item).where(Item.code == code, Item.retired_at.is_(None), Item.internal.is_(False)))
    return item.current_version if item is not None else None


def case_by_number(session: Session, case_no: str, query_code: str) -> Case | None:
    """The case if the number exists and the query code matches; None either way it fails."""
    case = session.scalar(select(Case).where(Case.case_no == case_no))
    stored = case.query_code_hash if case is not None else case_numbers.hash_query_code(case_no, "-")
    # Compare even when the case does not exist, so the answer takes the same time either way.
    matches = case_numbers.query_code_matches(case_no, query_code, stored)
    return case if case is not None and matches else None

"""What the portal reads: published items (searched, filtered, paged), one item's guide, a case by number and
query code. Everything from indexed rows (item, item_facet, case_file), never from workflows."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, contains_eager

from engine import case_numbers
from engine.models import Case, Department, Item, ItemFacet, ItemVersion

MAX_SEARCH_WORDS = 5
PAGE_SIZE = 20
LEVELS = ("province", "city", "county", "township")
AUDIENCES = ("person", "company")


@dataclass(frozen=True)
class Filters:
    """Catalogue filters already checked against what exists (unknown values never get here)."""

    keywords: str = ""
    department: str | None = None
    theme: str | None = None
    audience: str | None = None
    level: str | None = None

    def args(self) -> dict:
        """The query-string arguments that reproduce these filters (for pagination links)."""
        values = {"q": self.keywords, "dept": self.department, "theme": self.theme, "audience": self.audience,
                  "level": self.level}
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class CataloguePage:
    groups: list[tuple[Department, list[Item]]]
    page: int
    pages: int
    total: int
    items: list[Item] = field(default_factory=list)


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _published():
    return (Item.retired_at.is_(None), Item.current_version_id.is_not(None), Item.internal.is_(False))


def catalogue(session: Session, filters: Filters = Filters(), page: int = 1, size: int = PAGE_SIZE) -> CataloguePage:
    """Published items matching every keyword (name, code, department, themes, pinyin) and every filter,
    in the organisation's order, one page of them grouped by department."""
    query = select(Item).join(Item.department).where(*_published())
    for word in filters.keywords.split()[:MAX_SEARCH_WORDS]:
        query = query.where(Item.search_text.ilike(f"%{_like_escape(word)}%", escape="\\"))
    if filters.department:
        query = query.where(Department.code == filters.department)
    if filters.level:
        query = query.where(Item.level == filters.level)
    for facet, value in (("theme", filters.theme), ("audience", filters.audience)):
        if value:
            query = query.where(exists().where(ItemFacet.item_id == Item.id, ItemFacet.facet == facet,
                                               ItemFacet.value == value))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // size))
    rows = session.scalars(query.options(contains_eager(Item.department))
                           .order_by(Department.sort, Department.id, Item.name, Item.id)
                           .limit(size).offset((max(page, 1) - 1) * size)).all()
    groups: dict[int, tuple[Department, list[Item]]] = {}
    for item in rows:
        groups.setdefault(item.department_id, (item.department, []))[1].append(item)
    return CataloguePage(list(groups.values()), page, pages, total, list(rows))


def departments_with_items(session: Session) -> list[tuple[Department, int]]:
    """Departments that have published items, with how many, in the organisation's order."""
    rows = session.execute(select(Department, func.count(Item.id)).join(Item, Item.department_id == Department.id)
                           .where(*_published()).group_by(Department.id)
                           .order_by(Department.sort, Department.id)).all()
    return [(dept, count) for dept, count in rows]


def themes(session: Session) -> list[str]:
    """Every theme of a published item, alphabetically."""
    return list(session.scalars(select(ItemFacet.value).join(Item, Item.id == ItemFacet.item_id)
                                .where(ItemFacet.facet == "theme", *_published()).distinct().order_by(ItemFacet.value)))


def department_by_code(session: Session, code: str) -> Department | None:
    return session.scalar(select(Department).where(Department.code == code)) if code else None


# The most-requested counts per database, for a few minutes: the home page is the busiest page and the
# GROUP BY reads the whole item index of case_file (one entry per case), which grows without bound.
_popular_cache: dict[str, tuple[float, list[tuple[int, int]]]] = {}


def most_requested(session: Session, limit: int = 6, max_age: float = 300.0) -> list[tuple[Item, int]]:
    """The published items with the most cases: one GROUP BY over case_file's item index (`ix_case_item`),
    its result kept `max_age` seconds per process."""
    key = f"{session.get_bind().url}:{limit}"
    cached = _popular_cache.get(key)
    if cached is None or cached[0] < time.monotonic():
        counts = session.execute(select(Case.item_id, func.count()).group_by(Case.item_id)
                                 .order_by(func.count().desc()).limit(limit * 3)).all()
        cached = _popular_cache[key] = (time.monotonic() + max_age, [(item_id, n) for item_id, n in counts])
    counts = dict(cached[1])
    if not counts:
        return []
    items = session.scalars(select(Item).where(Item.id.in_(list(counts)), *_published())).all()
    ranked = sorted(items, key=lambda item: (-counts[item.id], item.name))
    return [(item, counts[item.id]) for item in ranked[:limit]]


def published_version(session: Session, code: str) -> ItemVersion | None:
    """The current version of a published item, or None (internal items are never published)."""
    item = session.scalar(select(Item).where(Item.code == code, Item.retired_at.is_(None), Item.internal.is_(False)))
    return item.current_version if item is not None else None


def published_items(session: Session) -> list[Item]:
    """Every published item (for the inquiry form's item choice)."""
    return list(session.scalars(select(Item).where(*_published()).order_by(Item.name)))


def case_by_number(session: Session, case_no: str, query_code: str) -> Case | None:
    """The case if the number exists and the query code matches; None either way it fails."""
    case = session.scalar(select(Case).where(Case.case_no == case_no))
    stored = case.query_code_hash if case is not None else case_numbers.hash_query_code(case_no, "-")
    # Compare even when the case does not exist, so the answer takes the same time either way.
    matches = case_numbers.query_code_matches(case_no, query_code, stored)
    return case if case is not None and matches else None

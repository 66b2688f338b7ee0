"""Migration 0011 fills the portal's browse facets and pinyin for items deployed before it."""
from __future__ import annotations

from sqlalchemy import select

from engine.migrate import upgrade
from engine.models import Item, ItemFacet
from tests.test_migrations import downgrade_to


def test_upgrading_fills_facets_and_pinyin_of_existing_items(db):
    with db.read() as session:
        before = sorted(session.execute(select(ItemFacet.item_id, ItemFacet.facet, ItemFacet.value)).all())
    assert before
    downgrade_to(db, "0009")
    upgrade(db.engine)
    with db.read() as session:
        after = sorted(session.execute(select(ItemFacet.item_id, ItemFacet.facet, ItemFacet.value)).all())
        texts = list(session.scalars(select(Item.search_text).where(Item.name == "建筑工程施工许可证核发")))
    assert after == before
    assert texts and "jzgcsgxkz" in texts[0]

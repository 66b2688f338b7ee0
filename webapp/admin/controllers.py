"""The list of items with every published version (content, diagrams and forms are not loaded)."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, load_only

from engine.models import Department, Item, ItemVersion

from ..access import area_required
from ..extensions import db


@area_required("admin")
def items():
    all_items = db.session.scalars(select(Item).join(Item.department).options(contains_eager(Item.department))
                                   .order_by(Department.sort, Item.name)).all()
    versions: dict[int, list[ItemVersion]] = {}
    for version in db.session.scalars(
            select(ItemVersion).options(load_only(ItemVersion.id, ItemVersion.item_id, ItemVersion.version_no,
                                                  ItemVersion.stem, ItemVersion.content_hash,
                                                  ItemVersion.published_at, ItemVersion.published_by))
            .order_by(ItemVersion.item_id, ItemVersion.version_no.desc())):
        versions.setdefault(version.item_id, []).append(version)
    return render_template("admin/items.html", items=all_items, versions=versions)

"""JSON endpoints. Errors under /api answer in JSON too (webapp/errors.py)."""
from __future__ import annotations

from flask import jsonify
from sqlalchemy import select

from engine.models import Department, Item, ItemVersion

from ..extensions import db


def health():
    return jsonify({"status": "ok"})


def items():
    rows = db.session.execute(
        select(Item.code, Item.name, Item.item_type, Item.level, Item.case_kind, Department.code,
               Department.name, ItemVersion.version_no)
        .join(Department, Item.department_id == Department.id)
        .join(ItemVersion, Item.current_version_id == ItemVersion.id)
        .where(Item.retired_at.is_(None), Item.internal.is_(False)).order_by(Item.code)).all()
    return jsonify({"items": [
        {"code": code, "name": name, "item_type": item_type, "level": level, "case_kind": case_kind,
         "department": {"code": dept_code, "name": dept_name}, "version": version_no}
        for code, name, item_type, level, case_kind, dept_code, dept_name, version_no in rows]})

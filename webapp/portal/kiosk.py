"""Kiosk mode (触摸屏) for the hall: large touch targets, no login, back to the start after two idle minutes
(static/kiosk.js). Status lookups share the portal's view logic and rate limits (status.py)."""
from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select

from engine.models import Department

from ..extensions import db
from . import labels, queries

MAX_CODE_LENGTH = 64


def kiosk_home():
    return render_template("kiosk/home.html", departments=queries.departments_with_items(db.session))


def kiosk_department(code: str):
    department = queries.department_by_code(db.session, code) if len(code) <= MAX_CODE_LENGTH else None
    if department is None:
        abort(404)
    page = queries.catalogue(db.session, queries.Filters(department=department.code), 1, size=200)
    return render_template("kiosk/department.html", department=department, items=page.items)


def kiosk_item(code: str):
    version = queries.published_version(db.session, code) if len(code) <= MAX_CODE_LENGTH else None
    if version is None:
        abort(404)
    return render_template("kiosk/item.html", item=version.item, guide=version.guide, labels=labels)


def kiosk_map():
    """Which window serves which department, from organisation.yaml's `windows` (see docs/portal.md)."""
    departments = list(db.session.scalars(select(Department).order_by(Department.sort, Department.id)))
    by_code = {d.code: d for d in departments}
    windows = []
    for dept in departments:
        for entry in dept.windows or []:
            window = entry if isinstance(entry, dict) else {"name": entry}
            serves = [by_code[c].name for c in window.get("serves") or [] if c in by_code]
            windows.append({"number": window.get("number", ""), "name": window.get("name", ""), "hall": dept.name,
                            "area": window.get("area", ""), "serves": serves or [dept.name]})
    areas: dict[str, list[dict]] = {}
    for window in windows:  # one block per floor / area, in the order the organisation lists them
        areas.setdefault(window["area"], []).append(window)
    return render_template("kiosk/map.html", windows=windows, areas=areas)

"""Template filters and globals: Beijing time, status labels, the navigation of the signed-in person."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, request
from flask_babel import gettext as _

from engine import calendar, clock, status
from engine.permissions import ROLE_LABELS

from .access import areas_of, signed_in
from .case_pages import action_label


def localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware datetime shown in the centre's time zone (Beijing), whatever the server's zone."""
    if value is None:
        return ""
    return value.astimezone(clock.TZ).strftime(fmt)


def localdate(value: datetime | None) -> str:
    return localtime(value, "%Y-%m-%d")


def duedate(value: datetime | None) -> str:
    """A deadline as people read it: its last day (a due of midnight after 11 December shows 12-11)."""
    return calendar.last_day(value).isoformat() if value is not None else ""


def status_label(code: int | None) -> str:
    return status.label(code) if code is not None else ""


def register(app: Flask) -> None:
    app.jinja_env.filters.update(localtime=localtime, localdate=localdate, duedate=duedate, status_label=status_label,
                                 action_label=action_label)

    @app.context_processor
    def navigation():
        user = signed_in()
        roles = sorted(str(ROLE_LABELS.get(r, r)) for r in user.role_names) if user else []
        return {"nav_areas": areas_of(user), "signed_in_user": user, "signed_in_roles": roles,
                "current_endpoint": request.endpoint or ""}

    @app.template_global()
    def page_title(*parts) -> str:
        return " - ".join([str(p) for p in parts if p] + [_("一窗通 网上办事大厅")])

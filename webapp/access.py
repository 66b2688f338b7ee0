"""Who may open which part of the web app: the one place views ask, always through engine.permissions.

Flask-Login sees an `Account` that wraps the engine's `User` row; views hand `signed_in()` (the row
itself) to engine functions and permission checks. A browser is signed in only while its server-side
session (engine.login_sessions, token in the signed cookie under `SESSION_TOKEN`) is open: Flask-Login's
user id alone, from a copied cookie after logout or from a "remember me" cookie, opens nothing.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, jsonify, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin, current_user

from engine import login_sessions
from engine.models import User
from engine.permissions import may_enter

SESSION_TOKEN = "login_session"  # the key of the session token in Flask's session
SESSION_EXPIRED = _l("登录已过期，请重新登录。")

# Where a person lands after signing in: the first area they may enter, in this order.
AREA_ENDPOINTS = (
    ("applicant", "applicant.home", _l("我的办件")),
    ("workbench", "workbench.inbox", _l("工作台")),
    ("admin", "admin.items", _l("事项管理")),
    ("supervision", "supervision.dashboard", _l("效能监察")),
)


class Account(UserMixin):
    """The signed-in person as Flask-Login needs them; `.user` is the engine's User row."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return str(self.user.id)

    @property
    def is_active(self) -> bool:
        return bool(self.user.is_active)


def configure_login(manager) -> None:
    from .extensions import db

    manager.login_view = "auth.login"
    manager.login_message = _l("请先登录。")
    manager.login_message_category = "info"
    manager.session_protection = "basic"

    @manager.user_loader
    def load_account(user_id: str):
        if not user_id.isdigit():
            return None
        user = login_sessions.signed_in_user(db.session, int(user_id), session.get(SESSION_TOKEN))
        return Account(user) if user is not None else None


def session_token() -> str | None:
    """The token of this browser's server-side session (None when nobody is signed in)."""
    return session.get(SESSION_TOKEN)


def wants_json() -> bool:
    """The caller is a script asking for JSON (autosave), not a page: answer it so, never with a redirect."""
    return request.accept_mimetypes.best == "application/json"


def sign_in_first():
    """The answer to a request that needs a session and has none: a redirect to the login page for a page
    (it comes back afterwards), a 401 `session_expired` for a script, which a redirect would leave guessing."""
    if wants_json():
        return jsonify(code="session_expired", error=str(SESSION_EXPIRED)), 401
    from .extensions import login_manager

    return login_manager.unauthorized()


def signed_in() -> User | None:
    """The engine's User row of the signed-in person, or None."""
    return current_user.user if current_user.is_authenticated else None


def area_required(area: str):
    """Decorator: anonymous people go to the login page, signed-in people without the role get 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return sign_in_first()
            if not may_enter(current_user.user, area):
                abort(403)
            return view(*args, **kwargs)
        wrapped.signs_in = True  # errors.py: a refused CSRF token here means the session ended
        return wrapped
    return decorator


def areas_of(user: User | None) -> list[tuple[str, str, str]]:
    """(area, endpoint, label) of every area the user may enter, for the navigation."""
    return [(area, endpoint, label) for area, endpoint, label in AREA_ENDPOINTS if may_enter(user, area)]


def landing_url(user: User) -> str:
    """The page a person lands on after signing in."""
    areas = areas_of(user)
    return url_for(areas[0][1]) if areas else url_for("portal.home")


def permission_required(check):
    """Decorator: like `area_required`, with one of engine.permissions' `may_...(user)` checks deciding."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return sign_in_first()
            if not check(current_user.user):
                abort(403)
            return view(*args, **kwargs)
        wrapped.signs_in = True  # errors.py: a refused CSRF token here means the session ended
        return wrapped
    return decorator

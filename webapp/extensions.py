"""Flask extensions, created once here and bound to an app in `create_app`.

Flask-SQLAlchemy 3.1 cannot take `engine.models.Base` as `model_class`: it rebuilds a base from the
class's `__dict__`, and SQLAlchemy refuses a base that carries both the copied `registry` and our
`type_annotation_map`. We only need its engine and request-scoped session, so it shares our metadata
instead; the models stay on `engine.models.Base` and nothing subclasses `db.Model`.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from engine.db import Database
from engine.models import Base

db = SQLAlchemy(metadata=Base.metadata)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def engine_db() -> Database:
    """The engine's handle on the app's database: every write action (submit, claim, complete) uses it."""
    return current_app.extensions["onewindow"]

"""The OneWindow web app: a thin Flask layer over `engine/` (parse the request, call the engine, render).

`create_app` is the only entry point; importing this package does no work.
"""
from __future__ import annotations

from flask import Flask

MAX_UPLOAD_BYTES = 32 * 1024 * 1024


def create_app(config: dict | None = None) -> Flask:
    """Build the app. Settings come from the environment (engine.config), `config` overrides them.

    Keys read from `config`: DATABASE_URL, ONEWINDOW_DATA_DIR, SECRET_KEY, ONEWINDOW_PUBLIC_URL,
    ONEWINDOW_UPLOAD_DIR, TESTING, WTF_CSRF_ENABLED and any other Flask setting. No tables are created and no
    scheduler is started here: the CLI and the tests run migrations, and `onewindow serve` starts the scheduler.
    """
    from engine.config import load_settings
    from engine.db import SQLITE_CONNECT_ARGS, Database, configure_engine

    from . import access, errors, security, templating
    from .extensions import babel, csrf, db, login_manager
    from .jsonbody import RequestJSONProvider
    from .params import BoundedIntegerConverter

    config = dict(config or {})
    settings = load_settings(data_dir=config.get("ONEWINDOW_DATA_DIR"), database_url=config.get("DATABASE_URL"),
                             secret_key=config.get("SECRET_KEY"), public_url=config.get("ONEWINDOW_PUBLIC_URL"),
                             upload_dir=config.get("ONEWINDOW_UPLOAD_DIR"))
    app = Flask(__name__, instance_path=str(settings.data_dir))
    app.json = RequestJSONProvider(app)  # bodies parsed with nesting capped, lone surrogates refused
    app.url_map.converters["int"] = BoundedIntegerConverter  # every <int:id> stops at 2**31-1 (404 past it)
    engine_options = ({"connect_args": SQLITE_CONNECT_ARGS} if settings.database_url.startswith("sqlite")
                      else {"pool_pre_ping": True, "pool_size": 10})
    app.config.update(
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        ONEWINDOW_DATA_DIR=str(settings.data_dir),
        ONEWINDOW_DOCUMENTS_DIR=str(settings.documents_dir),
        ONEWINDOW_UPLOAD_DIR=str(settings.uploads_dir),
        ONEWINDOW_PUBLIC_URL=settings.public_url,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options,
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        # A clerk may keep a task form open for hours: the token lives as long as the session.
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="zh_Hans_CN",
        BABEL_DEFAULT_TIMEZONE="Asia/Shanghai",
    )
    settled = ("DATABASE_URL", "ONEWINDOW_DATA_DIR", "SECRET_KEY", "ONEWINDOW_PUBLIC_URL", "ONEWINDOW_UPLOAD_DIR")
    app.config.update({k: v for k, v in config.items() if k not in settled})
    app.json.ensure_ascii = False

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app)
    login_manager.init_app(app)
    access.configure_login(login_manager)
    with app.app_context():
        configure_engine(db.engine)  # SQLite pragmas and BEGIN IMMEDIATE for the engine's write sessions
        app.extensions["onewindow"] = Database(db.engine)

    errors.register(app)
    from .portal import limits

    limits.init_app(app)  # rate limits of the public forms (Flask-Limiter)
    security.register(app)
    templating.register(app)
    _register_blueprints(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies / load balancers (`ONEWINDOW_PROXIES`, default 0), take the client's address,
    scheme and host from the last N X-Forwarded-* entries: rate limits count visitors, not the proxy."""
    import os

    raw = str(app.config.get("ONEWINDOW_PROXIES", os.environ.get("ONEWINDOW_PROXIES", "0"))).strip() or "0"
    if not raw.isdigit():
        raise SystemExit(f"ONEWINDOW_PROXIES must be the number of proxies in front of the app, not {raw!r}.")
    if int(raw):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(raw), x_proto=int(raw), x_host=int(raw))


def _register_blueprints(app: Flask) -> None:
    from .admin.blueprint import bp as admin
    from .api.blueprint import bp as api
    from .applicant.blueprint import bp as applicant
    from .auth.blueprint import bp as auth
    from .documents.blueprint import bp as documents
    from .materials.blueprint import bp as materials
    from .portal.blueprint import bp as portal
    from .supervision.blueprint import bp as supervision
    from .workbench.blueprint import bp as workbench

    for blueprint in (portal, auth, applicant, materials, workbench, documents, supervision, admin, api):
        app.register_blueprint(blueprint)

"""Test fixtures: every test gets its own real database, migrated and loaded with the sample items.

The backend is chosen by ONEWINDOW_TEST_DB (`sqlite`, the default, or `postgresql`); `make test` runs
the suite once for each. A template database is built once per test process (migrations, organisation,
sample items, demo accounts) and copied for each test: a file copy on SQLite, CREATE DATABASE ...
TEMPLATE on PostgreSQL.
"""
from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from engine import clock
from engine.db import Database, make_engine
from engine.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["tests.route_walk"]  # the route walk's module-scoped world (tests/test_every_route_scope.py)
BACKEND = os.environ.get("ONEWINDOW_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get("ONEWINDOW_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pytest_report_header(config):
    return f"onewindow database backend: {BACKEND}"


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _pg_admin():
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@contextmanager
def pg_database(prefix: str, template: str | None = None):
    """A PostgreSQL database made for one test (empty, or a copy of `template`) and dropped after it."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield _pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _build(url: str) -> None:
    from engine import demo
    from engine.catalogue import load_items

    database = Database.from_url(url)
    try:
        upgrade(database.engine)
        report, _deployed = load_items(database, ROOT)
        assert report.ok, "\n".join(p.format() for p in report.problems)
        demo.create_demo_users(database)
        from engine.portal_seed import seed_demo_content

        seed_demo_content(database)
    finally:
        database.dispose()


@pytest.fixture(scope="session")
def template_url(tmp_path_factory, worker_id):
    """A migrated, loaded database to copy from."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        _build(f"sqlite:///{path}")
        yield str(path)
        return
    name = f"ow_tpl_{worker_id}_{uuid.uuid4().hex[:6]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    _build(_pg_url(name))
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def worker_id(request):
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture
def database_url(template_url, tmp_path):
    """A fresh copy of the template database for one test."""
    if BACKEND == "sqlite":
        path = tmp_path / "onewindow.sqlite3"
        shutil.copyfile(template_url, path)
        yield f"sqlite:///{path}"
        return
    with pg_database("ow_t", template_url) as url:
        yield url


@pytest.fixture
def db(database_url):
    database = Database(make_engine(database_url))
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def real_clock():
    """Every test starts on real time; tests that travel in time do so explicitly."""
    clock.reset()
    yield
    clock.reset()


@pytest.fixture
def users(db):
    """The demo accounts by username (detached rows: pass them to engine functions)."""
    from engine import demo

    return {account.username: demo.user(db, account.username) for account in demo.ACCOUNTS}


@pytest.fixture
def app(database_url, tmp_path):
    from webapp import create_app

    application = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "ONEWINDOW_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False, "ONEWINDOW_SCHEDULER": False,
    })
    yield application
    application.extensions["onewindow"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_app(database_url, tmp_path):
    """The app as in production: every POST needs the CSRF token of a page the server rendered."""
    from webapp import create_app

    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True,
                              "ONEWINDOW_DATA_DIR": str(tmp_path / "csrf-data"), "SECRET_KEY": "csrf-secret",
                              "ONEWINDOW_SCHEDULER": False})
    yield application
    application.extensions["onewindow"].dispose()


@pytest.fixture
def bare_db(tmp_path):
    """A freshly migrated, empty database (no organisation, items or accounts)."""
    if BACKEND == "sqlite":
        database = Database.from_url(f"sqlite:///{tmp_path / 'bare.sqlite3'}")
        upgrade(database.engine)
        yield database
        database.dispose()
        return
    with pg_database("ow_b") as url:
        database = Database.from_url(url)
        upgrade(database.engine)
        yield database
        database.dispose()


CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"]


def _serve(app):
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free loopback port, for browser journeys."""
    yield from _serve(app)


@pytest.fixture
def csrf_live_server(csrf_app):
    """`live_server` with CSRF checks on, as in production (sessions that end, tokens that go stale)."""
    yield from _serve(csrf_app)


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium driven by Playwright. Missing on a laptop: skipped, saying why; on CI: a failure."""
    executable = shutil.which("chromium")
    if executable is None:
        message = "chromium is not installed (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def pdf_font():
    """The Chinese TrueType font PDFs embed. Missing on a laptop: skipped, saying why; on CI: a failure."""
    from engine.notices.fonts import FontMissing, pdf_font as load

    try:
        return load()
    except FontMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(exc.message)
        pytest.skip(exc.message)


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    context.close()


@pytest.fixture(scope="module")
def module_database_url(template_url, tmp_path_factory):
    """A copy of the template database that one module's tests share (one live server per module)."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("module-db") / "onewindow.sqlite3"
        shutil.copyfile(template_url, path)
        yield f"sqlite:///{path}"
        return
    with pg_database("ow_m", template_url) as url:
        yield url

"""Headers and cookies as they go over the wire (issue 13, item 15), from one live app (`onewindow serve`)
behind one TLS proxy (ONEWINDOW_PROXIES=1): a request the proxy marks `X-Forwarded-Proto: https` came over
HTTPS, any other over plain HTTP, as `make run` on http://127.0.0.1 is."""
from __future__ import annotations

import http.client

import pytest

from tests.live_app import LiveApp

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def site(module_database_url, tmp_path_factory):
    app = LiveApp(module_database_url, tmp_path_factory.mktemp("headers-data"), ONEWINDOW_PROXIES="1").start()
    yield app
    app.stop()


def _get(site: LiveApp, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=20)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _session_cookie(response) -> str:
    [cookie] = [c for c in response.headers.get_all("Set-Cookie") or [] if c.startswith("session=")]
    return cookie


@pytest.mark.parametrize("path", ["/", "/api/v1/health", "/no-such-page"])
def test_the_server_header_names_no_werkzeug_or_python_version(site, path):
    server = _get(site, path).headers["Server"]
    assert "werkzeug" not in server.lower() and "python" not in server.lower()


@pytest.mark.parametrize("path", ["/", "/api/v1/health", "/no-such-page", "/auth/login"])
def test_every_response_forbids_camera_microphone_and_location(site, path):
    policy = _get(site, path).headers["Permissions-Policy"]
    assert {"camera=()", "microphone=()", "geolocation=()"} <= {part.strip() for part in policy.split(",")}


def test_hsts_is_sent_over_https_only(site):
    assert _get(site, "/", HTTPS).headers["Strict-Transport-Security"].startswith("max-age=")
    assert _get(site, "/").headers["Strict-Transport-Security"] is None


def test_the_session_cookie_is_secure_over_https(site):
    assert "secure" in [part.strip().lower() for part in _session_cookie(_get(site, "/auth/login", HTTPS)).split(";")]


def test_over_plain_http_the_session_cookie_stays_sendable_so_signing_in_works(site):
    assert "secure" not in [part.strip().lower() for part in _session_cookie(_get(site, "/auth/login")).split(";")]


def test_secure_cookies_always_marks_the_session_cookie_secure_over_plain_http(database_url, tmp_path):
    from webapp import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "ONEWINDOW_DATA_DIR": str(tmp_path),
                      "SECRET_KEY": "t", "ONEWINDOW_SECURE_COOKIES": "always"})
    try:
        cookie = next(c for c in app.test_client().get("/auth/login").headers.get_all("Set-Cookie")
                      if c.startswith("session="))
    finally:
        app.extensions["onewindow"].dispose()
    assert "secure" in [part.strip().lower() for part in cookie.split(";")]


def test_an_unknown_secure_cookies_setting_stops_the_app_with_its_name(database_url, tmp_path):
    from webapp import create_app

    with pytest.raises(SystemExit, match="ONEWINDOW_SECURE_COOKIES"):
        create_app({"DATABASE_URL": database_url, "ONEWINDOW_DATA_DIR": str(tmp_path), "SECRET_KEY": "t",
                    "ONEWINDOW_SECURE_COOKIES": "sometimes"})

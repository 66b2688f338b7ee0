"""The real app as a separate process (`onewindow serve`) on a test's database, and a small HTTP client for it.

Used by the tests that need a process they can kill (tests/test_crash_burst.py) and by those about what goes
over the wire, which the Flask test client does not encode (downloads' names, headers, cookies). Requests go
over real sockets; nothing of the app runs in the test process.
"""
from __future__ import annotations

import http.client
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveApp:
    """`onewindow serve --no-scheduler` on a free port; `start()` waits until /api/v1/health answers."""

    def __init__(self, database_url: str, data_dir: Path, **settings: str):
        self.env = dict(os.environ, DATABASE_URL=database_url, ONEWINDOW_DATA_DIR=str(data_dir),
                        PYTHONPATH=str(ROOT), **settings)
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "LiveApp":
        self.port = free_port()
        command = [sys.executable, "-c", "from webapp.cli import main; main()", "serve", "--no-scheduler",
                   "--port", str(self.port)]
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited with {self.process.returncode} before answering")
            try:
                if request("GET", self.base + "/api/v1/health", timeout=2)[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the app did not answer within the timeout")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no finally blocks, open transactions cut off mid-way."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def request(method: str, url: str, body: dict | None = None, headers: dict | None = None,
            timeout: float = 30) -> tuple[int, dict | None]:
    """(status, JSON body or None); connection failures raise OSError."""
    data = json.dumps(body).encode() if body is not None else None
    sent = {"Content-Type": "application/json", **(headers or {})} if data is not None else dict(headers or {})
    call = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(call, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    url: str  # where redirects ended


class Visitor:
    """One browser's cookies against a live app: signs in through the login form, with its CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str, timeout: float = 30) -> Answer:
        return self._open(urllib.request.Request(self.base + path), timeout)

    def sign_in(self, username: str, password: str = "demo-2026") -> Answer:
        form = self.get("/auth/login").body.decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        fields = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": password})
        answer = self._open(urllib.request.Request(self.base + "/auth/login", data=fields.encode()), 30)
        if answer.status != 200 or answer.url.endswith("/auth/login"):
            raise AssertionError(f"{username} could not sign in: {answer.status}")
        return answer

    def _open(self, call: urllib.request.Request, timeout: float) -> Answer:
        try:
            with self.opener.open(call, timeout=timeout) as response:
                return Answer(response.status, response.headers, response.read(), response.url)
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.headers, exc.read(), exc.url)

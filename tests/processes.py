"""Real OneWindow processes for the tests of the production layout: gunicorn app processes on loopback ports
and `onewindow scheduler` processes, as docs/operations.md runs them."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from .live_app import ROOT, free_port, request

REDIS = ("127.0.0.1", 6379)


def environment(database_url: str, data_dir: Path, **extra) -> dict:
    return dict(os.environ, DATABASE_URL=database_url, ONEWINDOW_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT),
                SECRET_KEY="several-processes", **extra)


def require_redis() -> str:
    """The Redis URL, or a skip saying why (a failure on CI, where Redis runs)."""
    try:
        socket.create_connection(REDIS, timeout=2).close()
    except OSError as exc:
        message = f"Redis is not reachable at {REDIS[0]}:{REDIS[1]} ({exc}): shared rate limits not tested"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return f"redis://{REDIS[0]}:{REDIS[1]}"


@contextmanager
def running(commands: list[list[str]], env: dict):
    """Start the commands, yield them, then stop them (SIGTERM). Their stderr goes to a file (a pipe nobody
    reads could fill up and stall them); `process.log` names it."""
    with tempfile.TemporaryDirectory(prefix="onewindow-processes-") as logs:
        started = []
        for n, command in enumerate(commands):
            with open(Path(logs) / f"{n}.log", "wb") as log:
                process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
            process.log = Path(logs) / f"{n}.log"
            started.append(process)
        try:
            yield started
        finally:
            for process in started:
                process.terminate()
            for process in started:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@contextmanager
def app_processes(env: dict, count: int = 2):
    """`count` gunicorn app processes (one worker, a few threads each); yields their base URLs."""
    ports = [free_port() for _ in range(count)]
    commands = [[sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}",
                 "--graceful-timeout", "5", "webapp:create_app()"] for port in ports]
    with running(commands, env) as started:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, started):
            _wait_healthy(url, process)
        yield urls


@contextmanager
def scheduler_processes(env: dict, count: int = 2):
    command = [sys.executable, "-c", "from webapp.cli import main; main()", "scheduler"]
    with running([command] * count, env) as started:
        yield started


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url} exited: {process.log.read_text(errors='replace')[-3000:]}")
        try:
            if request("GET", f"{url}/api/v1/health", timeout=2)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def post(url: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
    """POST JSON; the status and the JSON answer (problem+json included, {} when there is none)."""
    status, reply = request("POST", url, body or {}, headers, timeout=60)
    return status, reply or {}

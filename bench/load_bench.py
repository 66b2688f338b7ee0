"""Figure 7: the API under load, over loopback HTTP, beside same-run floors.

Live servers are started as `onewindow serve --no-scheduler` processes (one on SQLite; `servers` on
PostgreSQL, the clients spreading over them round-robin, as behind a load balancer). `clients` threads
then, for a fixed duration, each loop over a mix of
  - submit: POST /api/v1/cases (a department system submitting, with an Idempotency-Key),
  - inbox: GET /api/v1/tasks (the first page of the department system's queues),
  - complete: POST /api/v1/tasks/{id}/claim, then /complete with an approving answer (one task taken from
    the queues the inbox reads saw; counted as one completion, its latency is claim + complete).
Reported: requests/s per kind and in total, p50/p95 latency per kind. Floors, measured in the same run
just before: GET /api/v1/health over the same servers and the same number of clients (the HTTP stack, the
API's decorators, no database), and a bare database round trip (SELECT 1) from the bench process.
"""
from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict

from sqlalchemy import text

from common import ROOT, Figure, Results, Stopwatch, log, median, percentile

MIX = (("submit", 0.4), ("inbox", 0.4), ("complete", 0.2))
FLOOR_SECONDS = 5.0
ITEM_STEM = "construction_permit"


class Servers:
    """`onewindow serve` processes on free ports; stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, url: str, count: int):
        self.url, self.count, self.processes, self.ports = url, count, [], []

    def __enter__(self) -> "Servers":
        import socket

        env = dict(os.environ, DATABASE_URL=self.url, PYTHONPATH=str(ROOT),
                   ONEWINDOW_API_RATE_LIMIT="10000000 per minute", ONEWINDOW_API_STATUS_RATE_LIMIT="10000000 per minute",
                   ONEWINDOW_DATA_DIR=os.environ.get("ONEWINDOW_BENCH_DATA_DIR", "/tmp/onewindow-load-bench"))
        for _ in range(self.count):
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            command = [sys.executable, "-c", "from webapp.cli import main; main()", "serve", "--no-scheduler",
                       "--port", str(port)]
            self.processes.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                                   stderr=subprocess.DEVNULL))
            self.ports.append(port)
        for port, process in zip(self.ports, self.processes):
            _wait_until_up(port, process)
        return self

    def __exit__(self, *_exc) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_up(port: int, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"onewindow serve exited with {process.returncode}")
        try:
            if call(port, "GET", "/api/v1/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("onewindow serve did not answer in time")


def call(port: int, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, dict | None, dict]:
    """One request on a new connection (the dev server closes it after each answer)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        sent = dict(headers or {})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None), dict(response.getheaders())
    finally:
        connection.close()


class Load:
    """The shared state of the client threads: tasks seen in the inbox, and the timings per kind."""

    def __init__(self, db, ports: list[int], token: str, submission: dict):
        self.db, self.ports, self.token, self.submission = db, ports, token, submission
        self.next_port = itertools.cycle(ports).__next__
        self.lock = threading.Lock()
        self.open_tasks: list[int] = []   # seen in the inbox, unclaimed, not yet taken
        self.taken: set[int] = set()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, int] = defaultdict(int)

    def headers(self, **extra) -> dict:
        return {"Authorization": f"Bearer {self.token}", "Idempotency-Key": uuid.uuid4().hex, **extra}

    def submit(self, port: int) -> bool:
        return call(port, "POST", "/api/v1/cases", self.submission, self.headers())[0] == 201

    def inbox(self, port: int) -> bool:
        status, body, _ = call(port, "GET", "/api/v1/tasks?limit=50", headers=self.headers())
        if status != 200:
            return False
        with self.lock:
            known = set(self.open_tasks) | self.taken
            self.open_tasks += [t["id"] for t in body["items"] if t["id"] not in known and t["assignee"] is None]
        return True

    def next_task(self) -> tuple[int, dict] | None:
        """A task the inbox showed, and an approving answer to its form (prepared outside the timing)."""
        from types import SimpleNamespace

        from engine import demo

        with self.lock:
            if not self.open_tasks:
                return None
            task_id = self.open_tasks.pop(random.randrange(len(self.open_tasks)))
            self.taken.add(task_id)
        return task_id, demo.approving_answer(self.db, SimpleNamespace(id=task_id))

    def complete(self, port: int, task_id: int, answer: dict) -> bool:
        status, _body, headers = call(port, "POST", f"/api/v1/tasks/{task_id}/claim", headers=self.headers())
        if status != 200:
            return False
        status, _body, _ = call(port, "POST", f"/api/v1/tasks/{task_id}/complete", {"data": answer},
                                self.headers(**{"If-Match": headers.get("ETag", "*")}))
        return status == 200

    def worker(self, deadline: float, rng: random.Random) -> None:
        kinds, weights = zip(*MIX)
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            port, args = self.next_port(), ()
            if kind == "complete":
                args = self.next_task()
                kind, args = ("complete", args) if args is not None else ("inbox", ())  # none seen yet
            started = time.perf_counter()
            try:
                ok = getattr(self, kind)(port, *args)
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
            elapsed = time.perf_counter() - started
            with self.lock:
                if ok:
                    self.timings[kind].append(elapsed)
                else:
                    self.failures[kind] += 1


def _setup(db) -> tuple[str, dict]:
    """An API client of every department and the sample submission of the item."""
    from sqlalchemy import select

    from engine import api_clients, demo
    from engine.models import Department, Item, ItemVersion

    with db.read() as session:
        departments = list(session.scalars(select(Department.code)))
        code = session.scalar(select(Item.code).join(ItemVersion, Item.current_version_id == ItemVersion.id)
                              .where(ItemVersion.stem == ITEM_STEM))
    token = api_clients.create_client(db, "压测系统", departments, sorted(api_clients.SCOPES)).token
    submission = {"item_code": code, "application": demo.sample_application(db, code),
                  "applicant": {"name": "珠海海韵建设有限公司", "type": "法人", "id_number": "91350100M000100Y43"}}
    return token, submission


def _health_floor(ports: list[int], clients: int, seconds: float) -> tuple[list[float], float]:
    timings, lock, next_port = [], threading.Lock(), itertools.cycle(ports).__next__
    deadline = time.monotonic() + seconds

    def loop():
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status = call(next_port(), "GET", "/api/v1/health")[0]
            elapsed = time.perf_counter() - started
            if status == 200:
                with lock:
                    timings.append(elapsed)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    watch = Stopwatch()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, watch.seconds


def _db_floor(db, seconds: float) -> list[float]:
    timings, deadline = [], time.monotonic() + seconds
    with db.engine.connect() as conn:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            conn.execute(text("SELECT 1")).scalar()
            timings.append(time.perf_counter() - started)
    return timings


def _ms(values: list[float], digits: int = 1) -> str:
    return f"{median(values) * 1000:.{digits}f} / {percentile(values, 95) * 1000:.{digits}f} ms"


def run(db, url: str, backend: str, results: Results, duration: float, clients: int, servers: int) -> None:
    """Start the servers, measure the floors, then the mixed load for `duration` seconds."""
    token, submission = _setup(db)
    count = 1 if backend == "sqlite" else servers
    log(f"{count} `onewindow serve` process(es), {clients} clients, {duration:.0f} s of mixed load "
        f"({', '.join(f'{k} {int(w * 100)} %' for k, w in MIX)})")
    with Servers(url, count) as live:
        health, health_seconds = _health_floor(live.ports, clients, FLOOR_SECONDS)
        round_trips = _db_floor(db, FLOOR_SECONDS / 2)
        load = Load(db, live.ports, token, submission)
        rng = random.Random(7)
        deadline = time.monotonic() + duration
        threads = [threading.Thread(target=load.worker, args=(deadline, random.Random(rng.random())))
                   for _ in range(clients)]
        watch = Stopwatch()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = watch.seconds
    health_rate = len(health) / health_seconds
    floor = f"health {health_rate:.0f} req/s, {_ms(health)}; SELECT 1 {_ms(round_trips, 2)}"
    total = 0
    for kind, _weight in MIX:
        values = load.timings.get(kind, [])
        total += len(values) * (2 if kind == "complete" else 1)
        notes = [f"{len(values)} done, {load.failures.get(kind, 0)} refused or failed"]
        results.add(Figure(backend, f"load_{kind}", f"API {kind}/s; p50/p95", f"{len(values) / seconds:.1f}, "
                           + (_ms(values) if values else "—"), floor, "—", None, notes))
    results.add(Figure(backend, "load_total", "API requests/s, all kinds", f"{total / seconds:.1f}",
                       f"health {health_rate:.0f} req/s ({total / seconds / health_rate * 100:.1f} %)", "—", None,
                       [f"{clients} clients, {count} server process(es), {seconds:.1f} s; a completion is 2 requests"]))

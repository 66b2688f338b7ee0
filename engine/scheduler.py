"""The scheduler: sleeps until the earliest due time, never on a fixed short poll.

APScheduler only decides *when* to wake; correctness (exactly once, also with several scheduler
processes) comes from the database claim in `engine.timers`. A new earlier wake-up made in this
process reschedules at once; cases written by other processes are picked up within
`MAX_SLEEP_SECONDS` at the latest (a safety net, not the mechanism; `ONEWINDOW_SCHEDULER_MAX_SLEEP_SECONDS`
shortens it where the app processes run apart from the schedulers, see docs/operations.md).

A second job sends the message outbox (`engine.messages.outbox`): at once after a transaction of this
process queued e-mail or SMS, and every `OUTBOX_SECONDS` for retries and other processes' messages.
The same job sends the webhook outbox (`engine.webhooks`) and forgets expired idempotency keys.
"""
from __future__ import annotations

import logging
import os
import threading
from datetime import datetime, timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from . import clock, idempotency, timers, webhooks
from .db import Database
from .errors import stops_the_process
from .messages import outbox

log = logging.getLogger(__name__)
MAX_SLEEP_SECONDS = 30  # default of max_sleep_seconds()
JOB_ID = "onewindow-wake"
OUTBOX_JOB_ID = "onewindow-outbox"
OUTBOX_SECONDS = 30
# A case due but not claimable (another scheduler holds its row) is looked at again after this, rather than
# in a tight loop.
RECHECK_SECONDS = 0.2


def default_workers(db: Database) -> int:
    """Threads that wake due cases side by side: SQLite writes one transaction at a time, so one there;
    on PostgreSQL `FOR UPDATE SKIP LOCKED` hands each thread its own batch and they overlap their round
    trips (`ONEWINDOW_TIMER_WORKERS`, default 2)."""
    if not db.is_postgresql:
        return 1
    try:
        return max(1, int(os.environ.get("ONEWINDOW_TIMER_WORKERS", "2")))
    except ValueError:
        return 2


def max_sleep_seconds() -> float:
    """The longest sleep between passes (`ONEWINDOW_SCHEDULER_MAX_SLEEP_SECONDS`, default 30, at least 1)."""
    try:
        return max(1.0, float(os.environ.get("ONEWINDOW_SCHEDULER_MAX_SLEEP_SECONDS", MAX_SLEEP_SECONDS)))
    except ValueError:
        return float(MAX_SLEEP_SECONDS)


def _guarded(what: str, run, *args):
    """Run one pass; whatever it raises is logged and the scheduler lives on to the next pass. Per case
    and per delivery the passes park or retry on their own; this guards the loop itself, BaseExceptions
    included (jobs run in worker threads, where no signal arrives: `errors.stops_the_process`)."""
    try:
        return run(*args)
    except BaseException as exc:
        if stops_the_process(exc):
            raise
        log.error("%s failed", what, exc_info=exc)
        return None


class WakeScheduler:
    """Runs `timers.fire_due` at the earliest due time; `blocking=True` for the stand-alone process."""

    def __init__(self, db: Database, blocking: bool = False, workers: int | None = None):
        self.db = db
        self.workers = workers or default_workers(db)
        cls = BlockingScheduler if blocking else BackgroundScheduler
        self.scheduler = cls(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                          "misfire_grace_time": None})
        self._lock = threading.Lock()
        self._passing = threading.Lock()  # one pass at a time; a second instance waits for the first
        self._planned: datetime | None = None

    def start(self) -> None:
        timers.wake_listeners.append(self.poke)
        outbox.outbox_listeners.append(self.poke_outbox)
        # The wake-up is one interval job that never goes away; each pass moves its next run to the earliest
        # due time. (A one-off "date" job re-added by the pass itself could fall due while that pass was still
        # returning: APScheduler then skips it for max_instances and drops it, and no timer fired again.)
        # Two instances: a wake-up falling due while a pass is finishing waits for it instead of being skipped.
        # First run at once: timers that fell due while nothing was running fire now, once.
        self.scheduler.add_job(self._run, "interval", seconds=max_sleep_seconds(), id=JOB_ID, max_instances=2,
                               next_run_time=datetime.now(clock.TZ), replace_existing=True)
        self.scheduler.add_job(self._deliver, "interval", seconds=OUTBOX_SECONDS, id=OUTBOX_JOB_ID,
                               next_run_time=datetime.now(clock.TZ), replace_existing=True)
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.poke in timers.wake_listeners:
            timers.wake_listeners.remove(self.poke)
        if self.poke_outbox in outbox.outbox_listeners:
            outbox.outbox_listeners.remove(self.poke_outbox)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def poke(self, at: datetime) -> None:
        """Someone set a wake-up at `at` (platform time): wake earlier than planned if needed."""
        with self._lock:
            if self._planned is not None and at >= self._planned:
                return
        self._plan(at)

    def poke_outbox(self) -> None:
        """A transaction queued e-mail or SMS: send now rather than at the next interval."""
        try:
            self.scheduler.modify_job(OUTBOX_JOB_ID, next_run_time=datetime.now(clock.TZ))
        except Exception:  # not started or shutting down: the interval picks it up
            log.debug("outbox poke ignored", exc_info=True)

    def _deliver(self) -> None:
        report = _guarded("outbox pass", outbox.deliver_due, self.db)
        if report and (report.sent or report.retried or report.failed):
            log.info("outbox: %d sent, %d to retry, %d given up", report.sent, report.retried, report.failed)
        hooks = _guarded("webhook pass", webhooks.deliver_due, self.db)
        if hooks and (hooks.sent or hooks.retried or hooks.failed):
            log.info("webhooks: %d sent, %d to retry, %d given up", hooks.sent, hooks.retried, hooks.failed)
        _guarded("purging idempotency keys", idempotency.purge, self.db)

    def _run(self) -> None:
        with self._passing:
            self._pass()

    def _pass(self) -> None:
        due = None
        try:
            helpers = [threading.Thread(target=self._fire, name=f"onewindow-wake-{i}", daemon=True)
                       for i in range(1, self.workers)]
            for thread in helpers:
                thread.start()
            self._fire()
            for thread in helpers:
                thread.join()
            due = _guarded("reading the next wake-up", timers.next_due, self.db)
        finally:
            self._plan(due)  # always: a pass that is not rescheduled would stop every timer for good

    def _fire(self) -> None:
        woken = _guarded("timer pass", timers.fire_due, self.db)
        if woken:
            log.info("woke %d case(s)", woken)

    def _plan(self, due: datetime | None) -> None:
        now = clock.now()
        latest = now + timedelta(seconds=max_sleep_seconds())
        target = latest if due is None else max(min(due, latest), now + timedelta(seconds=RECHECK_SECONDS))
        # Platform time may be shifted (tests, demos); APScheduler runs on real time.
        real = datetime.now(clock.TZ) + (target - now)
        with self._lock:
            self._planned = target
        try:
            self.scheduler.modify_job(JOB_ID, next_run_time=real)
        except JobLookupError:  # shut down meanwhile
            log.debug("wake-up not planned: the scheduler is shutting down")

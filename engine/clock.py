"""The one source of "now" for the whole platform.

Every module asks this clock, never ``datetime.now()``, so tests and demos can move time: a 20-working-day
deadline or a BPMN boundary timer can be reached in a second with :func:`advance` or :func:`travel_to`.

The clock is real time plus a process-wide offset. The offset starts at 0, or at the float number of
seconds in the environment variable ``ONEWINDOW_CLOCK_OFFSET_SECONDS`` read at import, so a subprocess
started by a test (a CLI command, the scheduler) runs shifted in the same way as its parent.

SpiffWorkflow reads the time itself when it evaluates timers; :func:`install_in_spiffworkflow` makes it
read this clock instead.

Every datetime handed to SpiffWorkflow (timer expressions, ``timeDate`` values, task data) must be
timezone-aware. SpiffWorkflow turns a naive datetime into an aware one with a fixed UTC offset taken from
the server's local zone when it was imported (``LOCALTZ`` in its timer module): a server running in UTC
would read "2026-03-02T00:00" as 08:00 Beijing time. Produce ISO strings with an explicit offset, e.g.
``clock.now().isoformat()`` or ``dt.astimezone(clock.TZ).isoformat()``.
"""
from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

__all__ = ["TZ", "now", "local_now", "offset", "travel_to", "advance", "reset", "install_in_spiffworkflow"]

#: The platform's civil time zone: deadlines, working days and case numbers are all Beijing time.
TZ = ZoneInfo("Asia/Shanghai")

_ENV_OFFSET = "ONEWINDOW_CLOCK_OFFSET_SECONDS"

# A timedelta assignment is atomic in CPython, but advance() is read-modify-write, so all writes take
# the lock; reads stay lock-free because now() is called on every request and every timer check.
_lock = threading.Lock()


def _offset_from_env() -> timedelta:
    raw = os.environ.get(_ENV_OFFSET, "").strip()
    if not raw:
        return timedelta(0)
    try:
        return timedelta(seconds=float(raw))
    except ValueError as exc:  # a typo here would silently run the whole process at the wrong time
        raise ValueError(f"{_ENV_OFFSET} must be a number of seconds, got {raw!r}") from exc


_offset: timedelta = _offset_from_env()


def now() -> datetime:
    """Return the platform's current instant, timezone-aware in UTC (real time plus the offset)."""
    return datetime.now(timezone.utc) + _offset


def local_now() -> datetime:
    """Return the platform's current instant in Asia/Shanghai (:data:`TZ`)."""
    return now().astimezone(TZ)


def offset() -> timedelta:
    """Return the current offset between the platform's clock and real time."""
    return _offset


def travel_to(dt: datetime) -> None:
    """Set the offset so that :func:`now` returns ``dt`` at this moment (then time runs on from there).

    ``dt`` must be timezone-aware: a naive datetime is ambiguous, and guessing is what this module exists
    to avoid.
    """
    global _offset
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("travel_to() needs a timezone-aware datetime")
    with _lock:
        _offset = dt - datetime.now(timezone.utc)


def advance(delta: timedelta) -> None:
    """Move the clock forward by ``delta`` (backwards if negative)."""
    global _offset
    if not isinstance(delta, timedelta):
        raise TypeError("advance() needs a timedelta")
    with _lock:
        _offset = _offset + delta


def reset() -> None:
    """Go back to real time (offset 0), ignoring the environment variable."""
    global _offset
    with _lock:
        _offset = timedelta(0)


class _ClockDatetimeMeta(type):
    """Metaclass making ``isinstance(plain_datetime, _ClockDatetime)`` true.

    The patched SpiffWorkflow module tests ``isinstance(x, datetime)`` (recurring intervals), where
    ``datetime`` is now our subclass; values built elsewhere are plain datetimes and must still pass.
    """

    def __instancecheck__(cls, obj):
        return isinstance(obj, datetime)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, datetime)


class _ClockDatetime(datetime, metaclass=_ClockDatetimeMeta):
    """A datetime whose ``now()`` reads the platform clock; everything else is inherited unchanged."""

    @classmethod
    def now(cls, tz=None):
        current = now()
        if tz is None:
            # datetime.now() without tz means naive local time of the server; keep that meaning.
            current = current.astimezone().replace(tzinfo=None)
        else:
            current = current.astimezone(tz)
        return cls._from_plain(current)

    @classmethod
    def utcnow(cls):
        return cls._from_plain(now().replace(tzinfo=None))

    @classmethod
    def _from_plain(cls, dt: datetime) -> "_ClockDatetime":
        return cls(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond,
                   tzinfo=dt.tzinfo, fold=dt.fold)


def install_in_spiffworkflow() -> None:
    """Make SpiffWorkflow's timers read this clock. Idempotent; call once at engine start-up.

    In SpiffWorkflow 3.2 every computation of "now" for timers (duration, date, cycle timers and their
    due times) is ``datetime.now(timezone.utc)`` inside ``SpiffWorkflow.bpmn.specs.event_definitions.timer``;
    nothing else in the package reads the time for timers (``task.py`` uses ``time.time()`` only for
    its state-change bookkeeping). We replace that module's ``datetime`` name by a subclass whose ``now``
    reads our clock, which leaves the real ``datetime`` class untouched for everyone else.
    """
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    if getattr(timer, "datetime", None) is not _ClockDatetime:
        timer.datetime = _ClockDatetime

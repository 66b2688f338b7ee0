"""The functions every script and expression may call besides the safe builtins.

The runtime passes calendar-bound `workdays` / `workdays_from` (and may pass more) to
`make_script_engine`; `HELPER_NAMES` is what the bundle checker accepts as callees.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable

from ..i18n import _
from .guards import _BUILTINS
from .limits import ScriptError

CHINA_TZ = timezone(timedelta(hours=8))


def _now() -> datetime:
    try:
        from .. import clock  # written in parallel; import lazily so the sandbox works without it
    except ImportError:
        return datetime.now(timezone.utc)
    return clock.now()


def _no_calendar(*args):
    raise ScriptError(_("workdays 需要工作日历，但运行环境没有提供。"))


DEFAULT_HELPERS: dict[str, Callable] = {
    "now": _now, "today": lambda: _now().astimezone(CHINA_TZ).date().isoformat(),
    "days": lambda n: timedelta(days=n), "hours": lambda n: timedelta(hours=n),
    "workdays": _no_calendar, "workdays_from": _no_calendar,
}
HELPER_NAMES: frozenset[str] = (frozenset(DEFAULT_HELPERS)
                                | frozenset(k for k in _BUILTINS if not k.startswith("_")))

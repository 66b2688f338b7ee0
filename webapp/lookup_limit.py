"""The one limit on failed status lookups per case number (办件编号), whatever the way in: the portal's status
page, the hall's kiosk and the API's `POST /api/v1/case-status` share one count, so a number cannot be tried
with five codes on each. Only a wrong query code (or an unknown number) counts; a right code costs nothing
until the limit is reached, and then is refused too, until the window ends.

The limit is the setting PORTAL_LOOKUP_FAILURE_LIMIT (default "5 per 10 minutes", webapp/portal/limits.py);
the counts live in the portal limiter's storage (ONEWINDOW_RATELIMIT_STORAGE), so Redis shares them between
processes. Callers turn `LookupsRefused` into their own 429: the pages' Chinese page, the API's problem.
"""
from __future__ import annotations

import logging
import time

from flask import current_app
from limits import parse_many
from werkzeug.exceptions import TooManyRequests

from .portal.limits import limiter

log = logging.getLogger(__name__)


class LookupsRefused(TooManyRequests):
    """Too many failed lookups of this case number; `wait` is the seconds until the window ends."""

    def __init__(self, wait: int):
        super().__init__()
        self.wait = wait


def normalise(case_no: str) -> str:
    """The case number as every way in counts it."""
    return case_no.strip().upper()[:32]


def _limits():
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return []
    return parse_many(current_app.config["PORTAL_LOOKUP_FAILURE_LIMIT"])


def _ids(case_no: str) -> tuple[str, str, str]:
    return current_app.config.get("RATELIMIT_KEY_PREFIX", ""), "failed-lookup", normalise(case_no)


def check(case_no: str) -> None:
    """Raise LookupsRefused when this number has used up its failed lookups."""
    try:
        for item in _limits():
            if not limiter.limiter.test(item, *_ids(case_no)):
                reset = limiter.limiter.get_window_stats(item, *_ids(case_no)).reset_time
                raise LookupsRefused(max(1, int(reset - time.time()) + 1))
    except LookupsRefused:
        raise
    except Exception:  # a store that is down must not take the lookups down (as RATELIMIT_SWALLOW_ERRORS)
        log.exception("failed-lookup limit not checked")


def record_failure(case_no: str) -> None:
    """Count one wrong query code (or unknown number) against this number."""
    try:
        for item in _limits():
            limiter.limiter.hit(item, *_ids(case_no))
    except Exception:
        log.exception("failed lookup not counted")

"""Small, explicit adaptations of SpiffWorkflow 3.2 to the platform, applied once at import.

- Timers use the platform clock (engine.clock), so tests and demos can move time.
- `timeDate` accepts an aware datetime, which is what `workdays(n)` returns; SpiffWorkflow only
  parses ISO strings there.
"""
from __future__ import annotations

from datetime import datetime, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from . import clock

_original_parse = TimerEventDefinition.parse_time_or_duration


def _parse_time_or_duration(expression):
    if isinstance(expression, datetime):
        if expression.tzinfo is None:
            raise ValueError("timer datetimes must be aware")
        return expression.astimezone(timezone.utc)
    return _original_parse(expression)


def install() -> None:
    """Idempotent."""
    TimerEventDefinition.parse_time_or_duration = staticmethod(_parse_time_or_duration)
    clock.install_in_spiffworkflow()


install()

"""Timer expressions: quoting the bare ISO 8601 values Camunda Modeler writes, refusing invalid ones.

SpiffWorkflow evaluates `timeDuration` / `timeDate` / `timeCycle` as Python, so a bare `PT2H` is a
NameError the day the timer is reached. Bare ISO values are turned into string literals here, at upload;
quoted ISO strings are checked too; anything else (`workdays(3)`, a variable) is a Python expression left
alone and linted by the caller.
"""
from __future__ import annotations

import ast
import re
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from ..i18n import _

KINDS = ("timeDate", "timeDuration", "timeCycle")
_DURATION = re.compile(r"^-?P(T?\d)[\dA-Za-z.,]*$|^P$|^PT$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][\d:.,]+(Z|[+-]\d{2}(:?\d{2})?)?)?$|^\d{4}-?W\d{2}")
_CYCLE = re.compile(r"^R\d*/")


def looks_iso(text: str) -> bool:
    """True when `text` is meant as an ISO 8601 value rather than a Python expression."""
    return bool(_DURATION.match(text) or _DATE.match(text) or _CYCLE.match(text))


def iso_problem(kind: str, value: str) -> str | None:
    """Chinese problem when `value` is not a valid ISO 8601 value for this timer kind, else None."""
    try:
        if kind == "timeDuration":
            if not value.upper().startswith("P"):
                return _("timeDuration 需要时长（如 PT2H、P3D），不是“%(v)s”", v=value)
            TimerEventDefinition.parse_iso_duration(value)
        elif kind == "timeDate":
            if value.upper().startswith(("P", "R")):
                return _("timeDate 需要日期时间（如 2026-12-01T09:00:00+08:00），不是“%(v)s”", v=value)
            TimerEventDefinition.parse_time_or_duration(value)
        elif kind == "timeCycle":
            if not value.upper().startswith("R"):
                return _("timeCycle 需要重复周期（如 R3/PT1H），不是“%(v)s”", v=value)
            TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:  # SpiffWorkflow raises bare Exception / ValueError / AttributeError for bad values
        return _("“%(v)s”不是有效的 ISO 8601 %(kind)s", v=value, kind=kind)
    return None


def naive_date(kind: str, value: str) -> bool:
    """A timeDate without a UTC offset: SpiffWorkflow would apply the server's zone of import time."""
    if kind != "timeDate" or not _DATE.match(value) or "W" in value.upper():
        return False
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return parsed.tzinfo is None


def normalize(kind: str, text: str | None) -> tuple[str | None, str | None, str | None]:
    """(expression to store, problem or None, warning or None) for the text of one timer element.

    A bare ISO value becomes a quoted Python string; a quoted one is validated; other text is returned
    unchanged (a Python expression for the caller to lint).
    """
    raw = (text or "").strip()
    if not raw:
        return text, _("定时器 %(kind)s 是空的", kind=kind), None
    literal = _string_literal(raw)
    value = literal if literal is not None else (raw if looks_iso(raw) else None)
    if value is None:
        return text, None, None
    problem = iso_problem(kind, value)
    warning = None
    if problem is None and naive_date(kind, value):
        warning = _("时间“%(v)s”没有时区，请写成带 +08:00 的形式", v=value)
    return repr(value), problem, warning


def _string_literal(text: str) -> str | None:
    if text[:1] not in ("'", '"'):
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value.strip() if isinstance(value, str) else None

"""The time budget and the recursion limit of sandboxed code.

`script_deadline` sets a deadline in a context variable; the policy in `transformer` compiles a call of
`_tick` into every loop body and of `_enter` into every function defined in diagram code, and `guards`
checks the deadline per item of every iteration, so an endless loop stops after the budget.
"""
from __future__ import annotations

import contextvars
import sys
import time
from contextlib import contextmanager

from ..i18n import _
from .limits import FILENAME, MAX_DEPTH, ScriptError

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("onewindow_script_deadline",
                                                                       default=None)


@contextmanager
def script_deadline(seconds: float):
    """Bound all sandboxed code run inside the block in time; nested bounds keep the earliest deadline."""
    current = _deadline.get()
    limit = time.monotonic() + seconds
    token = _deadline.set(limit if current is None else min(current, limit))
    try:
        yield
    finally:
        _deadline.reset(token)


def _tick():
    limit = _deadline.get()
    if limit is not None and time.monotonic() > limit:
        # Raised again at every later check, so a script cannot swallow it with try/except and go on.
        raise ScriptError(_("脚本运行超过时间上限，已被中止（可能有死循环或计算量过大）。"))


def _enter():
    """Called first in every script-defined function: deadline check and a small recursion limit."""
    _tick()
    depth, frame = 0, sys._getframe(1)
    while frame is not None:
        depth += frame.f_code.co_filename == FILENAME
        frame = frame.f_back
    if depth > MAX_DEPTH:
        raise ScriptError(_("脚本函数调用嵌套超过 %(n)d 层（递归过深），已被中止。", n=MAX_DEPTH))

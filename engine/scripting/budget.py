"""The budgets of sandboxed code: time, recursion depth, and how much it may build.

`script_deadline` sets a deadline in a context variable; the policy in `transformer` compiles a call of
`_tick` into every loop body and of `_enter` into every function defined in diagram code, and `guards`
checks the deadline per item of every iteration, so an endless loop stops after the budget.

`script_allowance` gives one run `MAX_BUILT` elements; every value the run builds or stores is charged
by its `weigh`t (operators' results, comprehensions, displays, container writes, str methods, list()...).
Values are weighed as trees, a shared reference counted each time: that is what printing or saving them
would cost, so `x = [x, x]` in a loop is stopped long before `str(x)` could take minutes.
"""
from __future__ import annotations

import contextvars
import sys
import time
from contextlib import contextmanager

from ..i18n import _
from .limits import FILENAME, MAX_BUILT, MAX_DEPTH, ScriptError

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("onewindow_script_deadline",
                                                                       default=None)
_allowance: contextvars.ContextVar[list | None] = contextvars.ContextVar("onewindow_script_allowance",
                                                                       default=None)
_CONTAINERS = (list, tuple, dict, set, frozenset)


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


@contextmanager
def script_allowance():
    """Give the sandboxed code run inside the block `MAX_BUILT` elements to build in all."""
    token = _allowance.set([MAX_BUILT])
    try:
        yield
    finally:
        _allowance.reset(token)


def weigh(ob, limit: int = MAX_BUILT) -> int:
    """Elements in `ob`: a character, a container slot, 64 bits of an integer each, counted through nested
    containers (a shared one each time it is referenced; a cycle counts as too many). Stops a little past
    `limit`."""
    total, stack, steps = 0, [ob], 0
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, int):
            total += 1 + item.bit_length() // 64
        elif isinstance(item, _CONTAINERS):
            total += 1 + len(item)
            stack.extend(item.items() if isinstance(item, dict) else item)
        else:
            total += 1
        steps += 1
        if not steps % 65536:  # a big structure is weighed in Python: keep to the deadline meanwhile
            _tick()
    return total


def _charge(ob, weight: int | None = None):
    """Charge `ob` (or `weight` elements) to the run's allowance; returns `ob`."""
    left = _allowance.get()
    if left is not None:
        left[0] -= weigh(ob, max(left[0], 0)) if weight is None else weight
        if left[0] < 0:
            # Stays spent, so a script cannot catch this and go on building.
            raise ScriptError(_("脚本构建的数据过多（超过 %(n)s 个元素，约为字符、列表项或字典项的个数），已被中止。",
                                n=f"{MAX_BUILT:,}"))
    return ob

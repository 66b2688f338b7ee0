"""What sandboxed code runs with: the guards RestrictedPython's compiled code calls, and the builtins.

Attribute access goes through `_getattr` (no `_` names, no str.format, size-checked str / list methods),
iteration through `_getiter` (a deadline check per item), and `range`, `sum` and `pow` are size-checked.
"""
from __future__ import annotations

import builtins
import sys

from RestrictedPython import safe_builtins
from RestrictedPython.Guards import (full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence,
                                     safer_getattr_raise)
from RestrictedPython.PrintCollector import PrintCollector

from ..i18n import _
from .budget import _enter, _tick
from .limits import MAX_ITEMS, MAX_RANGE_BITS, ScriptError
from .operators import _SEQ, _add, _check_add, _inplacevar, _lshift, _mod, _mul, _pow, _too_big


def _getiter(ob):
    for item in ob:  # a generator, so comprehensions and `for` loops check the deadline per item
        _tick()
        yield item


def _str_width(name):
    def method(s, width, *rest):
        if isinstance(width, int) and width > MAX_ITEMS:
            raise _too_big()
        return getattr(type(s), name)(s, width, *rest)
    return method


def _str_replace(s, old, new, count=-1):
    if len(new) > len(old):
        hits = s.count(old) if old else len(s) + 1
        hits = hits if count < 0 else min(hits, count)
        if len(s) + hits * (len(new) - len(old)) > MAX_ITEMS:
            raise _too_big()
    return type(s).replace(s, old, new, count)


def _str_expandtabs(s, tabsize=8):
    if len(s) + s.count("\t" if isinstance(s, str) else b"\t") * max(tabsize, 0) > MAX_ITEMS:
        raise _too_big()
    return type(s).expandtabs(s, tabsize)


def _str_join(sep, iterable):
    parts = list(_getiter(iterable))
    if sum(len(p) for p in parts if isinstance(p, (str, bytes))) + len(sep) * len(parts) > MAX_ITEMS:
        raise _too_big()
    return type(sep).join(sep, parts)


def _list_extend(lst, iterable):
    items = list(_getiter(iterable))
    _check_add(lst, items)
    lst.extend(items)


_STR_METHODS = {"ljust": _str_width("ljust"), "rjust": _str_width("rjust"), "center": _str_width("center"),
                "zfill": _str_width("zfill"), "replace": _str_replace, "expandtabs": _str_expandtabs,
                "join": _str_join}


def _is_script_exception(ob) -> bool:
    if isinstance(ob, tuple):
        return all(map(_is_script_exception, ob))
    return isinstance(ob, type) and issubclass(ob, Exception)


def _raisable(ob):
    """What `raise` may throw: an Exception subclass or instance (or None for `from None`)."""
    if ob is None or isinstance(ob, Exception) or (isinstance(ob, type) and issubclass(ob, Exception)):
        return ob
    raise ScriptError(_("脚本只能抛出 Exception 的子类（如 ValueError），不能抛出 %(what)s", what=repr(ob)[:80]))


def _catchable(ob):
    """What `except` may name: Exception subclasses (or a tuple of them)."""
    if _is_script_exception(ob):
        return ob
    if not isinstance(sys.exception(), Exception):
        return ()  # a stop of the process is passing through: never catch it, and never replace it
    raise ScriptError(_("脚本只能捕获 Exception 的子类，不能捕获 %(what)s", what=repr(ob)[:80]))


def _getattr(ob, name):
    if name == "mro":  # Exception.mro() would hand out BaseException, which the builtins leave out
        raise ScriptError(_("不允许访问属性“%(name)s”", name=name))
    try:
        value = safer_getattr_raise(ob, name)  # refuses `_` names, str.format and inspect attributes
    except NotImplementedError as err:
        raise ScriptError(_("不允许使用 str.format()，请改用 f-string")) from err
    if name in _STR_METHODS and (isinstance(ob, (str, bytes)) or ob is str or ob is bytes):
        method = _STR_METHODS[name]
        return method if isinstance(ob, type) else (lambda *args, **kw: method(ob, *args, **kw))
    if name == "extend" and (isinstance(ob, list) or ob is list):
        return _list_extend if ob is list else (lambda iterable: _list_extend(ob, iterable))
    return value


def _range(*args):
    if any(isinstance(a, int) and a.bit_length() > MAX_RANGE_BITS for a in args):
        raise ScriptError(_("range() 的参数不能超过 %(n)s 位二进制。", n=MAX_RANGE_BITS))
    r = builtins.range(*args)
    try:
        size = len(r)
    except OverflowError:
        size = MAX_ITEMS + 1
    if size > MAX_ITEMS:
        raise _too_big()
    return r


def _sum(iterable, start=0):
    if isinstance(start, _SEQ):  # sum of sequences is quadratic: check the final size first
        parts = list(_getiter(iterable))
        if len(start) + sum(len(p) for p in parts if isinstance(p, _SEQ)) > MAX_ITEMS:
            raise _too_big()
        return builtins.sum(parts, start)
    return builtins.sum(_getiter(iterable), start)


_BUILTINS = {k: v for k, v in safe_builtins.items()
             if k not in ("__build_class__", "setattr", "delattr", "pow")
             and not (isinstance(v, type) and issubclass(v, BaseException) and not issubclass(v, Exception))}
_BUILTINS.update({name: getattr(builtins, name) for name in (
    "min", "max", "sorted", "any", "all", "list", "dict", "set", "frozenset", "tuple", "enumerate", "zip",
    "map", "filter", "reversed", "isinstance")})
_BUILTINS.update({"range": _range, "sum": _sum, "pow": _pow})

# Guards RestrictedPython's compiled code calls, plus our own. All start with "_", which scripts can't use.
_GUARDS = {
    "_getattr_": _getattr, "_getitem_": lambda ob, index: ob[index], "_getiter_": _getiter,
    "_write_": full_write_guard, "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence, "_apply_": lambda f, *a, **kw: f(*a, **kw),
    "_print_": PrintCollector, "_inplacevar_": _inplacevar, "_tick_": _tick, "_enter_": _enter,
    "_raisable_": _raisable, "_catchable_": _catchable, "_script_exception_": Exception,
    "_pow_": _pow, "_mul_": _mul, "_lshift_": _lshift, "_add_": _add, "_mod_": _mod,
}

"""Size-checked versions of the operators that can allocate without bound.

The policy in `transformer` rewrites `**`, `*`, `<<`, `+`, `%` and augmented assignments into these, so
`'x' * 10**9` or `2 ** 10**9` are refused before Python starts building the result; what they build is
charged to the run's allowance (`budget`).
"""
from __future__ import annotations

import builtins
import operator
import re

from ..i18n import _
from .budget import _charge, weigh
from .limits import MAX_FORMAT_WIDTH, MAX_INT_BITS, MAX_ITEMS, MAX_POW_MOD_BITS, ScriptError

_SEQ = (str, bytes, list, tuple)


def _too_big():
    return ScriptError(_("运算结果过大（超过 %(n)s 个元素或数字位数过多），已被拒绝。", n=f"{MAX_ITEMS:,}"))


def shallow(ob) -> int:
    """The elements a fresh result holds itself: its items were charged when they were built, and a number
    of up to 64 bits is charged only where it is stored."""
    if isinstance(ob, int):
        return ob.bit_length() // 64
    return len(ob) if isinstance(ob, (str, bytes, list, tuple, dict, set, frozenset)) else 0


def _check_mul(a, b):
    if isinstance(a, int) and isinstance(b, _SEQ):
        a, b = b, a
    if isinstance(a, _SEQ) and isinstance(b, int) and b > 1:
        if len(a) * b > MAX_ITEMS or (isinstance(a, (list, tuple)) and weigh(a, MAX_ITEMS) * b > MAX_ITEMS):
            raise _too_big()
    elif isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS:
        raise _too_big()


def _check_add(a, b):
    if isinstance(a, _SEQ) and isinstance(b, _SEQ) and len(a) + len(b) > MAX_ITEMS:
        raise _too_big()


def _check_pow_mod(base, exp, mod):
    if any(isinstance(n, int) and n.bit_length() > MAX_POW_MOD_BITS for n in (base, exp, mod)):
        raise ScriptError(_("pow(x, y, m) 的操作数不能超过 %(n)s 位二进制。", n=f"{MAX_POW_MOD_BITS:,}"))


def _check_pow(base, exp):
    if isinstance(base, int) and isinstance(exp, int) and exp > 0 and abs(base) > 1:
        if (abs(base).bit_length() - 1) * exp > MAX_INT_BITS:
            raise _too_big()


def _check_lshift(a, b):
    if isinstance(a, int) and isinstance(b, int) and b > 0 and a and a.bit_length() + b > MAX_INT_BITS:
        raise _too_big()


_PERCENT = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_mod(a, b):
    if isinstance(a, (str, bytes)):
        text = a.decode("latin-1") if isinstance(a, bytes) else a
        for match in _PERCENT.finditer(text):
            for part in match.groups():
                if part == "*" or (part and int(part) > MAX_FORMAT_WIDTH):
                    raise _too_big()


def _guarded(check, op):
    def run(a, b):
        check(a, b)
        result = op(a, b)
        _charge(result, shallow(result))
        return result
    return run


_mul, _add = _guarded(_check_mul, operator.mul), _guarded(_check_add, operator.add)
_lshift, _mod = _guarded(_check_lshift, operator.lshift), _guarded(_check_mod, operator.mod)


def _pow(base, exp, mod=None):
    if mod is not None:
        _check_pow_mod(base, exp, mod)  # the result stays small, but the work grows with the operands
        return builtins.pow(base, exp, mod)
    _check_pow(base, exp)
    result = base ** exp
    _charge(result, shallow(result))
    return result


_INPLACE = {"+=": (_check_add, operator.iadd), "-=": (None, operator.isub), "*=": (_check_mul, operator.imul),
            "/=": (None, operator.itruediv), "//=": (None, operator.ifloordiv),
            "%=": (_check_mod, operator.imod),
            "**=": (_check_pow, operator.ipow), "<<=": (_check_lshift, operator.ilshift),
            ">>=": (None, operator.irshift), "&=": (None, operator.iand), "|=": (None, operator.ior),
            "^=": (None, operator.ixor), "@=": (None, operator.imatmul)}


def _inplacevar(op, target, value):
    check, run = _INPLACE[op]
    if check is not None:
        check(target, value)
    before = len(target) if isinstance(target, (list, dict, set)) else None
    result = run(target, value)
    # A list grown in place is charged what it gained, anything else its fresh result.
    _charge(result, shallow(result) - before if result is target and before is not None else shallow(result))
    return result

"""Size-checked versions of the operators that can allocate without bound.

The policy in `transformer` rewrites `**`, `*`, `<<`, `+`, `%` and augmented assignments into these, so
`'x' * 10**9` or `2 ** 10**9` are refused before Python starts building the result.
"""
from __future__ import annotations

import builtins
import operator
import re

from ..i18n import _
from .limits import MAX_FORMAT_WIDTH, MAX_INT_BITS, MAX_ITEMS, ScriptError

_SEQ = (str, bytes, list, tuple)


def _too_big():
    return ScriptError(_("运算结果过大（超过 %(n)s 个元素或数字位数过多），已被拒绝。", n=f"{MAX_ITEMS:,}"))


def _weight(ob, memo, depth=0):
    """Elements of `ob` counted through nested containers: `[[0] * 10**6] * 10**6` weighs 10**12."""
    if isinstance(ob, (str, bytes)):
        return len(ob)
    if not isinstance(ob, (list, tuple, dict, set, frozenset)):
        return 1
    if id(ob) in memo:
        return memo[id(ob)]
    memo[id(ob)] = MAX_ITEMS + 1  # cycles and very deep nesting count as too big
    if depth > 20:
        return MAX_ITEMS + 1
    total = len(ob)
    for item in (ob.values() if isinstance(ob, dict) else ob):
        total += _weight(item, memo, depth + 1)
        if total > MAX_ITEMS:
            break
    memo[id(ob)] = total
    return total


def _check_mul(a, b):
    if isinstance(a, int) and isinstance(b, _SEQ):
        a, b = b, a
    if isinstance(a, _SEQ) and isinstance(b, int) and b > 1:
        if len(a) * b > MAX_ITEMS or (isinstance(a, (list, tuple)) and _weight(a, {}) * b > MAX_ITEMS):
            raise _too_big()
    elif isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS:
        raise _too_big()


def _check_add(a, b):
    if isinstance(a, _SEQ) and isinstance(b, _SEQ) and len(a) + len(b) > MAX_ITEMS:
        raise _too_big()


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
        return op(a, b)
    return run


_mul, _add = _guarded(_check_mul, operator.mul), _guarded(_check_add, operator.add)
_lshift, _mod = _guarded(_check_lshift, operator.lshift), _guarded(_check_mod, operator.mod)


def _pow(base, exp, mod=None):
    if mod is not None:
        return builtins.pow(base, exp, mod)  # modular power stays small
    _check_pow(base, exp)
    return base ** exp


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
    return run(target, value)

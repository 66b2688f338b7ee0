"""The sandbox every diagram expression and script runs in.

SpiffWorkflow's default engine hands diagram text to plain `eval`/`exec`: `__import__('os')` works, and
replacing the builtins alone is not enough (a `().__class__.__base__.__subclasses__()` walk still reaches
`os`). So code is compiled with RestrictedPython (no imports, no `_`-names, guarded attribute, item and
iteration access) by a policy that also rewrites the operators that can allocate without bound (`**`,
`*`, `<<`, `+`, `%`) into size-checked helpers, and puts a deadline check into every loop body, every
iteration and every function call, so an endless loop stops after the time budget.

Known limit: a single C-level operation on a structure that is nominally huge but built cheaply from
shared references (e.g. `str()` of a list holding the same big list a million times, built by
`append` in a loop) cannot be interrupted in-process; run engine steps under a worker with a hard
memory/time limit if diagrams come from untrusted authors.
"""
from __future__ import annotations

import ast
import builtins
import contextvars
import copy
import operator
import re
import sys
import textwrap
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Callable, Iterable, Mapping

from RestrictedPython import RestrictingNodeTransformer, safe_builtins
from RestrictedPython.Guards import (full_write_guard, guarded_iter_unpack_sequence, guarded_unpack_sequence,
                                     safer_getattr_raise)
from RestrictedPython.PrintCollector import PrintCollector
from RestrictedPython.transformer import IOPERATOR_TO_STR, copy_locations
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .i18n import _

__all__ = ["ScriptError", "HELPER_NAMES", "make_script_engine", "lint", "script_deadline",
           "SandboxEnvironment"]

MAX_ITEMS = 1_000_000      # longest str / list / tuple / range one operation may produce
MAX_INT_BITS = 100_000     # about 30,000 decimal digits
MAX_DEPTH = 50             # nested calls of functions defined in diagram code
MAX_FORMAT_WIDTH = 10_000  # widths and precisions in f-strings and %-formatting
# SpiffWorkflow looks for frames of this file name to tell which script line failed.
FILENAME = "<string>"
CHINA_TZ = timezone(timedelta(hours=8))


class ScriptError(Exception):
    """The sandbox refused or stopped a script or expression. `message` is for users (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---- time budget -----------------------------------------------------------------------------------
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


def _getiter(ob):
    for item in ob:  # a generator, so comprehensions and `for` loops check the deadline per item
        _tick()
        yield item


# ---- size guards -----------------------------------------------------------------------------------
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


def _getattr(ob, name):
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
             if k not in ("__build_class__", "setattr", "delattr", "pow")}
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
    "_pow_": _pow, "_mul_": _mul, "_lshift_": _lshift, "_add_": _add, "_mod_": _mod,
}


# ---- default helpers -------------------------------------------------------------------------------
def _now() -> datetime:
    try:
        from . import clock  # written in parallel; import lazily so the sandbox works without it
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


# ---- compile policy ---------------------------------------------------------------------------------
# Callees refused at compile time: they are absent at run time anyway, but saying so early is clearer.
FORBIDDEN_CALLS = frozenset({"exec", "eval", "compile", "open", "getattr", "setattr", "delattr", "globals",
                             "locals", "vars", "dir", "type", "object", "input", "breakpoint", "help", "exit",
                             "quit", "memoryview", "bytearray", "super", "classmethod", "staticmethod",
                             "property"})
_BINOP_GUARDS = {ast.Pow: "_pow_", ast.Mult: "_mul_", ast.LShift: "_lshift_", ast.Add: "_add_",
                 ast.Mod: "_mod_"}
_TRANSLATIONS = [
    (r'"(.+)" is an invalid (?:variable|attribute) name because it (?:starts with "_"|ends with "__roles__")',
     "不允许使用以下划线开头的名称或属性“%s”（内部属性可用来绕过沙箱）"),
    (r'"(.+)" is a reserved name', "“%s”是保留名称，不能使用"),
    (r'"(.+)" is a restricted name', "不允许访问属性“%s”"),
    (r"(\w+) statements are not allowed", "不允许使用 %s 语句"),
    (r"Augmented assignment of attributes", "不允许对属性做增量赋值（如 a.b += 1）%s"),
]


def _translate(info: str) -> str:
    for pattern, chinese in _TRANSLATIONS:
        match = re.search(pattern, info)
        if match:
            return chinese % (match.group(1) if match.groups() else "")
    return _("不允许的写法：%(info)s", info=info)


def _call(name, node, *args):
    call = ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])
    copy_locations(call, node)
    return call


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus: size-checked operators, deadline checks, no imports or classes."""

    def error(self, node, info):
        if not re.match(r"(Exec|Eval) calls", info):  # visit_Call below already says so
            self.refuse(node, _translate(info))

    def refuse(self, node, message):
        self.errors.append(_("第 %(line)s 行：%(msg)s", line=getattr(node, "lineno", "?"), msg=message))

    def visit_Import(self, node):
        self.refuse(node, _("不允许导入模块（import）；可用的函数见《事项包格式》"))
        return node

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node):
        self.refuse(node, _("不允许定义类（class）"))
        return node

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            self.refuse(node, _("不允许调用 %(name)s()", name=node.func.id))
        return super().visit_Call(node)

    def visit_Attribute(self, node):
        if node.attr in ("format", "format_map"):  # '{0.__class__}'.format(x) reads attributes unchecked
            self.refuse(node, _("不允许使用 str.format()，请改用 f-string"))
        return super().visit_Attribute(node)

    def visit_BinOp(self, node):
        node = self.node_contents_visit(node)
        guard = _BINOP_GUARDS.get(type(node.op))
        return _call(guard, node, node.left, node.right) if guard else node

    def visit_AugAssign(self, node):
        if not isinstance(node.target, ast.Subscript):
            return super().visit_AugAssign(node)
        # `a['k'] += 1` becomes `a['k'] = _inplacevar_('+=', a['k'], 1)`, both sides guarded.
        load = copy.deepcopy(node.target)
        load.ctx = ast.Load()
        target, load, value = self.visit(node.target), self.visit(load), self.visit(node.value)
        assign = ast.Assign(targets=[target], value=_call(
            "_inplacevar_", node, ast.Constant(IOPERATOR_TO_STR[type(node.op)]), load, value))
        copy_locations(assign, node)
        return assign

    def _tick_first(self, node):
        tick = ast.Expr(_call("_tick_", node))
        copy_locations(tick, node)
        node.body.insert(0, tick)
        return node

    def visit_While(self, node):
        return self._tick_first(super().visit_While(node))

    def visit_For(self, node):
        return self._tick_first(super().visit_For(node))

    def visit_FunctionDef(self, node):
        node = super().visit_FunctionDef(node)
        enter = ast.Expr(_call("_enter_", node))
        copy_locations(enter, node)
        node.body.insert(0, enter)
        return node

    def visit_Lambda(self, node):
        node = super().visit_Lambda(node)
        node.body = ast.BoolOp(op=ast.Or(), values=[_call("_enter_", node), node.body])  # None or body
        copy_locations(node.body, node)
        return node

    def visit_FormattedValue(self, node):
        spec = node.format_spec
        for part in (spec.values if isinstance(spec, ast.JoinedStr) else []):
            if isinstance(part, ast.FormattedValue):
                self.refuse(node, _("f-string 的格式说明不能含变量"))
            elif isinstance(part, ast.Constant) and any(
                    int(n) > MAX_FORMAT_WIDTH for n in re.findall(r"\d+", str(part.value))):
                self.refuse(node, _("f-string 的宽度或精度过大"))
        return super().visit_FormattedValue(node)


def _prepare(source: str, mode: str) -> str:
    # Diagram text is indented like the XML around it; eval() strips it, exec() would not.
    return source.strip() if mode == "eval" else textwrap.dedent(source)


@lru_cache(maxsize=4096)
def _compile(source: str, mode: str):
    """Return (code or None, Chinese problems). Cached: the same diagram text runs for every case."""
    text = _prepare(source, mode)
    try:
        tree = ast.parse(text, FILENAME, mode)
    except SyntaxError as err:
        return None, (_("第 %(line)s 行语法错误：%(msg)s", line=err.lineno or 1, msg=err.msg),)
    except (ValueError, MemoryError, RecursionError) as err:
        return None, (_("无法解析：%(err)s", err=err),)
    errors: list[str] = []
    try:
        tree = SandboxPolicy(errors, [], {}).visit(tree)
    except RecursionError:
        errors.append(_("表达式嵌套过深"))
    if errors:
        return None, tuple(dict.fromkeys(errors))
    return compile(ast.fix_missing_locations(tree), FILENAME, mode), ()


def _code(source: str, mode: str):
    if not isinstance(source, str):
        raise ScriptError(_("脚本或表达式必须是文本"))
    code, problems = _compile(source, mode)
    if code is None:
        raise ScriptError(_("脚本被沙箱拒绝：%(problems)s", problems="；".join(problems)))
    return code


def _bound_names(tree) -> set[str]:
    """Names the code itself defines (assignments, functions, arguments, loop targets)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def lint(source: str, mode: str, extra_names: Iterable[str] = ()) -> list[str]:
    """Check diagram code without running it; return Chinese problems (empty when fine).

    mode is 'eval' for conditions and timer expressions, 'exec' for scripts. Reports syntax errors with
    their line, what the sandbox refuses (imports, `_` names, exec/eval/open...), and calls of functions
    that are neither helpers, safe builtins, `extra_names` nor defined by the code itself. Other names may
    come from task data, so only names used as callees are checked.
    """
    if mode not in ("eval", "exec"):
        raise ValueError("mode must be 'eval' or 'exec'")
    if source is None or not source.strip():
        return [_("表达式为空")] if mode == "eval" else []
    code, problems = _compile(source, mode)
    problems = list(problems)
    try:
        tree = ast.parse(_prepare(source, mode), FILENAME, mode)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return problems
    known = HELPER_NAMES | FORBIDDEN_CALLS | set(extra_names) | _bound_names(tree)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in known
                and not node.func.id.startswith("_")):  # `_` names are refused above already
            problems.append(_("第 %(line)s 行调用了未知的函数 %(name)s()；可用的函数有 %(helpers)s 和常用内置函数",
                              line=node.lineno, name=node.func.id,
                              helpers=", ".join(sorted(DEFAULT_HELPERS))))
    return list(dict.fromkeys(problems))


# ---- SpiffWorkflow integration ----------------------------------------------------------------------
class SandboxEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment that compiles with the sandbox policy and runs under a time budget.

    Semantics match SpiffWorkflow's: task data are the globals; a script's variables are written into
    the task data, then globals, helpers and functions are removed again.
    """

    def __init__(self, helpers: Mapping[str, Callable], time_budget: float = 1.0):
        super().__init__({"__builtins__": _BUILTINS, **_GUARDS, **helpers})
        self.time_budget = time_budget

    def evaluate(self, expression, context, external_context=None):
        code = _code(expression, "eval")
        my_globals = copy.copy(self.globals)
        self._prepare_context(context)
        my_globals.update(external_context or {})
        my_globals.update(context)
        my_globals.update(_GUARDS)  # task data must never replace a guard
        my_globals["__builtins__"] = _BUILTINS
        with script_deadline(self.time_budget):
            return eval(code, my_globals)

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        code = _code(script, "exec")
        my_globals = copy.copy(self.globals)
        self._prepare_context(context)
        my_globals.update(external_context or {})
        context.update(my_globals)
        try:
            with script_deadline(self.time_budget):
                exec(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


class SandboxScriptEngine(PythonScriptEngine):
    """PythonScriptEngine whose refusals read as the sandbox's Chinese message, not 'Error evaluating'."""

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except ScriptError as err:
            raise WorkflowTaskException(f"ScriptError:{err.message}", task=task, exception=err) from err
        except SpiffWorkflowException as err:
            err.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as err:  # as SpiffWorkflow does
            raise WorkflowTaskException(f"Error evaluating expression '{expression}'", task=task,
                                        exception=err)


def make_script_engine(helpers: Mapping[str, Callable] | None = None,
                       time_budget: float = 1.0) -> PythonScriptEngine:
    """A script engine running every expression and script in the sandbox.

    `helpers` become globals of scripts, over the defaults (now, today, days, hours and placeholders for
    workdays / workdays_from that fail until the runtime provides the calendar-bound versions).
    `time_budget` bounds each evaluate/execute call in seconds.
    """
    environment = SandboxEnvironment({**DEFAULT_HELPERS, **(helpers or {})}, time_budget)
    return SandboxScriptEngine(environment=environment)

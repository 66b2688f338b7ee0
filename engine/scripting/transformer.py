"""The compile policy: RestrictedPython's transformer plus our rewrites, and the cache of compiled code.

Refuses imports, classes, `_` names, exec/eval/open and str.format with Chinese messages; rewrites the
unbounded operators into `operators`' size checks and inserts the deadline checks of `budget`.
"""
from __future__ import annotations

import ast
import copy
import re
import textwrap
from functools import lru_cache

from RestrictedPython import RestrictingNodeTransformer
from RestrictedPython.transformer import IOPERATOR_TO_STR, copy_locations

from ..i18n import _
from .limits import FILENAME, MAX_FORMAT_WIDTH, ScriptError

# Callees refused at compile time: they are absent at run time anyway, but saying so early is clearer.
FORBIDDEN_CALLS = frozenset({"exec", "eval", "compile", "open", "getattr", "setattr", "delattr", "globals",
                             "locals", "vars", "dir", "type", "object", "input", "breakpoint", "help", "exit",
                             "quit", "memoryview", "bytearray", "super", "classmethod", "staticmethod",
                             "property"})
# Exceptions that are not `Exception`s stop interpreters, threads and generators: a script may neither raise
# nor catch them (they are absent from its builtins; these names are refused at check time as well).
PROCESS_EXCEPTIONS = frozenset({"BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit",
                                "BaseExceptionGroup"})
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

    def visit_Raise(self, node):
        for part in (node.exc, node.cause):
            name = _exception_name(part)
            if name in PROCESS_EXCEPTIONS:
                self.refuse(node, _("不允许抛出 %(name)s：脚本只能抛出 Exception 的子类（如 ValueError）", name=name))
        node = self.node_contents_visit(node)
        # `raise X from Y` becomes `raise _raisable_(X) from _raisable_(Y)`: a class reached at run time
        # (not by its name) is checked there.
        node.exc = _call("_raisable_", node, node.exc) if node.exc is not None else None
        node.cause = _call("_raisable_", node, node.cause) if node.cause is not None else None
        return node

    def visit_ExceptHandler(self, node):
        for name in _exception_names(node.type):
            if name in PROCESS_EXCEPTIONS:
                self.refuse(node, _("不允许捕获 %(name)s：脚本只能捕获 Exception 的子类", name=name))
        node = super().visit_ExceptHandler(node)
        # A bare `except:` catches Exception only; a caught type is checked at run time by `_catchable_`.
        node.type = (ast.Name("_script_exception_", ast.Load()) if node.type is None
                     else _call("_catchable_", node, node.type))
        copy_locations(node.type, node)
        return node

    def visit_Try(self, node):
        for statement in _escapes_from(node.finalbody):
            # `return` (or break / continue) in `finally` swallows whatever was raised, a stop included.
            self.refuse(statement, _("finally 中不允许使用 return、break 或 continue（会吞掉异常）"))
        return super().visit_Try(node)

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


def _exception_name(node) -> str | None:
    """The name in `raise KeyboardInterrupt` or `raise KeyboardInterrupt("...")`."""
    if isinstance(node, ast.Call):
        node = node.func
    return node.id if isinstance(node, ast.Name) else None


def _exception_names(node) -> list[str]:
    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    return [n for n in map(_exception_name, parts) if n]


def _escapes_from(body):
    """`return`, and `break` / `continue` not inside a loop of their own, in these statements."""
    for statement in body:
        if isinstance(statement, ast.Return):
            yield statement
        elif isinstance(statement, (ast.Break, ast.Continue)):
            yield statement
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        elif isinstance(statement, (ast.For, ast.While, ast.AsyncFor)):
            yield from (s for s in _escapes_from(statement.body + statement.orelse) if isinstance(s, ast.Return))
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                yield from _escapes_from(getattr(statement, field, []) or [])
            for case in getattr(statement, "cases", []) or []:
                yield from _escapes_from(case.body)


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

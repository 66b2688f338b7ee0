"""`lint`: checking diagram code without running it, for the bundle checker.

(Named `linting`, not `lint`, so the submodule does not share a name with the function the package
exports.)
"""
from __future__ import annotations

import ast
from typing import Iterable

from ..i18n import _
from .helpers import DEFAULT_HELPERS, HELPER_NAMES
from .limits import FILENAME
from .transformer import FORBIDDEN_CALLS, PROCESS_EXCEPTIONS, _compile, _prepare


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
    known = HELPER_NAMES | FORBIDDEN_CALLS | PROCESS_EXCEPTIONS | set(extra_names) | _bound_names(tree)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in known
                and not node.func.id.startswith("_")):  # `_` names are refused above already
            problems.append(_("第 %(line)s 行调用了未知的函数 %(name)s()；可用的函数有 %(helpers)s 和常用内置函数",
                              line=node.lineno, name=node.func.id,
                              helpers=", ".join(sorted(DEFAULT_HELPERS))))
    return list(dict.fromkeys(problems))

"""The sandbox every diagram expression and script runs in.

SpiffWorkflow's default engine hands diagram text to plain `eval`/`exec`: `__import__('os')` works, and
replacing the builtins alone is not enough (a `().__class__.__base__.__subclasses__()` walk still reaches
`os`). So code is compiled with RestrictedPython (no imports, no `_`-names, guarded attribute, item and
iteration access) by a policy that also rewrites the operators that can allocate without bound (`**`,
`*`, `<<`, `+`, `%`) into size-checked helpers, and puts a deadline check into every loop body, every
iteration and every function call, so an endless loop stops after the time budget. What a run builds is
charged to an allowance (`budget`), and what a script leaves in the task data is bounded (`environment`);
the whole budget is stated in docs/bundle-format.md.

Known limit: a single C-level operation on a structure that is nominally huge but built cheaply from
shared references (e.g. `str()` of a list holding the same big list a million times, built by
`append` in a loop) cannot be interrupted in-process; run engine steps under a worker with a hard
memory/time limit if diagrams come from untrusted authors.

Modules, by concern: `limits` (the limits and ScriptError), `budget` (time budget, recursion depth),
`operators` (size-checked operators), `guards` (guards and builtins compiled code runs with), `helpers`
(now, today, days, ...), `transformer` (the compile policy and its cache), `linting` (`lint`) and
`environment` (the SpiffWorkflow environment and `make_script_engine`). Import from the package.
"""
from __future__ import annotations

# Names beyond __all__ stay importable from here as they were when the sandbox was one module.
from .budget import script_deadline
from .environment import SandboxEnvironment, SandboxScriptEngine, make_script_engine  # noqa: F401
from .helpers import CHINA_TZ, DEFAULT_HELPERS, HELPER_NAMES  # noqa: F401
from .limits import FILENAME, MAX_DEPTH, MAX_FORMAT_WIDTH, MAX_INT_BITS, MAX_ITEMS, ScriptError  # noqa: F401
from .linting import lint
from .transformer import FORBIDDEN_CALLS, SandboxPolicy, _compile  # noqa: F401

__all__ = ["ScriptError", "HELPER_NAMES", "make_script_engine", "lint", "script_deadline",
           "SandboxEnvironment"]

"""SpiffWorkflow integration: the script environment and engine that run diagram code in the sandbox."""
from __future__ import annotations

import copy
import json
from typing import Callable, Mapping

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from ..i18n import _
from .budget import script_allowance, script_deadline
from .guards import _BUILTINS, _GUARDS
from .helpers import DEFAULT_HELPERS
from .limits import MAX_TASK_DATA_BYTES, ScriptError
from .transformer import _code


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
        with script_deadline(self.time_budget), script_allowance():
            return eval(code, my_globals)

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        code = _code(script, "exec")
        my_globals = copy.copy(self.globals)
        self._prepare_context(context)
        my_globals.update(external_context or {})
        context.update(my_globals)
        try:
            with script_deadline(self.time_budget), script_allowance():
                exec(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        _check_task_data(context)
        return True


def _check_task_data(context) -> None:
    """What a script leaves in the task data is saved with the case: at most MAX_TASK_DATA_BYTES as JSON."""
    size = len(json.dumps(context, ensure_ascii=False, default=str).encode("utf-8"))
    if size > MAX_TASK_DATA_BYTES:
        raise ScriptError(_("脚本留下的任务数据过大（%(size)s 字节，上限 %(limit)s 字节），请只保留需要的结果。",
                            size=f"{size:,}", limit=f"{MAX_TASK_DATA_BYTES:,}"))


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

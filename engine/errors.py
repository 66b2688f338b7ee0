"""Errors the engine raises to its callers. Messages are for the user, in Simplified Chinese."""
from __future__ import annotations

import threading


class OneWindowError(Exception):
    """Base class: `message` is safe to show to the user as is."""

    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(OneWindowError):
    code = "not_found"


class Forbidden(OneWindowError):
    code = "forbidden"


class Conflict(OneWindowError):
    """Someone else acted on the same case first; nothing of this action was written."""

    code = "conflict"


class InvalidState(OneWindowError):
    """The action is not allowed in the case's or task's current state."""

    code = "invalid_state"


class InvalidInput(OneWindowError):
    """Submitted data failed validation. `errors` maps a field path ('' for the form) to messages."""

    code = "invalid_input"

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.errors = errors or {}


class WorkflowFault(OneWindowError):
    """The diagram failed while running (a bad expression reached at run time, a sandbox refusal)."""

    code = "workflow_fault"


def stops_the_process(exc: BaseException) -> bool:
    """Whether `exc` is the process being stopped rather than a failure of the case or delivery at hand.

    Only the main thread receives signals (Ctrl+C's KeyboardInterrupt, a handler's SystemExit) and only
    there does `sys.exit` end the process; a KeyboardInterrupt or SystemExit in any other thread, and any
    other BaseException anywhere (GeneratorExit, ...), came from the code run for one case or delivery.
    Callers that handle one case at a time re-raise what this accepts and treat everything else as that
    case's fault (docs/operations.md, "Script faults")."""
    return (isinstance(exc, (KeyboardInterrupt, SystemExit))
            and threading.current_thread() is threading.main_thread())

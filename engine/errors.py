"""Errors the engine raises to its callers. Messages are for the user, in Simplified Chinese."""
from __future__ import annotations


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

"""The sandbox's limits, the file name its code is compiled under, and the error it raises.

The other modules of the sandbox import from here; this one imports none of them.
"""
from __future__ import annotations

MAX_ITEMS = 1_000_000      # longest str / list / tuple / range one operation may produce
MAX_INT_BITS = 100_000     # about 30,000 decimal digits
MAX_DEPTH = 50             # nested calls of functions defined in diagram code
MAX_FORMAT_WIDTH = 10_000  # widths and precisions in f-strings and %-formatting, digits in round()
MAX_POW_MOD_BITS = 2_048   # operands of pow(base, exp, mod): its cost grows with exp bits x mod bits squared
MAX_RANGE_BITS = 64        # arguments of range() and enumerate()'s start: else each item is a huge integer
MAX_BUILT = 2_000_000      # elements one run of a script or expression may build in all (see budget.weigh)
MAX_TASK_DATA_BYTES = 1_000_000  # task data (as JSON) a script may leave behind
# SpiffWorkflow looks for frames of this file name to tell which script line failed.
FILENAME = "<string>"


class ScriptError(Exception):
    """The sandbox refused or stopped a script or expression. `message` is for users (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

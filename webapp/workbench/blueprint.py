"""Every URL of the staff workbench."""
from flask import Blueprint

from . import controllers as c

bp = Blueprint("workbench", __name__, url_prefix="/workbench")

bp.add_url_rule("/", "inbox", c.inbox)
bp.add_url_rule("/tasks/<int:task_id>", "task", c.task)
bp.add_url_rule("/tasks/<int:task_id>/claim", "claim", c.claim, methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>/unclaim", "unclaim", c.unclaim, methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>/complete", "complete", c.complete, methods=["POST"])

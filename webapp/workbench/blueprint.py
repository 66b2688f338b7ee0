"""Every URL of the staff workbench."""
from flask import Blueprint

from . import controllers as c
from . import fees as f

bp = Blueprint("workbench", __name__, url_prefix="/workbench")

bp.add_url_rule("/", "inbox", c.inbox)
bp.add_url_rule("/tasks/<int:task_id>", "task", c.task)
bp.add_url_rule("/tasks/<int:task_id>/claim", "claim", c.claim, methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>/unclaim", "unclaim", c.unclaim, methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>/complete", "complete", c.complete, methods=["POST"])

# Fees: payments and waivers from a task page of the case; ticket fees (拉票) settled in batch.
bp.add_url_rule("/tasks/<int:task_id>/fees/<int:fee_id>/payment", "record_payment", f.record_payment,
                methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>/fees/<int:fee_id>/waiver", "waive_fee", f.waive, methods=["POST"])
bp.add_url_rule("/tickets", "tickets", f.tickets)
bp.add_url_rule("/tickets/settle", "settle_tickets", f.settle_tickets, methods=["POST"])

# The fee section of a case, included by the workbench task page and the applicant's case page.
bp.add_app_template_global(f.case_fees, "case_fees")

"""Every URL of the applicant's space."""
from flask import Blueprint

from . import controllers as c

bp = Blueprint("applicant", __name__, url_prefix="/my")

bp.add_url_rule("/", "home", c.home)
bp.add_url_rule("/apply/<code>", "apply", c.apply, methods=["GET", "POST"])
bp.add_url_rule("/cases/<int:case_id>", "case", c.case_detail)
bp.add_url_rule("/cases/<int:case_id>/receipt", "receipt", c.receipt)
bp.add_url_rule("/cases/<int:case_id>/withdraw", "withdraw", c.withdraw, methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>", "task", c.task, methods=["GET", "POST"])

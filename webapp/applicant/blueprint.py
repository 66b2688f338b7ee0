"""Every URL of the applicant's space."""
from flask import Blueprint

from . import applying, controllers as c, receipts, supplement

bp = Blueprint("applicant", __name__, url_prefix="/my")

bp.add_url_rule("/", "home", c.home)
bp.add_url_rule("/apply/<code>", "apply", applying.apply, methods=["GET", "POST"])
bp.add_url_rule("/apply/<code>/autosave", "autosave", applying.autosave, methods=["POST"])
bp.add_url_rule("/apply/<code>/review", "review", applying.review)
bp.add_url_rule("/apply/<code>/confirm", "confirm", applying.confirm, methods=["POST"])
bp.add_url_rule("/drafts/<int:draft_id>/discard", "discard_draft", applying.discard_draft, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>", "case", c.case_detail)
bp.add_url_rule("/cases/<int:case_id>/receipt", "receipt", receipts.page)
bp.add_url_rule("/cases/<int:case_id>/receipt.pdf", "receipt_pdf", receipts.pdf)
bp.add_url_rule("/cases/<int:case_id>/withdraw", "withdraw", c.withdraw, methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>", "task", supplement.task, methods=["GET", "POST"])

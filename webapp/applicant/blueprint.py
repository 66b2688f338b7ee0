"""Every URL of the applicant's space."""
from flask import Blueprint

from . import account, applying, controllers as c, evaluation, messages, receipts, supplement

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

# Profile, messages and evaluation (好差评).
bp.add_url_rule("/profile", "profile", account.profile)
bp.add_url_rule("/profile/contact", "update_profile", account.update_profile, methods=["POST"])
bp.add_url_rule("/profile/password", "change_password", account.change_password, methods=["POST"])
bp.add_url_rule("/messages", "messages", messages.inbox)
bp.add_url_rule("/messages/<int:message_id>", "message", messages.show)
bp.add_url_rule("/messages/read-all", "mark_all_read", messages.mark_all_read, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>/evaluation", "evaluation", evaluation.page)
bp.add_url_rule("/cases/<int:case_id>/evaluation", "evaluate", evaluation.rate_case, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>/evaluation/rectification", "rate_rectification", evaluation.rate_rectification,
                methods=["POST"])
bp.add_app_template_global(messages.unread_message_count, "unread_message_count")
bp.add_app_template_global(evaluation.case_evaluation, "case_evaluation")

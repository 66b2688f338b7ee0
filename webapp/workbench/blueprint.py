"""Every URL of the staff workbench."""
from flask import Blueprint

from ..access import area_required
from . import complaints as k
from . import controllers as c
from . import fees as f
from . import handling as h
from . import inquiries as q
from . import urges as u
from . import walk_in as w

bp = Blueprint("workbench", __name__, url_prefix="/workbench")

bp.add_url_rule("/", "inbox", c.inbox)
bp.add_url_rule("/tasks/<int:task_id>", "task", c.task)
bp.add_url_rule("/tasks/<int:task_id>/diagram.json", "diagram", c.diagram)
bp.add_url_rule("/tasks/<int:task_id>/claim", "claim", c.claim, methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>/unclaim", "unclaim", c.unclaim, methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>/complete", "complete", c.complete, methods=["POST"])
bp.add_url_rule("/done", "done", c.done)

# Walk-in registration at the window (现场收件).
bp.add_url_rule("/walk-in", "walk_in", w.choose_item)
bp.add_url_rule("/walk-in/<code>", "register_walk_in", w.register, methods=["GET", "POST"])
bp.add_url_rule("/walk-in/cases/<int:case_id>", "walk_in_receipt", w.walk_in_receipt)

# Saved inbox filters and absence substitutes (代岗).
bp.add_url_rule("/filters", "save_filter", h.save_filter, methods=["POST"])
bp.add_url_rule("/filters/<int:filter_id>/delete", "delete_filter", h.delete_filter, methods=["POST"])
bp.add_url_rule("/substitutes", "substitutes", h.substitutes)
bp.add_url_rule("/substitutes/new", "name_substitute", h.name_substitute, methods=["POST"])
bp.add_url_rule("/substitutes/<int:substitution_id>/cancel", "cancel_substitute", h.cancel_substitute,
                methods=["POST"])

# The case beyond its task: special procedures (the clock stops), extensions (decided by the head).
bp.add_url_rule("/tasks/<int:task_id>/special-procedures", "start_special_procedure", h.start_special_procedure,
                methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>/special-procedures/<int:procedure_id>/end", "end_special_procedure",
                h.end_special_procedure, methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>/extension", "request_extension", h.request_extension, methods=["POST"])
bp.add_url_rule("/extensions", "extension_requests", area_required("workbench")(h.extension_requests))
bp.add_url_rule("/extensions/<int:extension_id>/decision", "decide_extension",
                area_required("workbench")(h.decide_extension), methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>/reviewers", "add_reviewer", h.add_reviewer, methods=["POST"])
bp.add_app_template_global(h.case_actions, "case_actions")
bp.add_app_template_global(h.review_additions, "review_additions")

# Fees: payments and waivers from a task page of the case; ticket fees (拉票) settled in batch.
bp.add_url_rule("/tasks/<int:task_id>/fees/<int:fee_id>/payment", "record_payment", f.record_payment,
                methods=["POST"])
bp.add_url_rule("/tasks/<int:task_id>/fees/<int:fee_id>/waiver", "waive_fee", f.waive, methods=["POST"])
bp.add_url_rule("/tickets", "tickets", f.tickets)
bp.add_url_rule("/tickets/settle", "settle_tickets", f.settle_tickets, methods=["POST"])

# The fee section of a case, included by the workbench task page and the applicant's case page.
bp.add_app_template_global(f.case_fees, "case_fees")
# Answering the public's consultations, complaints and suggestions (engine.inquiries; the portal takes them in).
bp.add_url_rule("/inquiries", "inquiries", area_required("workbench")(q.inquiry_list))
bp.add_url_rule("/inquiries/<reference>/answer", "answer_inquiry", area_required("workbench")(q.answer_inquiry),
                methods=["POST"])

# Complaints (投诉) through their stages: the handler's list, a complaint's stages and history, assign, move on.
bp.add_url_rule("/complaints", "complaints", area_required("workbench")(k.complaint_list))
bp.add_url_rule("/complaints/<reference>", "complaint", area_required("workbench")(k.complaint_page))
bp.add_url_rule("/complaints/<reference>/handler", "assign_complaint",
                area_required("workbench")(k.assign_handler), methods=["POST"])
bp.add_url_rule("/complaints/<reference>/advance", "advance_complaint",
                area_required("workbench")(k.advance_complaint), methods=["POST"])

# Supervision on the workbench: answering urges (催办) and acknowledging yellow / red cards.
bp.add_url_rule("/urges/<int:urge_id>/answer", "answer_urge", u.answer_urge, methods=["POST"])
bp.add_url_rule("/cards/<int:card_id>/acknowledge", "acknowledge_card", u.acknowledge_card, methods=["POST"])
bp.add_app_template_global(u.task_supervision, "task_supervision")
bp.add_app_template_global(u.my_notices, "my_notices")

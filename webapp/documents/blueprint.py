"""Every URL of a case's numbered documents (notices, decisions, certificates). Public verification
lives in the portal (`/verify/<code>`)."""
from flask import Blueprint

from . import controllers as c

bp = Blueprint("documents", __name__, url_prefix="/documents")

bp.add_url_rule("/<int:document_id>", "show", c.show)
bp.add_url_rule("/<int:document_id>/pdf", "pdf", c.pdf)

# The list of a case's documents, included by the workbench task page and the applicant's case page.
bp.add_app_template_global(c.case_documents, "case_documents")

"""Every URL of applicants' materials: the upload endpoint, one's own files and library, a case's files."""
from flask import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from . import controllers as c

bp = Blueprint("materials", __name__)

# The applicant's own files (材料库).
bp.add_url_rule("/my/files", "upload", c.upload, methods=["POST"])
bp.add_url_rule("/my/files/<file_id>", "own_file", c.own_file)
bp.add_url_rule("/my/files/<file_id>/delete", "delete", c.delete, methods=["POST"])
bp.add_url_rule("/my/materials", "library", c.library, methods=["GET", "POST"])

# A file a case holds, for everyone who may view the case (the clerk's task page shows it inline).
bp.add_url_rule("/cases/<int:case_id>/materials/<file_id>", "case_file", c.case_file)

bp.register_error_handler(RequestEntityTooLarge, c.too_large)

# The materials section of a case, included by the workbench task page.
bp.add_app_template_global(c.case_files, "case_files")

"""Every URL of supervision."""
from flask import Blueprint

from ..access import area_required
from ..workbench import handling
from . import controllers as c

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

bp.add_url_rule("/", "dashboard", c.dashboard)

# Supervisors decide extensions of any department (section heads decide theirs at the workbench).
bp.add_url_rule("/extensions", "extension_requests", area_required("supervision")(handling.extension_requests))
bp.add_url_rule("/extensions/<int:extension_id>/decision", "decide_extension",
                area_required("supervision")(handling.decide_extension), methods=["POST"])

"""Every URL of supervision (效能监察)."""
from flask import Blueprint

from ..access import area_required
from ..workbench import complaints as handling_complaints
from ..workbench import handling
from . import cases as k
from . import clocks
from . import complaints as q
from . import controllers as c
from . import statistics as s

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

# The desk: counts, every waiting deadline, the live yellow and red lists.
bp.add_url_rule("/", "dashboard", c.dashboard)
bp.add_url_rule("/deadlines", "deadlines", c.deadlines)
bp.add_url_rule("/live/<colour>", "live", c.live)

# One case: clocks, urging (催办), cards and its full audit trail; the audit chain check.
bp.add_url_rule("/cases/<int:case_id>", "case", k.case)
bp.add_url_rule("/cases/<int:case_id>/steps/<int:task_id>/urge", "urge", k.urge, methods=["POST"])
bp.add_url_rule("/audit-chain", "audit_chain", k.audit_chain)

# Complaints (投诉督办): open and overdue stages; a complaint's stages and history, assign, move on (the
# workbench's views); bad reviews (差评) and their rectification.
bp.add_url_rule("/complaints", "complaints", q.complaint_stages)
bp.add_url_rule("/complaints/<reference>", "complaint",
                area_required("supervision")(handling_complaints.complaint_page))
bp.add_url_rule("/complaints/<reference>/handler", "assign_complaint",
                area_required("supervision")(handling_complaints.assign_handler), methods=["POST"])
bp.add_url_rule("/complaints/<reference>/advance", "advance_complaint",
                area_required("supervision")(handling_complaints.advance_complaint), methods=["POST"])
bp.add_url_rule("/bad-reviews", "bad_reviews", q.bad_reviews)

# Statistics: the table, its charts' data, the cases behind each number, exports.
bp.add_url_rule("/statistics", "statistics", s.statistics)
bp.add_url_rule("/statistics/charts.json", "statistics_charts", s.charts)
bp.add_url_rule("/statistics/cases", "statistics_cases", s.cases_behind)
bp.add_url_rule("/statistics/export.<any(csv, xlsx):fmt>", "statistics_export", s.export)
bp.add_url_rule("/statistics/report.pdf", "statistics_report", s.report)

# Supervisors decide extensions of any department (section heads decide theirs at the workbench).
bp.add_url_rule("/extensions", "extension_requests", area_required("supervision")(handling.extension_requests))
bp.add_url_rule("/extensions/<int:extension_id>/decision", "decide_extension",
                area_required("supervision")(handling.decide_extension), methods=["POST"])

# The clocks of the shared `case_clock` macro, for every page about a case.
bp.add_app_template_global(clocks.clock_of_case, "clock_of_case")
bp.add_app_template_global(clocks.clock_of_step, "clock_of_step")

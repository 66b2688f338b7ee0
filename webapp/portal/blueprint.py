"""Every URL of the public portal (no login), by page group: catalogue, content, status, inquiries, kiosk."""
from flask import Blueprint

from . import catalogue as cat
from . import content as con
from . import inquiries as inq
from . import kiosk as k
from . import limits
from . import status as st

bp = Blueprint("portal", __name__)

# The catalogue: home (most requested, latest content, search and browse), guides, result publication.
bp.add_url_rule("/", "home", cat.home)
bp.add_url_rule("/items/<code>", "item", cat.item_guide)
bp.add_url_rule("/items/<code>/diagram.json", "item_diagram", cat.item_diagram)
bp.add_url_rule("/items/<code>/files/<key>/<which>", "guide_file", cat.guide_file)
bp.add_url_rule("/results", "results", cat.result_publication)

# Content: news, notices, policies, regulations, FAQ (the path segment names the kind).
for path, kind in con.KIND_PATHS.items():
    bp.add_url_rule(f"/{path}", f"articles_{kind}", con.article_list, defaults={"kind": kind})
bp.add_url_rule("/articles/<int:article_id>", "article", con.article)

# Status lookup (rate-limited per address, and failures per case number) and document verification.
bp.add_url_rule("/status", "status", st.status_form, methods=["GET"])
bp.add_url_rule("/status", "status_lookup", limits.lookups(st.status_lookup), methods=["POST"])
bp.add_url_rule("/verify/<code>", "verify", st.verify_document)

# Consultations, complaints, suggestions: the form, the lookup by reference, the public answers.
bp.add_url_rule("/inquiries", "inquiry_answers", inq.public_answers)
bp.add_url_rule("/inquiries/new", "inquiry_new", inq.new_inquiry, methods=["GET"])
bp.add_url_rule("/inquiries/new", "inquiry_submit", limits.inquiries(inq.submit_inquiry), methods=["POST"])
bp.add_url_rule("/inquiries/lookup", "inquiry_lookup_form", inq.lookup_form, methods=["GET"])
bp.add_url_rule("/inquiries/lookup", "inquiry_lookup", limits.lookups(limits.failed_inquiry_lookups(inq.lookup)),
                methods=["POST"])

# Kiosk mode for the hall's touch screens.
bp.add_url_rule("/kiosk/", "kiosk", k.kiosk_home)
bp.add_url_rule("/kiosk/departments/<code>", "kiosk_department", k.kiosk_department)
bp.add_url_rule("/kiosk/items/<code>", "kiosk_item", k.kiosk_item)
bp.add_url_rule("/kiosk/status", "kiosk_status", st.kiosk_status_form, methods=["GET"])
bp.add_url_rule("/kiosk/status", "kiosk_status_lookup", limits.lookups(st.kiosk_status_lookup),
                methods=["POST"])
bp.add_url_rule("/kiosk/map", "kiosk_map", k.kiosk_map)

bp.register_error_handler(429, limits.too_many_requests)

"""The status lookup (办件查询) by case number and query code, on the portal and the hall's kiosk, and the
public verification of a document. Rate-limited per address in blueprint.py (limits.py) and per case
number in webapp/lookup_limit.py, the count the API shares."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from engine import case_numbers, notices, public_status

from .. import case_pages, lookup_limit
from ..extensions import db
from . import queries

MAX_CODE_LENGTH = 64


def status_form():
    return render_template("portal/status.html", case_no="", case=None, message=None)


def status_lookup():
    return _lookup("portal/status.html")


def kiosk_status_form():
    return render_template("kiosk/status.html", case_no="", case=None, message=None)


def kiosk_status_lookup():
    return _lookup("kiosk/status.html")


def _lookup(template: str):
    """Look a case up by number and query code. A wrong code and an unknown number read the same."""
    case_no = lookup_limit.normalise(request.form.get("case_no", ""))
    query_code = request.form.get("query_code", "").strip().upper()[:32]
    if not case_numbers.is_valid_case_no(case_no):
        message = _("办件编号格式不正确：应为17位，前16位为数字，最后一位为数字或字母X，请核对后重新输入。")
        return render_template(template, case_no=case_no, case=None, message=message), 400
    lookup_limit.check(case_no)  # before the look-up: past the limit even the right code is refused
    case = queries.case_by_number(db.session, case_no, query_code)
    if case is None:
        lookup_limit.record_failure(case_no)
        message = _("办件编号与查询码不匹配，未能查询到办件信息。请核对回执上的办件编号和查询码。")
        return render_template(template, case_no=case_no, case=None, message=message), 404
    steps = public_status.timeline(db.session, case)
    return render_template(template, case_no=case_no, case=case, message=None, steps=steps,
                           next_action=public_status.next_action(db.session, case, steps),
                           supplement_items=lambda detail: case_pages.supplement_items(case, detail),
                           clock=case_pages.clock_view(db.session, case))


def verify_document(code: str):
    """Anyone holding a document checks it by the code under its QR code: number, kind, date, item and
    the masked holder. An unknown code is 404; a revoked document says so (410)."""
    found = notices.verify(db.session, code[:MAX_CODE_LENGTH])
    if found is None:
        return render_template("portal/verify.html", found=None), 404
    return render_template("portal/verify.html", found=found), (200 if found.valid else 410)

"""The receipt (申请回执) after submitting: a page that shows the query code once, and its PDF.

The platform keeps only a hash of the query code, so the code reaches the receipt through the signed
session: the page shows it once, and the PDF downloaded from that page within `PDF_WINDOW` prints it too.
A receipt printed later says where to look the case up instead.
"""
from __future__ import annotations

import time

from flask import render_template, session
from flask_babel import gettext as _

from engine.notices import receipt as receipt_pdf

from .. import downloads
from ..access import area_required
from .controllers import visible_case

SHOWN = "receipt"            # session key: the code for the receipt page, shown once then moved to PRINTABLE
PRINTABLE = "receipt_pdf"    # session key: the code for the receipt's PDF, for a short while after
PDF_WINDOW = 15 * 60         # seconds a receipt PDF may still print the query code


def remember(store, submitted) -> None:
    """Keep the new case's query code for its receipt page (called right after a successful submit)."""
    store[SHOWN] = {"case_id": submitted.case_id, "case_no": submitted.case_no, "query_code": submitted.query_code}


@area_required("applicant")
def page(case_id: int):
    case = visible_case(case_id)
    shown = session.get(SHOWN) or {}
    query_code = None
    if shown.get("case_id") == case.id:
        query_code = session.pop(SHOWN)["query_code"]
        session[PRINTABLE] = {"case_id": case.id, "query_code": query_code, "until": time.time() + PDF_WINDOW}
    return render_template("applicant/receipt.html", case=case, query_code=query_code)


@area_required("applicant")
def pdf(case_id: int):
    case = visible_case(case_id)
    printable = session.get(PRINTABLE) or {}
    query_code = None
    if printable.get("case_id") == case.id and float(printable.get("until", 0)) > time.time():
        query_code = printable.get("query_code")
    content = receipt_pdf.content(case, case.item_version.guide, query_code)
    filename = _("申请回执-%(no)s.pdf", no=case.case_no)
    return downloads.send_bytes(receipt_pdf.render(content), filename, "application/pdf")

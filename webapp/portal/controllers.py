"""Public pages: anyone may read the catalogue and guides and look a case up with its query code."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from engine import case_numbers, notices

from .. import case_pages
from ..extensions import db
from . import labels, queries

MAX_CODE_LENGTH = 64


def home():
    keywords = request.args.get("q", "").strip()[:100]
    groups = queries.catalogue(db.session, keywords)
    return render_template("portal/home.html", groups=groups, keywords=keywords,
                           count=sum(len(items) for _dept, items in groups), labels=labels)


def item_guide(code: str):
    version = queries.published_version(db.session, code) if len(code) <= MAX_CODE_LENGTH else None
    if version is None:
        abort(404)
    return render_template("portal/item.html", item=version.item, version=version, guide=version.guide,
                           labels=labels)


def status_form():
    return render_template("portal/status.html", case_no="", case=None, message=None)


def status_lookup():
    """Look a case up by number and query code. A wrong code and an unknown number read the same."""
    case_no = request.form.get("case_no", "").strip().upper()[:32]
    query_code = request.form.get("query_code", "").strip().upper()[:32]
    if not case_numbers.is_valid_case_no(case_no):
        message = _("办件编号格式不正确：应为17位，前16位为数字，最后一位为数字或字母X，请核对后重新输入。")
        return render_template("portal/status.html", case_no=case_no, case=None, message=message), 400
    case = queries.case_by_number(db.session, case_no, query_code)
    if case is None:
        message = _("办件编号与查询码不匹配，未能查询到办件信息。请核对回执上的办件编号和查询码。")
        return render_template("portal/status.html", case_no=case_no, case=None, message=message), 404
    return render_template("portal/status.html", case_no=case_no, case=case, message=None,
                           timeline=case_pages.status_timeline(db.session, case),
                           clock=case_pages.clock_view(db.session, case))


def verify_document(code: str):
    """Anyone holding a document checks it by the code under its QR code: number, kind, date, item and
    the masked holder. An unknown code is 404; a revoked document says so (410)."""
    found = notices.verify(db.session, code[:MAX_CODE_LENGTH])
    if found is None:
        return render_template("portal/verify.html", found=None), 404
    return render_template("portal/verify.html", found=found), (200 if found.valid else 410)

"""Opening a document: the printable page and the PDF, for whoever may view its case."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, render_template, url_for
from flask_login import login_required

from engine import notices
from engine.models import Case, Document
from engine.notices import files, qr
from engine.permissions import may_view_case

from .. import downloads
from ..access import signed_in
from ..extensions import db, engine_db


@login_required
def show(document_id: int):
    """The same content as the PDF, as a page that prints on A4 (print stylesheet in app.css)."""
    document = _visible(document_id)
    address = verify_url(document)
    side, path = qr.svg_path(address)
    return render_template("documents/show.html", document=document, content=document.content,
                           verify_url=address, qr_side=side, qr_path=path)


@login_required
def pdf(document_id: int):
    document = _visible(document_id)
    path = files.pdf_file(engine_db(), document.id, Path(current_app.config["ONEWINDOW_DOCUMENTS_DIR"]),
                          verify_url(document))
    return downloads.send_path(path, f"{document.number}.pdf", "application/pdf", inline=True)


def case_documents(case: Case) -> list[Document]:
    """The documents of a case the current page already shows (its viewer was checked by that page)."""
    return notices.documents_of(db.session, case.id)


def verify_url(document: Document) -> str:
    """The public verification address printed on the document: ONEWINDOW_PUBLIC_URL when set, else
    the address this request came in on."""
    base = current_app.config.get("ONEWINDOW_PUBLIC_URL")
    if base:
        return base + url_for("portal.verify", code=document.verify_code)
    return url_for("portal.verify", code=document.verify_code, _external=True)


def _visible(document_id: int) -> Document:
    """The document if the signed-in person may view its case; 404 otherwise (existence is not revealed)."""
    document = db.session.get(Document, document_id)
    if document is None or not may_view_case(db.session, signed_in(), document.case):
        abort(404)
    return document

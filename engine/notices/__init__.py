"""Numbered written documents of a case: notices, decisions and certificates (DOMAIN.md "Notices and
results"), generated from the case data and never typed twice.

- `kinds`: which status issues which document, and the mark in its number.
- `numbering`: gap-free numbers per department, year and kind, drawn in the action's transaction.
- `content`: what each document says, stored on the document so it can always be rebuilt.
- `issuing`: `on_status`, called by `engine.progress.set_status` for every status change, and `issue`
  for documents no status calls for (an extension notice).
- `fonts`, `qr`, `pdf`, `files`: the PDF with an embedded Chinese font and a verification QR code,
  rendered on first download and cached.
- `verification`: the public check of a document by its random code.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from ..models import Document
from .issuing import issue, on_status
from .kinds import KINDS, DocumentKind
from .verification import Verification, verify

__all__ = ["KINDS", "DocumentKind", "Verification", "documents_of", "issue", "on_status", "verify"]


def documents_of(session: Session, case_id: int) -> list[Document]:
    """The case's documents in issuing order (without their content, for lists)."""
    query = (select(Document).options(defer(Document.content)).where(Document.case_id == case_id)
             .order_by(Document.issued_at, Document.id))
    return list(session.scalars(query))

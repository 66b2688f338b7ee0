"""Public verification of a document by the random code printed beside its QR code."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..identifiers import mask_name
from ..models import Document
from . import kinds

_CODE = re.compile(r"^[A-Za-z0-9_-]{16,32}$")


@dataclass(frozen=True)
class Verification:
    """What anyone holding the paper may check: nothing personal beyond the masked name."""

    number: str
    kind: str
    kind_title: str
    title: str
    issued_on: date
    item_name: str
    issuer: str
    holder: str  # masked (张*, 珠********司)
    revoked_at: datetime | None

    @property
    def valid(self) -> bool:
        return self.revoked_at is None


def verify(session: Session, code: str) -> Verification | None:
    """The document with this verification code, or None (an unknown and a malformed code read the same)."""
    if not code or not _CODE.match(code):
        return None
    document = session.scalar(select(Document).where(Document.verify_code == code))
    if document is None:
        return None
    content = document.content
    kind = kinds.KINDS.get(document.kind)
    return Verification(
        number=document.number, kind=document.kind, kind_title=kind.title if kind else document.kind,
        title=document.title, issued_on=document.issued_at.astimezone(clock.TZ).date(),
        item_name=content.get("item_name", ""), issuer=content.get("issuer", ""),
        holder=mask_name(content.get("applicant", "")), revoked_at=document.revoked_at)

"""Issuing documents when a case changes status, inside the transaction of the action that changed it.

`engine.progress.set_status` calls `on_status` after every status change. The documents, their numbers
and the `document_issued` audit events commit with the action or not at all.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, clock, versions
from ..models import Case, Department, Document, HumanTask
from ..status import CaseStatus
from . import content, kinds, numbering

# Whose decision a document records: the pre-review for acceptance, supplement and refusal, the
# approval (else the last review) for the conclusions.
DECIDING_STEPS = {
    CaseStatus.ACCEPTED: ("pre_review",), CaseStatus.SUPPLEMENT_REQUESTED: ("pre_review",),
    CaseStatus.REFUSED: ("pre_review",), CaseStatus.APPROVED: ("approve", "review"),
    CaseStatus.APPROVED_TOLERATED: ("approve", "review"), CaseStatus.DENIED: ("approve", "review"),
}
VERIFY_CODE_BYTES = 16  # 22 URL-safe characters: not enumerable


def on_status(session: Session, case: Case, status: int, actor=None, opinion: str | None = None,
              detail: dict | None = None) -> list[Document]:
    """Issue the documents `status` calls for (kinds.BY_STATUS); revoking a case revokes its licence."""
    if status == CaseStatus.REVOKED:
        _revoke_with_case(session, case, actor)
        return []
    version = versions.content(session, case.item_version_id)
    wanted = kinds.kinds_for(status, version.guide) if not version.guide.get("internal") else []
    if not wanted:  # internal processes (a rectification) issue no documents to the public
        return []
    with session.no_autoflush:  # the case row is written once, at commit
        wanted = [kind for kind in wanted if not (kind.once and _has_valid(session, case, kind))]
        return _issue(session, case, wanted, version, status, actor, opinion, detail or {}) if wanted else []


def issue(session: Session, case: Case, kind_code: str, actor=None, opinion: str | None = None,
          detail: dict | None = None) -> Document | None:
    """Issue one document that no status change calls for (e.g. an extension notice); None if a document of
    a once-only kind is already there."""
    kind = kinds.KINDS[kind_code]
    with session.no_autoflush:
        if kind.once and _has_valid(session, case, kind):
            return None
        issued = _issue(session, case, [kind], versions.content(session, case.item_version_id), None, actor,
                        opinion, detail or {})
    return issued[0]


def _issue(session, case, wanted, version, status, actor, opinion, detail) -> list[Document]:
    now = clock.now()
    year = now.astimezone(clock.TZ).year
    prefix = version.guide.get("notice_prefix") or version.guide.get("short_name") or version.item_name
    seqs = {kind.code: numbering.draw(session, case.department_id, year, kind.code) for kind in wanted}
    numbers = {code: numbering.format_number(prefix, kinds.KINDS[code].mark, year, seq) for code, seq in seqs.items()}
    source = content.Source(
        case=case, guide=version.guide, item_name=version.item_name, issuer=_issuer(session, case, version.guide),
        issued_at=now, task=_deciding_task(session, case, status), opinion=opinion, detail=detail,
        application_schema=version.form_schema(version.application_form) or {}, numbers=numbers)
    issued = []
    for kind in wanted:
        number = numbers[kind.code]
        title = kinds.title_of(kind, version.guide)
        document = Document(case=case, kind=kind.code, number=number, department_id=case.department_id, year=year,
                            seq=seqs[kind.code], title=title, content=content.build(kind, number, source),
                            verify_code=secrets.token_urlsafe(VERIFY_CODE_BYTES), issued_at=now,
                            issued_by_id=actor.id if actor is not None else None)
        session.add(document)
        audit.record(session, "document_issued", case=case, actor=actor, department_code=version.department_code,
                     detail={"kind": kind.code, "number": number, "name": f"{title} {number}"})
        issued.append(document)
    return issued


def _has_valid(session: Session, case: Case, kind: kinds.DocumentKind) -> bool:
    """Whether the case already holds an unrevoked document of this kind (this transaction's included)."""
    if any(isinstance(obj, Document) and obj.case is case and obj.kind == kind.code for obj in session.new):
        return True
    if case.id is None:
        return False
    return session.scalar(select(Document.id).where(Document.case_id == case.id, Document.kind == kind.code,
                                                    Document.revoked_at.is_(None)).limit(1)) is not None


def _deciding_task(session: Session, case: Case, status: int) -> HumanTask | None:
    """The latest finished task of the deciding step. Rows are compared in memory: the task finished in
    this very action is not flushed yet."""
    steps = DECIDING_STEPS.get(status, ())
    if case.id is None or not steps:
        return None
    rows = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.case_step.in_(steps)))
    done = [row for row in rows if row.state == "done" and row.completed_at is not None]
    for step in steps:
        candidates = [row for row in done if row.case_step == step]
        if candidates:
            return max(candidates, key=lambda row: (row.completed_at, row.id))
    return None


def _issuer(session: Session, case: Case, guide: dict) -> str:
    return guide.get("implementing_body") or session.get(Department, case.department_id).name


def _revoke_with_case(session: Session, case: Case, actor) -> None:
    now = clock.now()
    rows = session.scalars(select(Document).where(Document.case_id == case.id, Document.revoked_at.is_(None),
                                                  Document.kind.in_(kinds.REVOKED_WITH_CASE)))
    for document in rows:
        document.revoked_at = now
        audit.record(session, "document_revoked", case=case, actor=actor,
                     detail={"kind": document.kind, "number": document.number,
                             "name": f"{document.title} {document.number}"})

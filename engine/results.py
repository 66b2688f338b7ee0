"""Result publication (办理结果公示): concluded cases as the public may see them.

Read from `case_file` through the partial index `ix_case_concluded` (status 11/12/13, newest first). The
applicant is masked by engine.masking; identity numbers, query codes and the application never leave here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import status
from .masking import public_applicant
from .models import Case, Item

CONCLUDED = (status.CaseStatus.APPROVED, status.CaseStatus.APPROVED_TOLERATED, status.CaseStatus.DENIED)
PAGE_SIZE = 20


@dataclass(frozen=True)
class PublishedResult:
    case_no: str
    item_code: str
    item_name: str
    applicant: str      # masked: 张** / the company's name
    status: int
    result: str         # 准予许可 / 不予许可
    concluded_at: datetime


@dataclass(frozen=True)
class ResultPage:
    results: list[PublishedResult]
    page: int
    pages: int
    total: int


def result_label(code: int) -> str:
    return status.label(code)


def published_results(session: Session, page: int = 1, size: int = PAGE_SIZE) -> ResultPage:
    """One page of concluded cases, newest conclusion first, internal processes left out."""
    where = (Case.status.in_([int(s) for s in CONCLUDED]), Case.channel != "internal")
    total = session.scalar(select(func.count()).select_from(Case).where(*where)) or 0
    rows = session.execute(
        select(Case.case_no, Item.code, Item.name, Case.applicant_name, Case.applicant_type, Case.status,
               Case.concluded_at, Case.received_at)
        .join(Item, Item.id == Case.item_id).where(*where)
        .order_by(Case.concluded_at.desc(), Case.id.desc()).limit(size).offset((max(page, 1) - 1) * size)).all()
    results = [PublishedResult(no, code, name, public_applicant(applicant, kind), code_, result_label(code_),
                               concluded or received)
               for no, code, name, applicant, kind, code_, concluded, received in rows]
    return ResultPage(results, page, max(1, -(-total // size)), total)

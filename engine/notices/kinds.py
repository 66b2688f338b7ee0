"""The kinds of numbered documents, the case statuses that issue them, and their number marks.

A document number reads `<item notice_prefix><mark>〔<year>〕<seq:04d>号`, e.g. 斗建施受〔2026〕0001号.
The one-character mark tells the series apart within one department and year:

| kind               | title            | mark | issued when the case reaches          |
|--------------------|------------------|------|---------------------------------------|
| acceptance_notice  | 受理通知书       | 受   | 3 accepted                            |
| supplement_notice  | 补正告知书       | 补   | 6 supplement requested                |
| refusal_decision   | 不予受理决定书   | 不   | 5 refused with written decision       |
| approval_decision  | 准予许可决定书   | 许   | 11 / 12 approved                      |
| certificate        | (the result name)| 证   | 11 / 12 approved, result type 证照    |
| denial_decision    | 不予许可决定书   | 驳   | 13 denied                             |
| special_notice     | 特别程序告知书   | 特   | 9 special procedure started           |
| extension_notice   | 延期告知书       | 延   | (no status: an approved extension)    |
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _
from ..status import CaseStatus


@dataclass(frozen=True)
class DocumentKind:
    code: str
    title: str
    mark: str
    once: bool  # at most one valid document of this kind per case (a second supplement round is legal)


ACCEPTANCE = DocumentKind("acceptance_notice", _("受理通知书"), "受", True)
SUPPLEMENT = DocumentKind("supplement_notice", _("补正告知书"), "补", False)
REFUSAL = DocumentKind("refusal_decision", _("不予受理决定书"), "不", True)
APPROVAL = DocumentKind("approval_decision", _("准予许可决定书"), "许", True)
CERTIFICATE = DocumentKind("certificate", _("证照"), "证", True)
DENIAL = DocumentKind("denial_decision", _("不予许可决定书"), "驳", True)
SPECIAL = DocumentKind("special_notice", _("特别程序告知书"), "特", False)
EXTENSION = DocumentKind("extension_notice", _("延期告知书"), "延", True)

KINDS = {kind.code: kind for kind in (ACCEPTANCE, SUPPLEMENT, REFUSAL, APPROVAL, CERTIFICATE, DENIAL, SPECIAL,
                                      EXTENSION)}

# What each status issues; a certificate joins the approval when the item's result is a licence (证照).
BY_STATUS = {
    CaseStatus.ACCEPTED: (ACCEPTANCE,),
    CaseStatus.SUPPLEMENT_REQUESTED: (SUPPLEMENT,),
    CaseStatus.REFUSED: (REFUSAL,),
    CaseStatus.APPROVED: (APPROVAL,),
    CaseStatus.APPROVED_TOLERATED: (APPROVAL,),
    CaseStatus.DENIED: (DENIAL,),
    CaseStatus.SPECIAL_STARTED: (SPECIAL,),
}
LICENCE_RESULT = "证照"

# Revoking a case (status 15) revokes what granted the licence.
REVOKED_WITH_CASE = frozenset({APPROVAL.code, CERTIFICATE.code})


def kinds_for(status: int, guide: dict) -> tuple[DocumentKind, ...]:
    """The documents a case reaching `status` gets, in issuing order."""
    kinds = BY_STATUS.get(status, ())
    if kinds == (APPROVAL,) and (guide.get("result") or {}).get("type") == LICENCE_RESULT:
        return (APPROVAL, CERTIFICATE)
    return kinds


def title_of(kind: DocumentKind, guide: dict) -> str:
    """The printed title: the certificate carries the item's result name (建筑工程施工许可证)."""
    if kind is CERTIFICATE:
        return (guide.get("result") or {}).get("name") or kind.title
    return kind.title

"""Case status codes of the national data exchange for engineering approvals (DOMAIN.md).

The one place that knows the numbers, their labels and which are paused, concluded or still running.
Users and downstream systems know these numbers: never renumber them.
"""
from __future__ import annotations

from enum import IntEnum

from .i18n import _


class CaseStatus(IntEnum):
    RECEIVED = 1                 # 已接件
    WITHDRAWN_BEFORE_ACCEPT = 2  # 已撤件
    ACCEPTED = 3                 # 窗口受理
    NOT_ACCEPTED = 4             # 不受理
    REFUSED = 5                  # 不予受理 (written decision)
    SUPPLEMENT_REQUESTED = 6     # 补正开始
    SUPPLEMENT_RECEIVED = 7      # 补正结束
    HANDLING = 8                 # 部门受理 / 开始办理
    SPECIAL_STARTED = 9          # 特别程序开始
    SPECIAL_ENDED = 10           # 特别程序结束
    APPROVED = 11                # 办结·通过
    APPROVED_TOLERATED = 12      # 办结·容缺通过
    DENIED = 13                  # 办结·不通过
    WITHDRAWN = 14               # 撤回
    REVOKED = 15                 # 撤销

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    CaseStatus.RECEIVED: _("已接件"),
    CaseStatus.WITHDRAWN_BEFORE_ACCEPT: _("已撤件"),
    CaseStatus.ACCEPTED: _("窗口受理"),
    CaseStatus.NOT_ACCEPTED: _("不受理"),
    CaseStatus.REFUSED: _("不予受理"),
    CaseStatus.SUPPLEMENT_REQUESTED: _("补正中"),
    CaseStatus.SUPPLEMENT_RECEIVED: _("补正已提交"),
    CaseStatus.HANDLING: _("部门办理中"),
    CaseStatus.SPECIAL_STARTED: _("特别程序中"),
    CaseStatus.SPECIAL_ENDED: _("特别程序结束"),
    CaseStatus.APPROVED: _("办结（通过）"),
    CaseStatus.APPROVED_TOLERATED: _("办结（容缺通过）"),
    CaseStatus.DENIED: _("办结（不予许可）"),
    CaseStatus.WITHDRAWN: _("已撤回"),
    CaseStatus.REVOKED: _("已撤销"),
}

# No further handling happens in these states.
FINAL = frozenset({CaseStatus.WITHDRAWN_BEFORE_ACCEPT, CaseStatus.NOT_ACCEPTED, CaseStatus.REFUSED,
                   CaseStatus.APPROVED, CaseStatus.APPROVED_TOLERATED, CaseStatus.DENIED, CaseStatus.WITHDRAWN,
                   CaseStatus.REVOKED})
CONCLUDED = frozenset({CaseStatus.APPROVED, CaseStatus.APPROVED_TOLERATED, CaseStatus.DENIED})
# The legal clock stands still while the applicant supplements or a special procedure runs.
PAUSED = frozenset({CaseStatus.SUPPLEMENT_REQUESTED, CaseStatus.SPECIAL_STARTED})
# Accepted and not finished: the legal clock is running or paused.
IN_PROGRESS = frozenset({CaseStatus.ACCEPTED, CaseStatus.SUPPLEMENT_RECEIVED, CaseStatus.HANDLING,
                         CaseStatus.SPECIAL_STARTED, CaseStatus.SPECIAL_ENDED})

# End event ids (prefix match) name the outcome of a finished process (docs/bundle-format.md).
END_EVENT_OUTCOMES = (
    ("end_approved_tolerated", CaseStatus.APPROVED_TOLERATED),
    ("end_approved", CaseStatus.APPROVED),
    ("end_denied", CaseStatus.DENIED),
    ("end_refused", CaseStatus.REFUSED),
    ("end_not_accepted", CaseStatus.NOT_ACCEPTED),
    ("end_withdrawn", CaseStatus.WITHDRAWN),
)

# What a pre-review decision does to the case.
PRE_REVIEW_DECISIONS = {
    "accept": CaseStatus.ACCEPTED,
    "supplement": CaseStatus.SUPPLEMENT_REQUESTED,
    "refuse": CaseStatus.REFUSED,
    "not_accept": CaseStatus.NOT_ACCEPTED,
}


def outcome_of_end_event(bpmn_id: str) -> CaseStatus:
    """The conclusion a finished process means, from its end event's id; approval when unnamed."""
    for prefix, status in END_EVENT_OUTCOMES:
        if bpmn_id == prefix or bpmn_id.startswith(prefix + "_"):
            return status
    return CaseStatus.APPROVED


def label(code: int) -> str:
    try:
        return CaseStatus(code).label
    except ValueError:
        return str(code)

"""The cases an applicant or agent sees in 我的办件: their own applications, never the centre's internal
processes (a bad review's rectification is a case of its own, with channel `internal`, that belongs to the
same applicant so that they can rate it, but it is not an application of theirs)."""
from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import defer

from .models import Case, User

INTERNAL_CHANNEL = "internal"


def cases_of(user: User) -> Select:
    """A select of the person's cases (as applicant or as the agent who applied), newest first, without their
    application data and without internal cases. Paginate it, or add filters, as the page needs."""
    return (select(Case).options(defer(Case.application))
            .where(or_(Case.applicant_id == user.id, Case.agent_id == user.id), Case.channel != INTERNAL_CHANNEL)
            .order_by(Case.received_at.desc(), Case.id.desc()))

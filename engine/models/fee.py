"""Fees charged on a case, copied from the item's fee standards when the case is accepted."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .case import Case
from .organisation import User


class FeeCharge(Base):
    """One fee of one case. The amount comes from the item definition; nobody edits it afterwards."""

    __tablename__ = "fee_charge"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    payment: Mapped[str] = mapped_column(String(16))  # bank / window / ticket (Zhoushan's three ways)
    finance_code: Mapped[str | None] = mapped_column(String(64))
    waivable: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="due")  # due / paid / waived
    receipt_no: Mapped[str | None] = mapped_column(String(64))
    paid_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    waiver_reason: Mapped[str | None] = mapped_column(Text)
    settled_at: Mapped[datetime | None]  # a ticket fee's book paid into the finance account (拉票结算)
    settlement_receipt_no: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]

    case: Mapped[Case] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_fee_case", "case_id"), Index("ix_fee_status_payment", "status", "payment"))

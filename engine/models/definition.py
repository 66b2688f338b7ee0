"""Item definition work in progress: a draft bundle an analyst edits in the browser before publishing."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ItemDraft(Base):
    """One draft per item: the item file's YAML text, the main diagram's XML, the diagrams it calls and the
    forms (key -> {"schema", "ui"}). Publishing turns it into an immutable ItemVersion; the draft stays."""

    __tablename__ = "item_draft"
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    stem: Mapped[str] = mapped_column(String(100))
    item_yaml: Mapped[str] = mapped_column(Text)
    bpmn_xml: Mapped[str] = mapped_column(Text)
    diagrams: Mapped[dict]  # other diagram files the main one calls: file name -> XML
    forms: Mapped[dict]
    based_on_version_id: Mapped[int | None] = mapped_column(ForeignKey("item_version.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]

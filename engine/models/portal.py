"""What the public portal publishes besides items: articles (news, notices, policies, regulations) and the
public's consultations, complaints and suggestions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .item import Item
from .organisation import Department, User

PUBLISHED = "status = 'published'"
PUBLIC_ANSWER = "is_public AND answered_at IS NOT NULL"


class Article(Base):
    """A piece of portal content. `body` is HTML already sanitized by engine.content (a small safe list)."""

    __tablename__ = "article"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # news / notice / policy / regulation
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft / published
    published_at: Mapped[datetime | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    department: Mapped[Department | None] = relationship()
    author: Mapped[User | None] = relationship()

    # The list of one kind, newest first: only published rows are in the index.
    __table_args__ = (Index("ix_article_published", "kind", "published_at", "id",
                            postgresql_where=text(PUBLISHED), sqlite_where=text(PUBLISHED)),)


class Inquiry(Base):
    """A consultation (咨询), complaint (投诉) or suggestion (建议) from anyone, kept by its reference number.

    Consultations and suggestions go received → answered → closed; complaints (GB/T 36113) go received →
    investigating → resolved → replied → archived. `contact_key` is the contact as compared at lookup."""

    __tablename__ = "inquiry"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # consultation / complaint / suggestion
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(200))
    contact_key: Mapped[str] = mapped_column(String(200))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="received")
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    is_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    item: Mapped[Item | None] = relationship()
    department: Mapped[Department | None] = relationship()
    answered_by: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_inquiry_status", "kind", "status", "created_at"),
        # The public list of answered consultations.
        Index("ix_inquiry_public", "kind", "answered_at", "id", postgresql_where=text(PUBLIC_ANSWER),
              sqlite_where=text(PUBLIC_ANSWER)),
    )


class ItemFacet(Base):
    """What the catalogue is browsed by besides department and level: an item's themes (主题) and audiences
    (自然人 / 法人), one row each, written when the item is deployed (engine.catalogue)."""

    __tablename__ = "item_facet"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    facet: Mapped[str] = mapped_column(String(16))  # theme / audience
    value: Mapped[str] = mapped_column(String(100))

    __table_args__ = (UniqueConstraint("item_id", "facet", "value", name="uq_item_facet"),
                      Index("ix_item_facet_value", "facet", "value", "item_id"))

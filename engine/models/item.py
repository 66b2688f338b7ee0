"""Approval items, their immutable published versions, and process specs stored once per hash."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .organisation import Department


class ProcessSpec(Base):
    """Serialized SpiffWorkflow specs of one bundle content, shared by every case of every version using it."""

    __tablename__ = "process_spec"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)  # JSON: {"spec": ..., "subprocess_specs": ...}
    created_at: Mapped[datetime]


class Item(Base):
    """An approval item (事项) as the catalogue shows it; the content lives in its versions."""

    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    item_type: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    case_kind: Mapped[str] = mapped_column(String(16))
    current_version_id: Mapped[int | None] = mapped_column(ForeignKey("item_version.id", use_alter=True))
    retired_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(Text, default="")
    # An internal item (`internal: true`, e.g. the rectification of a bad review) runs on the engine like any
    # other but is never offered to the public: not in the catalogue, not applicable online or at the window.
    internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    department: Mapped[Department] = relationship()
    current_version: Mapped[ItemVersion | None] = relationship(foreign_keys=[current_version_id], post_update=True)


class ItemVersion(Base):
    """One published, immutable content of an item. Running cases stay on the version they started on."""

    __tablename__ = "item_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    version_no: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    spec_hash: Mapped[str] = mapped_column(ForeignKey("process_spec.hash"))
    process_id: Mapped[str] = mapped_column(String(200))
    stem: Mapped[str] = mapped_column(String(100))
    application_form: Mapped[str] = mapped_column(String(200))  # resolved key into `forms`
    guide: Mapped[dict]  # the item file's content: guide, limits, fees, materials
    forms: Mapped[dict]  # form key -> {"schema": ..., "ui": ...}
    user_tasks: Mapped[dict]  # bpmn id -> {name, form, group, step_limit_days, case_step, result_variable}
    diagrams: Mapped[dict]  # file name -> BPMN XML as deployed (for the viewer and exports)
    published_at: Mapped[datetime]
    published_by: Mapped[str | None] = mapped_column(String(64))

    item: Mapped[Item] = relationship(foreign_keys=[item_id])
    __table_args__ = (
        UniqueConstraint("item_id", "version_no", name="uq_item_version_no"),
        UniqueConstraint("item_id", "content_hash", name="uq_item_version_hash"),
        Index("ix_item_version_spec", "spec_hash"),
    )


class CaseVersionMove(Base):
    """A running case moved from one version of its item to a newer one (engine.version_migration); the
    audit trail has the same move as `version_moved`."""

    __tablename__ = "case_version_move"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    from_version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id"))
    to_version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id"), index=True)
    moved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    moved_at: Mapped[datetime]
    detail: Mapped[dict]  # the open steps as they were re-linked: [{task, name, group}]

"""Applicants' materials (申请材料): the files they upload, and which of them a case holds for which material."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base
from .organisation import User


class StoredFile(Base):
    """One uploaded file. The bytes live under the uploads dir at `path` (a random name, never the user's);
    `public_id` is what URLs, drafts and forms carry. `deleted_at` takes it out of its owner's library
    (材料库) only: a case it is attached to keeps it."""

    __tablename__ = "stored_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    name: Mapped[str] = mapped_column(String(200))  # the original file name, cleaned for display
    label: Mapped[str | None] = mapped_column(String(100))  # what it is, e.g. the material it was uploaded for
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(64))  # detected from the content, never taken from the upload
    path: Mapped[str] = mapped_column(String(100))  # relative to the uploads dir: yyyy/mm/<random hex>
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]

    owner: Mapped[User] = relationship()

    __table_args__ = (Index("ix_stored_file_owner", "owner_id", "created_at"),)


class CaseMaterial(Base):
    """A file given for one material of a case. Round 1 is the submission, each supplement answer that
    changes a material adds a round; a material's current files are those of its latest round."""

    __tablename__ = "case_material"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    material_id: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    round: Mapped[int]
    position: Mapped[int]  # order within the material's round, as the applicant chose
    attached_at: Mapped[datetime]
    attached_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    file: Mapped[StoredFile] = relationship()

    __table_args__ = (Index("ix_case_material_case", "case_id", "material_id", "round"),
                      Index("ix_case_material_file", "file_id"))

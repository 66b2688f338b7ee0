"""Applicants' materials: uploaded files (the personal library, 材料库) and the files each case holds per material.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from engine.models.base import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("label", sa.String(100), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("mime", sa.String(64), nullable=False),
        sa.Column("path", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("public_id", name="uq_stored_file_public_id"),
    )
    op.create_index("ix_stored_file_owner", "stored_file", ["owner_id", "created_at"])
    op.create_table(
        "case_material",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False),
        sa.Column("material_id", sa.String(64), nullable=False),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("stored_file.id"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("attached_at", UTCDateTime(), nullable=False),
        sa.Column("attached_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
    )
    op.create_index("ix_case_material_case", "case_material", ["case_id", "material_id", "round"])
    op.create_index("ix_case_material_file", "case_material", ["file_id"])


def downgrade() -> None:
    op.drop_index("ix_case_material_file", "case_material")
    op.drop_index("ix_case_material_case", "case_material")
    op.drop_table("case_material")
    op.drop_index("ix_stored_file_owner", "stored_file")
    op.drop_table("stored_file")

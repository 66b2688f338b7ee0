"""Applying without losing work: application drafts saved as the applicant types, and the revisions of a
case's application that supplements make.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from engine.models.base import JSONType, UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OPEN_DRAFT = "case_id IS NULL"


def upgrade() -> None:
    op.create_table(
        "application_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("item.id"), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("on_behalf", JSONType, nullable=True),
        sa.Column("materials", JSONType, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case_file.id", ondelete="SET NULL"), nullable=True),
        sa.Column("consumed_at", UTCDateTime(), nullable=True),
    )
    op.create_index("uq_draft_open", "application_draft", ["user_id", "item_id"], unique=True,
                    postgresql_where=sa.text(OPEN_DRAFT), sqlite_where=sa.text(OPEN_DRAFT))
    op.create_index("ix_draft_user", "application_draft", ["user_id", "updated_at"])
    op.create_table(
        "application_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("changed", JSONType, nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("task_id", sa.Integer(), sa.ForeignKey("human_task.id"), nullable=True),
        sa.UniqueConstraint("case_id", "round", name="uq_application_revision_case_round"),
    )


def downgrade() -> None:
    op.drop_table("application_revision")
    op.drop_index("ix_draft_user", "application_draft")
    op.drop_index("uq_draft_open", "application_draft")
    op.drop_table("application_draft")

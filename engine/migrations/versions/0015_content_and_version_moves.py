"""Running cases moved to a newer version of their item (one row a move). Portal articles gain the
`withdrawn` state and the `faq` kind without a schema change.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

from engine.models.base import JSONType, UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_version_move",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False),
        sa.Column("from_version_id", sa.Integer(), sa.ForeignKey("item_version.id"), nullable=False),
        sa.Column("to_version_id", sa.Integer(), sa.ForeignKey("item_version.id"), nullable=False),
        sa.Column("moved_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("moved_at", UTCDateTime(), nullable=False),
        sa.Column("detail", JSONType, nullable=False),
    )
    op.create_index("ix_case_version_move_case_id", "case_version_move", ["case_id"])
    op.create_index("ix_case_version_move_to_version_id", "case_version_move", ["to_version_id"])


def downgrade() -> None:
    op.drop_table("case_version_move")

"""Item definition in the browser: one draft bundle per item.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from engine.models.base import JSONType, UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_draft",
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("item.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("stem", sa.String(100), nullable=False),
        sa.Column("item_yaml", sa.Text(), nullable=False),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column("diagrams", JSONType, nullable=False),
        sa.Column("forms", JSONType, nullable=False),
        sa.Column("based_on_version_id", sa.Integer(), sa.ForeignKey("item_version.id"), nullable=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("item_draft")

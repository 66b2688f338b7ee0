"""Case handling at the workbench: saved inbox filters, absence substitution, special procedures, extensions,
the promise date of a tolerated acceptance (容缺受理), and the batch settlement of ticket fees.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

from engine.models.base import JSONType, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _user(column: str, nullable: bool = False, cascade: bool = False) -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE" if cascade else None,
                                                         name=None), nullable=nullable)


def _case() -> sa.Column:
    return sa.Column("case_id", sa.Integer(), sa.ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("case_file") as batch:
        batch.add_column(sa.Column("tolerated_due_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("fee_charge") as batch:
        batch.add_column(sa.Column("settled_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("settlement_receipt_no", sa.String(64), nullable=True))
    op.create_table(
        "saved_filter",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user("user_id", cascade=True),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("query", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_filter_user_name"),
    )
    op.create_table(
        "substitution",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user("user_id", cascade=True),
        _user("substitute_id", cascade=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_substitution_substitute", "substitution", ["substitute_id", "ends_on"])
    op.create_index("ix_substitution_user", "substitution", ["user_id", "ends_on"])
    op.create_table(
        "special_procedure",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("limit_days", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        _user("started_by_id"),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        _user("ended_by_id", nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
    )
    op.create_index("ix_special_procedure_case", "special_procedure", ["case_id", "started_at"])
    op.create_table(
        "extension",
        sa.Column("id", sa.Integer(), primary_key=True),
        _case(),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        _user("requested_by_id"),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        _user("decided_by_id", nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
    )
    op.create_index("ix_extension_case", "extension", ["case_id"])
    op.create_index("ix_extension_state", "extension", ["state", "requested_at"])


def downgrade() -> None:
    for table in ("extension", "special_procedure", "substitution", "saved_filter"):
        op.drop_table(table)
    with op.batch_alter_table("case_file") as batch:
        batch.drop_column("tolerated_due_at")
    with op.batch_alter_table("fee_charge") as batch:
        batch.drop_column("settlement_receipt_no")
        batch.drop_column("settled_at")

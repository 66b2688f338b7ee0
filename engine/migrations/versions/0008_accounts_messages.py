"""Applicant accounts (registration details, login throttling, one account per ID), messages and their
e-mail / SMS outbox, evaluations (好差评) with their rectification, and internal items.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from engine.models.base import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

APPLICANT_ID = "kind = 'applicant' AND id_number IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("address", sa.String(300), nullable=True))
        batch.add_column(sa.Column("legal_representative", sa.String(100), nullable=True))
        batch.add_column(sa.Column("contact_name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False, server_default=sa.text("0")))
        batch.add_column(sa.Column("locked_until", UTCDateTime(), nullable=True))
    op.create_index("uq_user_applicant_id_number", "user_account", ["id_number"], unique=True,
                    postgresql_where=sa.text(APPLICANT_ID), sqlite_where=sa.text(APPLICANT_ID))
    with op.batch_alter_table("item") as batch:
        batch.add_column(sa.Column("internal", sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case_file.id", ondelete="CASCADE"), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_message_user", "message", ["user_id", "created_at", "id"])
    op.create_index("ix_message_unread", "message", ["user_id"], postgresql_where=sa.text("read_at IS NULL"),
                    sqlite_where=sa.text("read_at IS NULL"))
    op.create_table(
        "message_delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.Integer(), sa.ForeignKey("message.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_message_delivery_message_id", "message_delivery", ["message_id"])
    op.create_index("ix_delivery_due", "message_delivery", ["next_attempt_at"],
                    postgresql_where=sa.text("state = 'pending'"), sqlite_where=sa.text("state = 'pending'"))
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case_file.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=False),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("item.id"), nullable=False),
        *[sa.Column(name, sa.SmallInteger(), nullable=False)
          for name in ("level", "overall", "efficiency", "guide_accuracy", "convenience", "usability")],
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("is_bad", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("rectification_state", sa.String(12), nullable=False),
        sa.Column("rectification_case_id", sa.Integer(), sa.ForeignKey("case_file.id"), nullable=True),
        sa.Column("rectification_due_at", UTCDateTime(), nullable=True),
        sa.Column("rectified_at", UTCDateTime(), nullable=True),
        sa.Column("rectification_rating", sa.Text(), nullable=True),
        sa.UniqueConstraint("case_id", name="uq_evaluation_case_id"),
    )
    op.create_index("ix_evaluation_department", "evaluation", ["department_id", "created_at"])
    op.create_index("ix_evaluation_item", "evaluation", ["item_id", "created_at"])
    op.create_index("ix_evaluation_bad", "evaluation", ["created_at"], postgresql_where=sa.text("is_bad"),
                    sqlite_where=sa.text("is_bad"))
    op.create_index("ix_evaluation_rectification_case", "evaluation", ["rectification_case_id"])


def downgrade() -> None:
    for table in ("evaluation", "message_delivery", "message"):
        op.drop_table(table)
    with op.batch_alter_table("item") as batch:
        batch.drop_column("internal")
    op.drop_index("uq_user_applicant_id_number", "user_account")
    with op.batch_alter_table("user_account") as batch:
        for column in ("locked_until", "failed_logins", "contact_name", "legal_representative", "address"):
            batch.drop_column(column)

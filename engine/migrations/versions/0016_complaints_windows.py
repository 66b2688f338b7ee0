"""Complaint stages with handlers and due times, the complaint history, the window a case was received at
(and a clerk's remembered window), and the index of bad reviews by department and rectification state.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

from engine.models.base import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OPEN_STAGE = "completed_at IS NULL"
BAD = "is_bad"


def _user(column: str) -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True)


def _inquiry() -> sa.Column:
    return sa.Column("inquiry_id", sa.Integer(), sa.ForeignKey("inquiry.id", ondelete="CASCADE"),
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "complaint_stage",
        sa.Column("id", sa.Integer(), primary_key=True),
        _inquiry(),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=True),
        _user("handler_id"),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("limit_days", sa.Integer(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        _user("completed_by_id"),
    )
    op.create_index("ix_complaint_stage_inquiry", "complaint_stage", ["inquiry_id", "started_at"])
    op.create_index("ix_complaint_stage_due", "complaint_stage", ["due_at", "id"],
                    postgresql_where=sa.text(OPEN_STAGE), sqlite_where=sa.text(OPEN_STAGE))
    op.create_index("ix_complaint_stage_handler", "complaint_stage", ["handler_id", "due_at"],
                    postgresql_where=sa.text(OPEN_STAGE), sqlite_where=sa.text(OPEN_STAGE))
    op.create_table(
        "complaint_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        _inquiry(),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        _user("actor_id"),
        _user("handler_id"),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_complaint_event_inquiry", "complaint_event", ["inquiry_id", "created_at", "id"])
    op.add_column("case_file", sa.Column("window", sa.String(100), nullable=True))
    op.add_column("user_account", sa.Column("window", sa.String(100), nullable=True))
    op.create_index("ix_evaluation_bad_state", "evaluation",
                    ["department_id", "rectification_state", "created_at"],
                    postgresql_where=sa.text(BAD), sqlite_where=sa.text(BAD))


def downgrade() -> None:
    op.drop_index("ix_evaluation_bad_state", "evaluation")
    # A plain DROP COLUMN (SQLite ≥ 3.35 has it): batch mode would re-create these tables, which other
    # tables' foreign keys reference, and SQLite refuses to drop them with foreign keys on.
    op.drop_column("user_account", "window")
    op.drop_column("case_file", "window")
    op.drop_index("ix_complaint_event_inquiry", "complaint_event")
    op.drop_table("complaint_event")
    op.drop_index("ix_complaint_stage_handler", "complaint_stage")
    op.drop_index("ix_complaint_stage_due", "complaint_stage")
    op.drop_index("ix_complaint_stage_inquiry", "complaint_stage")
    op.drop_table("complaint_stage")

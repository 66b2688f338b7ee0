"""Supervision (电子监察): yellow / red cards, urging (催办), the step a boundary timer belongs to, and the
indexes the overdue-timers desk reads (open steps and open cases by due time).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from engine.models.base import UTCDateTime
from engine.models.case import OPEN_CASE_DUE, OPEN_STEP_DUE
from engine.models.supervision import UNACKNOWLEDGED

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _fk(column: str, target: str, nullable: bool = True, ondelete: str | None = None) -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("case_timer") as batch:
        batch.add_column(sa.Column("task_uuid", sa.String(36), nullable=True))
    op.create_index("ix_task_open_due", "human_task", ["due_at"], postgresql_where=sa.text(OPEN_STEP_DUE),
                    sqlite_where=sa.text(OPEN_STEP_DUE))
    op.create_index("ix_case_open_due", "case_file", ["promised_due_at"], postgresql_where=sa.text(OPEN_CASE_DUE),
                    sqlite_where=sa.text(OPEN_CASE_DUE))
    op.create_table(
        "supervision_card",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("case_id", "case_file.id", nullable=False, ondelete="CASCADE"),
        _fk("task_id", "human_task.id", ondelete="CASCADE"),
        sa.Column("colour", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        _fk("department_id", "department.id"),
        _fk("handler_id", "user_account.id"),
        sa.Column("group_code", sa.String(64), nullable=True),
        _fk("reassigned_task_id", "human_task.id", ondelete="SET NULL"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        _fk("acknowledged_by_id", "user_account.id"),
    )
    op.create_index("ix_card_case", "supervision_card", ["case_id", "created_at"])
    op.create_index("ix_card_colour", "supervision_card", ["colour", "created_at"])
    for name, column in (("ix_card_open_handler", "handler_id"), ("ix_card_open_department", "department_id"),
                         ("ix_card_open_group", "group_code")):
        op.create_index(name, "supervision_card", [column], postgresql_where=sa.text(UNACKNOWLEDGED),
                        sqlite_where=sa.text(UNACKNOWLEDGED))
    op.create_table(
        "urge",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("case_id", "case_file.id", nullable=False, ondelete="CASCADE"),
        _fk("task_id", "human_task.id", nullable=False, ondelete="CASCADE"),
        _fk("urged_by_id", "user_account.id", nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        _fk("answered_by_id", "user_account.id"),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_urge_task", "urge", ["task_id", "created_at"])
    op.create_index("ix_urge_case", "urge", ["case_id", "created_at"])


def downgrade() -> None:
    op.drop_table("urge")
    op.drop_table("supervision_card")
    op.drop_index("ix_case_open_due", "case_file")
    op.drop_index("ix_task_open_due", "human_task")
    with op.batch_alter_table("case_timer") as batch:
        batch.drop_column("task_uuid")

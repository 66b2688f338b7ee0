"""Copy the case fields the inbox filters and sorts on onto open tasks, and read filtered pages from two
covering partial indexes of the unclaimed queue and a widened claimed-tasks index (engine/models/case.py, docs/workbench.md).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from engine.models.base import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

QUEUE = "state = 'open' AND assignee_id IS NULL"
CLAIMED = "state = 'open' AND assignee_id IS NOT NULL"
COPIES = ("case_due_at", "case_item_id", "case_status", "case_warning", "case_applicant", "state", "assignee_id")
FROM_CASE = {"case_item_id": "item_id", "case_status": "status", "case_warning": "warning_level",
             "case_due_at": "promised_due_at", "case_applicant": "applicant_name"}


def upgrade() -> None:
    op.add_column("human_task", sa.Column("case_item_id", sa.Integer(), nullable=True))
    op.add_column("human_task", sa.Column("case_status", sa.Integer(), nullable=True))
    op.add_column("human_task", sa.Column("case_warning", sa.String(8), nullable=True))
    op.add_column("human_task", sa.Column("case_due_at", UTCDateTime(), nullable=True))
    op.add_column("human_task", sa.Column("case_applicant", sa.String(200), nullable=True))
    _backfill_open_tasks()
    op.drop_index("ix_task_queue", table_name="human_task")
    op.create_index("ix_task_queue", "human_task", ["group_code", "created_at", "id", *COPIES],
                    postgresql_where=sa.text(QUEUE), sqlite_where=sa.text(QUEUE))
    op.create_index("ix_task_queue_due", "human_task", ["group_code", "case_due_at", "created_at", "id", *COPIES[1:]],
                    postgresql_where=sa.text(QUEUE), sqlite_where=sa.text(QUEUE))
    op.drop_index("ix_task_open_assignee", table_name="human_task")
    op.create_index("ix_task_open_assignee", "human_task", ["assignee_id", "created_at", "id", *COPIES[:-1]],
                    postgresql_where=sa.text(CLAIMED), sqlite_where=sa.text(CLAIMED))


def _backfill_open_tasks() -> None:
    """Every open task of an upgraded installation takes its case's current values, in one statement."""
    if op.get_bind().dialect.name == "postgresql":
        sets = ", ".join(f"{task} = c.{case}" for task, case in FROM_CASE.items())
        op.execute(f"UPDATE human_task SET {sets} FROM case_file AS c "
                   f"WHERE c.id = human_task.case_id AND human_task.state = 'open'")
    else:  # correlated subqueries: UPDATE ... FROM needs SQLite 3.33
        sets = ", ".join(f"{task} = (SELECT c.{case} FROM case_file AS c WHERE c.id = human_task.case_id)"
                         for task, case in FROM_CASE.items())
        op.execute(f"UPDATE human_task SET {sets} WHERE state = 'open'")


def downgrade() -> None:
    op.drop_index("ix_task_open_assignee", table_name="human_task")
    op.create_index("ix_task_open_assignee", "human_task", ["assignee_id", "created_at", "id"],
                    postgresql_where=sa.text(CLAIMED), sqlite_where=sa.text(CLAIMED))
    op.drop_index("ix_task_queue_due", table_name="human_task")
    op.drop_index("ix_task_queue", table_name="human_task")
    op.create_index("ix_task_queue", "human_task", ["group_code", "created_at", "id"],
                    postgresql_where=sa.text(QUEUE), sqlite_where=sa.text(QUEUE))
    with op.batch_alter_table("human_task") as batch:
        for column in ("case_applicant", "case_due_at", "case_warning", "case_status", "case_item_id"):
            batch.drop_column(column)

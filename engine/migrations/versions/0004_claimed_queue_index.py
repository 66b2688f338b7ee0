"""Restrict the claimed-tasks index to claimed tasks, so the unclaimed queue always uses its own index.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OPEN = "state = 'open'"
CLAIMED = "state = 'open' AND assignee_id IS NOT NULL"


def upgrade() -> None:
    op.drop_index("ix_task_open_assignee", table_name="human_task")
    op.create_index("ix_task_open_assignee", "human_task", ["assignee_id", "created_at", "id"],
                    postgresql_where=sa.text(CLAIMED), sqlite_where=sa.text(CLAIMED))


def downgrade() -> None:
    op.drop_index("ix_task_open_assignee", table_name="human_task")
    op.create_index("ix_task_open_assignee", "human_task", ["assignee_id", "created_at", "id"],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))

"""Index the two queues of an inbox separately (unclaimed in a group; claimed by a person).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

QUEUE = "state = 'open' AND assignee_id IS NULL"
OPEN = "state = 'open'"


def upgrade() -> None:
    op.drop_index("ix_task_open_group", table_name="human_task")
    op.drop_index("ix_task_open_assignee", table_name="human_task")
    op.create_index("ix_task_queue", "human_task", ["group_code", "created_at", "id"],
                    postgresql_where=sa.text(QUEUE), sqlite_where=sa.text(QUEUE))
    op.create_index("ix_task_open_assignee", "human_task", ["assignee_id", "created_at", "id"],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index("ix_task_open_assignee", table_name="human_task")
    op.drop_index("ix_task_queue", table_name="human_task")
    op.create_index("ix_task_open_assignee", "human_task", ["assignee_id", "created_at"],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    op.create_index("ix_task_open_group", "human_task", ["group_code", "created_at"],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))

"""Index open cases and open steps with a limit by warning level, in due order, for the desk's red and
yellow lists and the dashboard's counts.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""
from alembic import op
import sqlalchemy as sa

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

OPEN_CASE_DUE = "promised_due_at IS NOT NULL AND status NOT IN (2, 4, 5, 11, 12, 13, 14, 15)"
OPEN_STEP_DUE = "state = 'open' AND due_at IS NOT NULL"


def upgrade() -> None:
    op.create_index("ix_case_open_due_warning", "case_file",
                    ["warning_level", "promised_due_at", "department_id", "status"],
                    postgresql_where=sa.text(OPEN_CASE_DUE), sqlite_where=sa.text(OPEN_CASE_DUE))
    op.create_index("ix_task_open_due_warning", "human_task",
                    ["case_warning", "due_at", "department_id", "group_code", "state"],
                    postgresql_where=sa.text(OPEN_STEP_DUE), sqlite_where=sa.text(OPEN_STEP_DUE))


def downgrade() -> None:
    op.drop_index("ix_task_open_due_warning", table_name="human_task")
    op.drop_index("ix_case_open_due_warning", table_name="case_file")

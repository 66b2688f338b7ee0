"""Sessions held on the server (`login_session`: logout and password changes end them), the mark on staff who
must change the password an administrator gave them, and no more per-account login lock (the web app slows
guessing per address and per address + account instead, so nobody can lock someone else out).

Revision ID: 0017_sessions
Revises: 0016
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

from engine.models.base import UTCDateTime

revision = "0017_sessions"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_session",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_login_session_user_id", "login_session", ["user_id"])
    op.create_index("ix_login_session_created_at", "login_session", ["created_at"])
    # Plain ADD / DROP COLUMN (SQLite ≥ 3.35): batch mode would re-create user_account, which many tables'
    # foreign keys reference.
    op.add_column("user_account", sa.Column("password_change_required", sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    op.drop_column("user_account", "locked_until")
    op.drop_column("user_account", "failed_logins")


def downgrade() -> None:
    op.add_column("user_account", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.add_column("user_account", sa.Column("locked_until", UTCDateTime(), nullable=True))
    op.drop_column("user_account", "password_change_required")
    op.drop_index("ix_login_session_created_at", "login_session")
    op.drop_index("ix_login_session_user_id", "login_session")
    op.drop_table("login_session")

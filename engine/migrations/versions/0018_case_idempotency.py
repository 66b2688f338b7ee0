"""The Idempotency-Key an API submission was made with, kept on its case: owner (client:<id> / user:<id>),
key and request fingerprint, unique per owner and key, so a retry finds its case even after the key's
record was purged (24 hours) and two concurrent duplicates cannot both commit a case.

Also widens the key record's owner to 64 characters: an anonymous owner is `ip:<address>`, and an IPv6
address is up to 45. (PostgreSQL enforces VARCHAR lengths.)

Revision ID: 0018_case_idempotency
Revises: 0017_sessions
Create Date: 2026-12-09
"""
from alembic import op
import sqlalchemy as sa

revision = "0018_case_idempotency"
down_revision = "0017_sessions"
branch_labels = None
depends_on = None

IDEMPOTENT = "idempotency_key IS NOT NULL"


def upgrade() -> None:
    # Plain ADD COLUMN (nullable, so SQLite needs no batch copy of case_file).
    op.add_column("case_file", sa.Column("idempotency_owner", sa.String(64), nullable=True))
    op.add_column("case_file", sa.Column("idempotency_key", sa.String(200), nullable=True))
    op.add_column("case_file", sa.Column("idempotency_hash", sa.String(64), nullable=True))
    op.create_index("uq_case_idempotency", "case_file", ["idempotency_owner", "idempotency_key"], unique=True,
                    postgresql_where=sa.text(IDEMPOTENT), sqlite_where=sa.text(IDEMPOTENT))
    with op.batch_alter_table("idempotency_record") as batch:
        batch.alter_column("owner", type_=sa.String(64), existing_type=sa.String(40), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("idempotency_record") as batch:
        batch.alter_column("owner", type_=sa.String(40), existing_type=sa.String(64), existing_nullable=False)
    op.drop_index("uq_case_idempotency", "case_file")
    op.drop_column("case_file", "idempotency_hash")
    op.drop_column("case_file", "idempotency_key")
    op.drop_column("case_file", "idempotency_owner")

"""Numbered documents (notices, decisions, certificates) and the fees of a case

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import engine.models.base
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_counter',
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_document_counter_department_id_department')),
    sa.PrimaryKeyConstraint('department_id', 'year', 'kind', name=op.f('pk_document_counter'))
    )
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('verify_code', sa.String(length=32), nullable=False),
    sa.Column('pdf_path', sa.String(length=300), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('issued_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_document_case_id_case_file')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_document_department_id_department')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_document_issued_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('department_id', 'year', 'kind', 'seq', name='uq_document_series_seq'),
    sa.UniqueConstraint('number', name=op.f('uq_document_number')),
    sa.UniqueConstraint('verify_code', name=op.f('uq_document_verify_code'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_case', ['case_id'], unique=False)

    op.create_table('fee_charge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('payment', sa.String(length=16), nullable=False),
    sa.Column('finance_code', sa.String(length=64), nullable=True),
    sa.Column('waivable', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('receipt_no', sa.String(length=64), nullable=True),
    sa.Column('paid_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('waiver_reason', sa.Text(), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_fee_charge_case_id_case_file')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_fee_charge_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_charge'))
    )
    with op.batch_alter_table('fee_charge', schema=None) as batch_op:
        batch_op.create_index('ix_fee_case', ['case_id'], unique=False)
        batch_op.create_index('ix_fee_status_payment', ['status', 'payment'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('fee_charge', schema=None) as batch_op:
        batch_op.drop_index('ix_fee_status_payment')
        batch_op.drop_index('ix_fee_case')

    op.drop_table('fee_charge')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_case')

    op.drop_table('document')
    op.drop_table('document_counter')

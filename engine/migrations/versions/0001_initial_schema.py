"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa
import engine.models.base
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('calendar_day',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('updated_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day'))
    )
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('windows', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['department.id'], name=op.f('fk_department_parent_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('code', name=op.f('uq_department_code'))
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_parent_id'), ['parent_id'], unique=False)

    op.create_table('process_spec',
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('hash', name=op.f('pk_process_spec'))
    )
    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('item_type', sa.String(length=16), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('case_kind', sa.String(length=16), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.Column('retired_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_item_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item')),
    sa.UniqueConstraint('code', name=op.f('uq_item_code'))
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_department_id'), ['department_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('applicant_type', sa.String(length=8), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_user_account_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_account_department_id'), ['department_id'], unique=False)

    op.create_table('work_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_work_group_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_group')),
    sa.UniqueConstraint('code', name=op.f('uq_work_group_code'))
    )
    with op.batch_alter_table('work_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_group_department_id'), ['department_id'], unique=False)

    op.create_table('group_member',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['work_group.id'], name=op.f('fk_group_member_group_id_work_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_group_member_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_group_member'))
    )
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.create_index('ix_group_member_user', ['user_id'], unique=False)

    op.create_table('item_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('spec_hash', sa.String(length=64), nullable=False),
    sa.Column('process_id', sa.String(length=200), nullable=False),
    sa.Column('stem', sa.String(length=100), nullable=False),
    sa.Column('application_form', sa.String(length=200), nullable=False),
    sa.Column('guide', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('forms', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('user_tasks', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('diagrams', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('published_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_version_item_id_item')),
    sa.ForeignKeyConstraint(['spec_hash'], ['process_spec.hash'], name=op.f('fk_item_version_spec_hash_process_spec')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_version')),
    sa.UniqueConstraint('item_id', 'content_hash', name='uq_item_version_hash'),
    sa.UniqueConstraint('item_id', 'version_no', name='uq_item_version_no')
    )
    with op.batch_alter_table('item_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_version_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_item_version_spec', ['spec_hash'], unique=False)

    op.create_table('user_role',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_role_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_role'))
    )
    op.create_table('case_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_no', sa.String(length=24), nullable=False),
    sa.Column('query_code_hash', sa.String(length=64), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('item_version_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('applicant_name', sa.String(length=200), nullable=False),
    sa.Column('applicant_type', sa.String(length=8), nullable=False),
    sa.Column('applicant_id_number', sa.String(length=18), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('application', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('received_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('concluded_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('promised_due_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('statutory_due_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('supplement_due_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paused_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pause_reason', sa.String(length=32), nullable=True),
    sa.Column('paused_workdays', sa.Integer(), nullable=False),
    sa.Column('warning_level', sa.String(length=8), nullable=False),
    sa.Column('next_wake_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('fault', sa.Text(), nullable=True),
    sa.Column('updated_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['user_account.id'], name=op.f('fk_case_file_agent_id_user_account')),
    sa.ForeignKeyConstraint(['applicant_id'], ['user_account.id'], name=op.f('fk_case_file_applicant_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_case_file_department_id_department')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_case_file_item_id_item')),
    sa.ForeignKeyConstraint(['item_version_id'], ['item_version.id'], name=op.f('fk_case_file_item_version_id_item_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_file')),
    sa.UniqueConstraint('case_no', name=op.f('uq_case_file_case_no'))
    )
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index('ix_case_applicant', ['applicant_id', 'received_at'], unique=False)
        batch_op.create_index('ix_case_department_status', ['department_id', 'status'], unique=False)
        batch_op.create_index('ix_case_status', ['status'], unique=False)
        batch_op.create_index('ix_case_wake', ['next_wake_at'], unique=False, postgresql_where=sa.text('next_wake_at IS NOT NULL'), sqlite_where=sa.text('next_wake_at IS NOT NULL'))
        batch_op.create_index('ix_case_warning', ['warning_level', 'status'], unique=False)

    op.create_table('audit_event',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('case_no', sa.String(length=24), nullable=True),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('department_code', sa.String(length=64), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=100), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_audit_event_case_id_case_file')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_case', ['case_id', 'seq'], unique=False)

    op.create_table('case_timer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('due_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_timer_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_timer'))
    )
    with op.batch_alter_table('case_timer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_timer_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_timer_due_at'), ['due_at'], unique=False)

    op.create_table('case_workflow',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('spec_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('updated_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_workflow_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['spec_hash'], ['process_spec.hash'], name=op.f('fk_case_workflow_spec_hash_process_spec')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_workflow'))
    )
    op.create_table('human_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('task_uuid', sa.String(length=36), nullable=False),
    sa.Column('bpmn_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('group_code', sa.String(length=64), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('form_key', sa.String(length=200), nullable=True),
    sa.Column('case_step', sa.String(length=32), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=32), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=True),
    sa.Column('submission', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_human_task_assignee_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_human_task_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['completed_by_id'], ['user_account.id'], name=op.f('fk_human_task_completed_by_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_human_task_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_human_task')),
    sa.UniqueConstraint('task_uuid', name=op.f('uq_human_task_task_uuid'))
    )
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_task_case', ['case_id'], unique=False)
        batch_op.create_index('ix_task_done_by', ['completed_by_id', 'completed_at'], unique=False)
        batch_op.create_index('ix_task_open_assignee', ['assignee_id', 'created_at'], unique=False, postgresql_where=sa.text("state = 'open'"), sqlite_where=sa.text("state = 'open'"))
        batch_op.create_index('ix_task_open_group', ['group_code', 'created_at'], unique=False, postgresql_where=sa.text("state = 'open'"), sqlite_where=sa.text("state = 'open'"))


    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot add a constraint to an existing table
        op.create_foreign_key("fk_item_current_version_id_item_version", "item", "item_version",
                              ["current_version_id"], ["id"])
    op.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '%s')" % ("0" * 64))
    _make_audit_append_only()


AUDIT_TABLES = ("audit_event", "audit_head")


def _make_audit_append_only() -> None:
    """The audit trail is append-only: the database itself refuses UPDATE and DELETE of its rows.

    The head row may only move forward (its seq grows), never be rewritten to hide a cut."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                   "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")
        op.execute("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                   "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")
        op.execute("CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN NEW.seq <= OLD.seq "
                   "BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END")
        op.execute("CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
                   "BEGIN SELECT RAISE(ABORT, 'audit_head cannot be deleted'); END")
        return
    op.execute("""
        CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_TABLE_NAME = 'audit_head' AND TG_OP = 'UPDATE' AND NEW.seq > OLD.seq THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
        END $$""")
    for table in AUDIT_TABLES:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()")



def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("audit_event_no_update", "audit_event_no_delete", "audit_head_forward", "audit_head_no_delete"):
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP FUNCTION audit_refuse_change() CASCADE")
        op.drop_constraint("fk_item_current_version_id_item_version", "item", type_="foreignkey")
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_task_open_group', postgresql_where=sa.text("state = 'open'"), sqlite_where=sa.text("state = 'open'"))
        batch_op.drop_index('ix_task_open_assignee', postgresql_where=sa.text("state = 'open'"), sqlite_where=sa.text("state = 'open'"))
        batch_op.drop_index('ix_task_done_by')
        batch_op.drop_index('ix_task_case')

    op.drop_table('human_task')
    op.drop_table('case_workflow')
    with op.batch_alter_table('case_timer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_timer_due_at'))
        batch_op.drop_index(batch_op.f('ix_case_timer_case_id'))

    op.drop_table('case_timer')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_case')

    op.drop_table('audit_event')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_warning')
        batch_op.drop_index('ix_case_wake', postgresql_where=sa.text('next_wake_at IS NOT NULL'), sqlite_where=sa.text('next_wake_at IS NOT NULL'))
        batch_op.drop_index('ix_case_status')
        batch_op.drop_index('ix_case_department_status')
        batch_op.drop_index('ix_case_applicant')

    op.drop_table('case_file')
    op.drop_table('user_role')
    with op.batch_alter_table('item_version', schema=None) as batch_op:
        batch_op.drop_index('ix_item_version_spec')
        batch_op.drop_index(batch_op.f('ix_item_version_item_id'))

    op.drop_table('item_version')
    with op.batch_alter_table('group_member', schema=None) as batch_op:
        batch_op.drop_index('ix_group_member_user')

    op.drop_table('group_member')
    with op.batch_alter_table('work_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_group_department_id'))

    op.drop_table('work_group')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_department_id'))

    op.drop_table('user_account')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_department_id'))

    op.drop_table('item')
    op.drop_table('process_spec')
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_parent_id'))

    op.drop_table('department')
    op.drop_table('calendar_day')
    op.drop_table('audit_head')

"""The public portal: articles, inquiries (consultations, complaints, suggestions), and case indexes for the
most-requested items and the result publication.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

from engine.models.base import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

PUBLISHED = "status = 'published'"
PUBLIC_ANSWER = "is_public AND answered_at IS NOT NULL"
CONCLUDED = "status IN (11, 12, 13)"


def upgrade() -> None:
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_article_published", "article", ["kind", "published_at", "id"],
                    postgresql_where=sa.text(PUBLISHED), sqlite_where=sa.text(PUBLISHED))
    op.create_table(
        "inquiry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("contact_key", sa.String(200), nullable=False),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("item.id"), nullable=True),
        sa.Column("department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("is_public", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("reference", name="uq_inquiry_reference"),
    )
    op.create_index("ix_inquiry_department_id", "inquiry", ["department_id"])
    op.create_index("ix_inquiry_status", "inquiry", ["kind", "status", "created_at"])
    op.create_index("ix_inquiry_public", "inquiry", ["kind", "answered_at", "id"],
                    postgresql_where=sa.text(PUBLIC_ANSWER), sqlite_where=sa.text(PUBLIC_ANSWER))
    op.create_table(
        "item_facet",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("item.id", ondelete="CASCADE"), nullable=False),
        sa.Column("facet", sa.String(16), nullable=False),
        sa.Column("value", sa.String(100), nullable=False),
        sa.UniqueConstraint("item_id", "facet", "value", name="uq_item_facet"),
    )
    op.create_index("ix_item_facet_value", "item_facet", ["facet", "value", "item_id"])
    _backfill_items()
    op.create_index("ix_case_item", "case_file", ["item_id"])
    op.create_index("ix_case_concluded", "case_file", ["concluded_at", "id"],
                    postgresql_where=sa.text(CONCLUDED), sqlite_where=sa.text(CONCLUDED))


def _backfill_items() -> None:
    """Items deployed before this revision: their browse facets, and pinyin in their search text (a later
    `onewindow load-items` rewrites both the same way)."""
    from engine.catalogue import AUDIENCES, _pinyin_words

    bind = op.get_bind()
    item = sa.table("item", sa.column("id", sa.Integer), sa.column("name", sa.String),
                    sa.column("search_text", sa.Text), sa.column("current_version_id", sa.Integer),
                    sa.column("department_id", sa.Integer))
    version = sa.table("item_version", sa.column("id", sa.Integer), sa.column("guide", sa.JSON))
    department = sa.table("department", sa.column("id", sa.Integer), sa.column("name", sa.String))
    facet = sa.table("item_facet", sa.column("item_id", sa.Integer), sa.column("facet", sa.String),
                     sa.column("value", sa.String))
    rows = bind.execute(sa.select(item.c.id, item.c.search_text, version.c.guide, department.c.name)
                        .join(version, version.c.id == item.c.current_version_id)
                        .join(department, department.c.id == item.c.department_id)).all()
    for item_id, search_text, guide, dept_name in rows:
        guide = guide if isinstance(guide, dict) else {}
        values = {("theme", t[:100]) for t in guide.get("themes") or [] if isinstance(t, str) and t}
        values |= {("audience", AUDIENCES[o]) for o in guide.get("service_objects") or [] if o in AUDIENCES}
        if values:
            bind.execute(facet.insert(), [{"item_id": item_id, "facet": f, "value": v} for f, v in sorted(values)])
        words = [w for w in (guide.get("name"), guide.get("short_name"), dept_name) if isinstance(w, str) and w]
        extra = " ".join(_pinyin_words(words))
        if extra:
            bind.execute(item.update().where(item.c.id == item_id).values(search_text=f"{search_text or ''} {extra}"))


def downgrade() -> None:
    op.drop_index("ix_case_concluded", "case_file")
    op.drop_index("ix_case_item", "case_file")
    op.drop_index("ix_item_facet_value", "item_facet")
    op.drop_table("item_facet")
    op.drop_index("ix_inquiry_public", "inquiry")
    op.drop_index("ix_inquiry_status", "inquiry")
    op.drop_index("ix_inquiry_department_id", "inquiry")
    op.drop_table("inquiry")
    op.drop_index("ix_article_published", "article")
    op.drop_table("article")

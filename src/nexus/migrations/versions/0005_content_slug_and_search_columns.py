"""content slug and search columns

Adds ``slug`` (unique, the seeder's stable key) and the stemmed ``title_terms`` /
``chapter_terms`` columns that let search rank in SQL. Existing rows are back-filled with the
application's own slug and index functions, so their search keeps working after the upgrade.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_items = sa.table(
    "content_items",
    sa.column("id", sa.Integer()),
    sa.column("slug", sa.String()),
    sa.column("title", sa.String()),
    sa.column("chapter", sa.String()),
    sa.column("summary", sa.String()),
    sa.column("body", sa.Text()),
    sa.column("search_terms", sa.Text()),
    sa.column("title_terms", sa.Text()),
    sa.column("chapter_terms", sa.Text()),
)


def _backfill() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            _items.c.id, _items.c.title, _items.c.chapter, _items.c.summary, _items.c.body
        ).order_by(_items.c.id)
    ).all()
    if not rows:
        return
    from nexus.content.search import index_columns
    from nexus.content.slugs import slugify, unique_slug

    taken: set[str] = set()
    for row in rows:
        slug = unique_slug(slugify(row.title), taken)
        taken.add(slug)
        columns = index_columns(row.title, row.chapter, row.summary or "", row.body)
        conn.execute(sa.update(_items).where(_items.c.id == row.id).values(slug=slug, **columns))


def upgrade() -> None:
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slug", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("title_terms", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("chapter_terms", sa.Text(), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_content_items_author_id"), ["author_id"], unique=False)

    # The back-fill computes each row's values in Python from the rows themselves: there is
    # nothing to write in the offline SQL (``--sql``, read by bin/migrations-lint).
    if not context.is_offline_mode():
        _backfill()

    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.alter_column("slug", existing_type=sa.String(length=120), nullable=False)
        for name in ("title_terms", "chapter_terms"):
            batch_op.alter_column(
                name, existing_type=sa.Text(), existing_nullable=False, server_default=None
            )
        batch_op.create_unique_constraint(batch_op.f("uq_content_items_slug"), ["slug"])


def downgrade() -> None:
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_content_items_slug"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_content_items_author_id"))
        batch_op.drop_column("chapter_terms")
        batch_op.drop_column("title_terms")
        batch_op.drop_column("slug")

"""content search vector

PostgreSQL only: ``content_items.search_vector``, a stored generated ``tsvector`` of the forms
the application already writes (``search_terms``, plus ``title_terms`` and ``chapter_terms``
prefixed with ``T`` and ``C``), and a GIN index on it, so the content search and ARIA's
retrieval look words up in the index instead of scanning every item with ``LIKE``
(``nexus.content.search._holds``). The lexemes are the application's own French forms (Snowball
stems, accents stripped), split as they are (``array_to_tsvector``, no text-search parser or
dictionary), so PostgreSQL matches exactly what SQLite's ``LIKE`` does. The column is not
mapped (``nexus.migrations.env`` leaves it out of the drift check): it is read in SQL only.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# " a b " → lexemes a, b; the title's and the chapter's with their prefix; NULL when empty.
VECTOR = (
    "array_to_tsvector(regexp_split_to_array(NULLIF(btrim("
    "search_terms"
    " || regexp_replace(title_terms, '([0-9a-z]+)', 'T\\1', 'g')"
    " || regexp_replace(chapter_terms, '([0-9a-z]+)', 'C\\1', 'g')"
    "), ''), '\\s+'))"
)


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE content_items ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    # Keep the vector in the row (MAIN) and move the long texts out of it (TOAST), so a search
    # that scores thousands of items reads a narrow heap: ~6 rows a page instead of ~1.5.
    op.execute("ALTER TABLE content_items ALTER COLUMN search_vector SET STORAGE MAIN")
    op.execute("ALTER TABLE content_items SET (toast_tuple_target = 128)")
    op.execute(
        "CREATE INDEX ix_content_items_search_vector ON content_items USING gin (search_vector)"
    )


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE content_items RESET (toast_tuple_target)")
    op.execute("DROP INDEX ix_content_items_search_vector")
    op.execute("ALTER TABLE content_items DROP COLUMN search_vector")

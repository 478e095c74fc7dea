"""content bank

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "lesson",
                "exercise",
                "revision_sheet",
                name="contentkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "subject",
            sa.Enum(
                "nsi",
                "mathematiques",
                "physique_chimie",
                "svt",
                "francais",
                "philosophie",
                name="subject",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "level",
            sa.Enum("seconde", "premiere", "terminale", name="level", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("chapter", sa.String(length=120), nullable=False),
        sa.Column("difficulty", sa.Integer(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("solution", sa.Text(), nullable=True),
        sa.Column("solution_published", sa.Boolean(), nullable=False),
        sa.Column("search_terms", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_content_items_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_items")),
    )
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_content_items_chapter"), ["chapter"], unique=False)
        batch_op.create_index(batch_op.f("ix_content_items_kind"), ["kind"], unique=False)
        batch_op.create_index("ix_content_items_subject_level", ["subject", "level"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("content_items", schema=None) as batch_op:
        batch_op.drop_index("ix_content_items_subject_level")
        batch_op.drop_index(batch_op.f("ix_content_items_kind"))
        batch_op.drop_index(batch_op.f("ix_content_items_chapter"))

    op.drop_table("content_items")

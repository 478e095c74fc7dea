"""aria safety

Flagged student messages (``aria_safety_flags``, a new table) and the family setting that lets
a parent read all of a minor child's ARIA conversations (``parent_links``: a boolean with a
constant default, added without a table rewrite).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aria_safety_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "self_harm",
                "violence",
                "sexual",
                "harassment",
                "personal_data",
                name="category",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "severity",
            sa.Enum("low", "medium", "high", name="severity", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "categories",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "screener",
            sa.Enum("openai", "lexicon", name="screener", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["aria_conversations.id"],
            name=op.f("fk_aria_safety_flags_conversation_id_aria_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["aria_messages.id"],
            name=op.f("fk_aria_safety_flags_message_id_aria_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_aria_safety_flags_student_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aria_safety_flags")),
    )
    with op.batch_alter_table("aria_safety_flags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_aria_safety_flags_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_aria_safety_flags_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            "ix_aria_safety_flags_student_created", ["student_id", "created_at"], unique=False
        )
    op.add_column(
        "parent_links",
        sa.Column(
            "reads_aria_conversations", sa.Boolean(), server_default=sa.true(), nullable=False
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("parent_links") as batch:
        batch.drop_column("reads_aria_conversations")
    op.drop_table("aria_safety_flags")

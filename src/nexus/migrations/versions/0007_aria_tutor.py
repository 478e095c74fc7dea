"""aria tutor

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aria_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_aria_conversations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aria_conversations")),
    )
    with op.batch_alter_table("aria_conversations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_aria_conversations_user_updated", ["user_id", "updated_at"], unique=False
        )

    op.create_table(
        "aria_study_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("exam_date", sa.Date(), nullable=True),
        sa.Column(
            "weeks",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "provider",
            sa.Enum("openai", "offline", name="providername", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_aria_study_plans_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_aria_study_plans_student_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aria_study_plans")),
    )
    with op.batch_alter_table("aria_study_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_aria_study_plans_created_by_id"), ["created_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_aria_study_plans_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "aria_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("user", "assistant", name="messagerole", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "provider",
            sa.Enum("openai", "offline", name="providername", native_enum=False, length=16),
            nullable=True,
        ),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("complete", "incomplete", name="messagestatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "citations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("usage_estimated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["aria_conversations.id"],
            name=op.f("fk_aria_messages_conversation_id_aria_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aria_messages")),
    )
    with op.batch_alter_table("aria_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_aria_messages_conversation_id"), ["conversation_id"], unique=False
        )

    op.create_table(
        "aria_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("chat", "hint", "study_plan", name="usagekind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column(
            "provider",
            sa.Enum("openai", "offline", name="providername", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["aria_messages.id"],
            name=op.f("fk_aria_usage_message_id_aria_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_aria_usage_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aria_usage")),
    )
    with op.batch_alter_table("aria_usage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aria_usage_day"), ["day"], unique=False)
        batch_op.create_index("ix_aria_usage_user_day", ["user_id", "day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("aria_usage", schema=None) as batch_op:
        batch_op.drop_index("ix_aria_usage_user_day")
        batch_op.drop_index(batch_op.f("ix_aria_usage_day"))

    op.drop_table("aria_usage")
    with op.batch_alter_table("aria_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aria_messages_conversation_id"))

    op.drop_table("aria_messages")
    with op.batch_alter_table("aria_study_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aria_study_plans_student_id"))
        batch_op.drop_index(batch_op.f("ix_aria_study_plans_created_by_id"))

    op.drop_table("aria_study_plans")
    with op.batch_alter_table("aria_conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_aria_conversations_user_updated")

    op.drop_table("aria_conversations")

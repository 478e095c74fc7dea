"""session series and academic zones

Weekly series of tutoring sessions (``session_series``; each session points at its series
through ``tutoring_sessions.series_id``) and the family's academic zone on the student profile.

Revision ID: 0017
Revises: 0026
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0017"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=1), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column(
            "skipped",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("zone IN ('A', 'B', 'C')", name=op.f("ck_session_series_zone_known")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_session_series_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["users.id"],
            name=op.f("fk_session_series_teacher_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_series")),
    )
    with op.batch_alter_table("session_series", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_series_teacher_id"), ["teacher_id"], unique=False
        )

    with op.batch_alter_table("tutoring_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_tutoring_sessions_series_id"), ["series_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_tutoring_sessions_series_id_session_series"),
            "session_series",
            ["series_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("student_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("academic_zone", sa.String(length=1), nullable=True))
        batch_op.create_check_constraint("academic_zone_known", "academic_zone IN ('A', 'B', 'C')")


def downgrade() -> None:
    with op.batch_alter_table("student_profiles", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_student_profiles_academic_zone_known"), type_="check"
        )
        batch_op.drop_column("academic_zone")

    with op.batch_alter_table("tutoring_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_tutoring_sessions_series_id_session_series"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_tutoring_sessions_series_id"))
        batch_op.drop_column("series_id")

    with op.batch_alter_table("session_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_series_teacher_id"))

    op.drop_table("session_series")

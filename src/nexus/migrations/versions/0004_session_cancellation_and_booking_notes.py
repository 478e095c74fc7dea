"""session cancellation and booking notes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("teacher_note", sa.Text(), server_default="", nullable=False))

    with op.batch_alter_table("tutoring_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "cancellation_reason", sa.String(length=300), server_default="", nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("tutoring_sessions", schema=None) as batch_op:
        batch_op.drop_column("cancellation_reason")
        batch_op.drop_column("cancelled_at")

    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_column("teacher_note")

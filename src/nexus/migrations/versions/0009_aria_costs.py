"""aria costs

The model that answered each ARIA request and what it cost (micro-euros, priced when
written), for the cost report and the monthly budget (nexus.aria.costs). Both columns are
added without a table rewrite: a nullable column, and an integer with a constant default.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("aria_usage", sa.Column("model", sa.String(length=64), nullable=True))
    op.add_column(
        "aria_usage",
        sa.Column("cost_micro_euros", sa.BigInteger(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("aria_usage") as batch:
        batch.drop_column("cost_micro_euros")
        batch.drop_column("model")

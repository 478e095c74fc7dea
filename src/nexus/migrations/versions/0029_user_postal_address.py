"""user postal address

``users.postal_address``: where the invoices, quotes and tax certificates of a parent (or an
adult student who pays) are made out to — a mandatory mention of an invoice (CGI annexe II
art. 242 nonies A). Copied onto each document at issue; empty until the user gives it.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("postal_address", sa.Text(), server_default="", nullable=False)
        )


def downgrade() -> None:
    # A plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35 has it): batch mode would copy and
    # drop ``users``, which every other table references (refused with foreign keys on).
    op.drop_column("users", "postal_address")

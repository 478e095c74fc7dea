"""safety flags: family involved

``aria_safety_flags.family_involved``: the student disclosed violence or sexual abuse naming
their family or home, so the parents are neither notified nor shown the conversation
(``nexus.aria.safety``). Existing flags were raised before the distinction: false.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("aria_safety_flags", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("family_involved", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("aria_safety_flags", schema=None) as batch_op:
        batch_op.drop_column("family_involved")

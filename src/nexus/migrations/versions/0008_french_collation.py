"""french collation

Creates ``nexus_fr``, the ICU collation the application sorts French text with
(``nexus.language.collation``). PostgreSQL only: SQLite gets a Python collation of the same name on
each connection. Fails here, at deploy time, on a server built without ICU, rather than at
the first sorted list.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("CREATE COLLATION IF NOT EXISTS nexus_fr (provider = icu, locale = 'fr')")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP COLLATION IF EXISTS nexus_fr")

"""session place and tax certificates

``tutoring_sessions.place`` (at_home | online | centre), backfilled: ``online`` where an
``online_url`` is set, else ``centre`` (every older session has a link or a room).
``billing_tax_certificates``: the attestations fiscales issued per family and civil year, with
their figures, the PDF and its SHA-256; immutable like invoices (triggers refuse UPDATE and
DELETE, on PostgreSQL and on SQLite).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

PLACES = ("at_home", "online", "centre")
REFUSAL = "issued tax certificates are immutable"


def upgrade() -> None:
    with op.batch_alter_table("tutoring_sessions") as batch:
        batch.add_column(
            sa.Column(
                "place",
                sa.Enum(*PLACES, name="sessionplace", native_enum=False, length=16),
                nullable=False,
                server_default="centre",
            )
        )
    op.execute("UPDATE tutoring_sessions SET place = 'online' WHERE online_url IS NOT NULL")
    op.create_table(
        "billing_tax_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column(
            "figures",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "amount_cents >= 0", name=op.f("ck_billing_tax_certificates_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["users.id"],
            name=op.f("fk_billing_tax_certificates_family_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_tax_certificates")),
        sa.UniqueConstraint("family_id", "year", name="uq_billing_tax_certificates_family_year"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION billing_refuse_certificate_change() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'restrict_violation'; END; "
            "$$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER billing_tax_certificates_immutable BEFORE UPDATE OR DELETE ON "
            "billing_tax_certificates FOR EACH ROW "
            "EXECUTE FUNCTION billing_refuse_certificate_change()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER billing_tax_certificates_no_{event.lower()} BEFORE {event} "
                f"ON billing_tax_certificates BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER billing_tax_certificates_immutable ON billing_tax_certificates")
        op.execute("DROP FUNCTION billing_refuse_certificate_change()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER billing_tax_certificates_no_{event}")
    op.drop_table("billing_tax_certificates")
    with op.batch_alter_table("tutoring_sessions") as batch:
        batch.drop_column("place")

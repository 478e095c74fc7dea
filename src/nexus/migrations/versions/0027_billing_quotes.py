"""billing quotes

``billing_quotes`` (devis, numbered ``D-YYYY-NNNNN`` by the ``billing_counters`` row of kind
``quote``), their lines, and ``billing_quote_decisions``: the family's answer, one row per
quote (``UNIQUE (quote_id)``). Quotes and their lines are immutable like invoices: triggers
refuse any UPDATE or DELETE, on PostgreSQL and on SQLite, as in 0015; a quote's status is its
decision row, or "expired" computed from ``valid_until``, so the quote row never changes.

Revision ID: 0027
Revises: 0024
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0024"
branch_labels = None
depends_on = None

IMMUTABLE_TABLES = ("billing_quotes", "billing_quote_lines", "billing_quote_decisions")
REFUSAL = "issued quotes and their decisions are immutable; issue a new quote"


def upgrade() -> None:
    op.create_table(
        "billing_quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("offer_id", sa.Integer(), nullable=True),
        sa.Column("buyer_name", sa.String(length=200), nullable=False),
        sa.Column("buyer_address", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("total_ht_cents", sa.Integer(), nullable=False),
        sa.Column("total_vat_cents", sa.Integer(), nullable=False),
        sa.Column("total_ttc_cents", sa.Integer(), nullable=False),
        sa.Column("eligible_cents", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("sequence >= 1", name=op.f("ck_billing_quotes_sequence_positive")),
        sa.CheckConstraint(
            "valid_until > issued_on", name=op.f("ck_billing_quotes_valid_after_issue")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_billing_quotes_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["users.id"],
            name=op.f("fk_billing_quotes_family_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_billing_quotes_offer_id_offers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["users.id"],
            name=op.f("fk_billing_quotes_student_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_quotes")),
        sa.UniqueConstraint("number", name=op.f("uq_billing_quotes_number")),
        sa.UniqueConstraint("year", "sequence", name="uq_billing_quotes_year_sequence"),
    )
    with op.batch_alter_table("billing_quotes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_billing_quotes_family_id"), ["family_id"], unique=False
        )

    op.create_table(
        "billing_quote_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("designation", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("quantity_hundredths", sa.Integer(), nullable=False),
        sa.Column("unit_price_ht_cents", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("total_ht_cents", sa.Integer(), nullable=False),
        sa.Column("total_vat_cents", sa.Integer(), nullable=False),
        sa.Column("total_ttc_cents", sa.Integer(), nullable=False),
        sa.Column("eligible_cents", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "eligible_cents >= 0", name=op.f("ck_billing_quote_lines_eligible_positive")
        ),
        sa.CheckConstraint(
            "quantity_hundredths > 0", name=op.f("ck_billing_quote_lines_quantity_positive")
        ),
        sa.CheckConstraint(
            "vat_rate_bp >= 0", name=op.f("ck_billing_quote_lines_vat_rate_positive")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["billing_quotes.id"],
            name=op.f("fk_billing_quote_lines_quote_id_billing_quotes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_quote_lines")),
        sa.UniqueConstraint("quote_id", "position", name="uq_billing_quote_lines_position"),
    )
    with op.batch_alter_table("billing_quote_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_billing_quote_lines_quote_id"), ["quote_id"], unique=False
        )

    op.create_table(
        "billing_quote_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("accepted", "declined", name="quotedecisionkind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("enrollment_id", sa.Integer(), nullable=True),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_billing_quote_decisions_decided_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_billing_quote_decisions_enrollment_id_enrollments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["billing_documents.id"],
            name=op.f("fk_billing_quote_decisions_invoice_id_billing_documents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["billing_quotes.id"],
            name=op.f("fk_billing_quote_decisions_quote_id_billing_quotes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_quote_decisions")),
        sa.UniqueConstraint("quote_id", name=op.f("uq_billing_quote_decisions_quote_id")),
    )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION billing_refuse_quote_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSAL} (%)', TG_TABLE_NAME "
            "USING ERRCODE = 'restrict_violation'; END; $$"
        )
        for table in IMMUTABLE_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION billing_refuse_quote_change()"
            )
        return
    for table in IMMUTABLE_TABLES:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_immutable_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in IMMUTABLE_TABLES:
            op.execute(f"DROP TRIGGER {table}_immutable ON {table}")
        op.execute("DROP FUNCTION billing_refuse_quote_change()")
    else:
        for table in IMMUTABLE_TABLES:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_immutable_{event}")
    op.drop_table("billing_quote_decisions")
    with op.batch_alter_table("billing_quote_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_quote_lines_quote_id"))
    op.drop_table("billing_quote_lines")
    with op.batch_alter_table("billing_quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_quotes_family_id"))
    op.drop_table("billing_quotes")

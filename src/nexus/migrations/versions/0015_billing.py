"""billing documents

Invoices and credit notes (``billing_documents``), their lines and the per-year counters that
number them without gaps. Every row of ``billing_documents`` and ``billing_document_lines`` is
an issued document: triggers refuse any UPDATE or DELETE of them, on PostgreSQL (a PL/pgSQL
function) and on SQLite (``RAISE(ABORT, ...)``), so immutability holds whatever the client.

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "billing_counters",
        sa.Column(
            "kind",
            sa.Enum("invoice", "credit_note", name="documentkind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "last_number >= 0", name=op.f("ck_billing_counters_last_number_positive")
        ),
        sa.PrimaryKeyConstraint("kind", "year", name=op.f("pk_billing_counters")),
    )
    op.create_table(
        "billing_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("invoice", "credit_note", name="documentkind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("credits_id", sa.Integer(), nullable=True),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("enrollment_id", sa.Integer(), nullable=True),
        sa.Column("buyer_name", sa.String(length=200), nullable=False),
        sa.Column("buyer_address", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("total_ht_cents", sa.Integer(), nullable=False),
        sa.Column("total_vat_cents", sa.Integer(), nullable=False),
        sa.Column("total_ttc_cents", sa.Integer(), nullable=False),
        sa.Column("eligible_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'credit_note') = (credits_id IS NOT NULL)",
            name=op.f("ck_billing_documents_credit_note_references"),
        ),
        sa.CheckConstraint("sequence >= 1", name=op.f("ck_billing_documents_sequence_positive")),
        sa.ForeignKeyConstraint(
            ["credits_id"],
            ["billing_documents.id"],
            name=op.f("fk_billing_documents_credits_id_billing_documents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["enrollment_id"],
            ["enrollments.id"],
            name=op.f("fk_billing_documents_enrollment_id_enrollments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["users.id"],
            name=op.f("fk_billing_documents_family_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_documents")),
        sa.UniqueConstraint(
            "kind", "year", "sequence", name="uq_billing_documents_kind_year_sequence"
        ),
        sa.UniqueConstraint("number", name=op.f("uq_billing_documents_number")),
    )
    with op.batch_alter_table("billing_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_billing_documents_credits_id"), ["credits_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_billing_documents_enrollment_id"), ["enrollment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_billing_documents_family_id"), ["family_id"], unique=False
        )

    op.create_table(
        "billing_document_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("designation", sa.String(length=300), nullable=False),
        sa.Column("quantity_hundredths", sa.Integer(), nullable=False),
        sa.Column("unit_price_ht_cents", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("total_ht_cents", sa.Integer(), nullable=False),
        sa.Column("total_vat_cents", sa.Integer(), nullable=False),
        sa.Column("total_ttc_cents", sa.Integer(), nullable=False),
        sa.Column("eligible_cents", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "eligible_cents >= 0", name=op.f("ck_billing_document_lines_eligible_positive")
        ),
        sa.CheckConstraint(
            "quantity_hundredths > 0", name=op.f("ck_billing_document_lines_quantity_positive")
        ),
        sa.CheckConstraint(
            "vat_rate_bp >= 0", name=op.f("ck_billing_document_lines_vat_rate_positive")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["billing_documents.id"],
            name=op.f("fk_billing_document_lines_document_id_billing_documents"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_document_lines")),
        sa.UniqueConstraint("document_id", "position", name="uq_billing_lines_position"),
    )
    with op.batch_alter_table("billing_document_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_billing_document_lines_document_id"), ["document_id"], unique=False
        )

    _create_immutability_triggers()


IMMUTABLE_TABLES = ("billing_documents", "billing_document_lines")
REFUSAL = "issued billing documents are immutable; correct them with a credit note"


def _create_immutability_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION billing_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSAL} (%)', TG_TABLE_NAME "
            "USING ERRCODE = 'restrict_violation'; END; $$"
        )
        for table in IMMUTABLE_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION billing_refuse_change()"
            )
        return
    for table in IMMUTABLE_TABLES:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_immutable_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )


def _drop_immutability_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in IMMUTABLE_TABLES:
            op.execute(f"DROP TRIGGER {table}_immutable ON {table}")
        op.execute("DROP FUNCTION billing_refuse_change()")
        return
    for table in IMMUTABLE_TABLES:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_immutable_{event}")


def downgrade() -> None:
    _drop_immutability_triggers()
    with op.batch_alter_table("billing_document_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_document_lines_document_id"))

    op.drop_table("billing_document_lines")
    with op.batch_alter_table("billing_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_documents_family_id"))
        batch_op.drop_index(batch_op.f("ix_billing_documents_enrollment_id"))
        batch_op.drop_index(batch_op.f("ix_billing_documents_credits_id"))

    op.drop_table("billing_documents")
    op.drop_table("billing_counters")

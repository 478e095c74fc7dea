"""billing payments

``billing_payments``: money received against invoices (partial payments allowed; a mistake is
undone by a negative reversal row naming it), immutable like the invoices: triggers refuse any
UPDATE or DELETE, on PostgreSQL and on SQLite, as in 0015. ``billing_reminders``: the overdue
reminders sent per invoice (kept apart, since the invoice row cannot be written).

Revision ID: 0024
Revises: 0016
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0016"
branch_labels = None
depends_on = None

METHODS = ("card", "transfer", "cheque", "cesu_prefinanced", "cash")
REFUSAL = "recorded payments are immutable; undo one with a reversal payment"


def upgrade() -> None:
    op.create_table(
        "billing_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(*METHODS, name="paymentmethod", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("provider", sa.String(length=40), nullable=True),
        sa.Column("provider_reference", sa.String(length=200), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(reverses_id IS NULL AND amount_cents > 0) "
            "OR (reverses_id IS NOT NULL AND amount_cents < 0)",
            name=op.f("ck_billing_payments_amount_sign"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["billing_documents.id"],
            name=op.f("fk_billing_payments_document_id_billing_documents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["family_id"],
            ["users.id"],
            name=op.f("fk_billing_payments_family_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_billing_payments_recorded_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["billing_payments.id"],
            name=op.f("fk_billing_payments_reverses_id_billing_payments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_payments")),
        sa.UniqueConstraint(
            "provider", "provider_reference", name="uq_billing_payments_provider_reference"
        ),
        sa.UniqueConstraint("reverses_id", name="uq_billing_payments_reverses_id"),
    )
    with op.batch_alter_table("billing_payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_billing_payments_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_billing_payments_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_billing_payments_received_on"), ["received_on"], unique=False
        )

    op.create_table(
        "billing_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("outstanding_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["billing_documents.id"],
            name=op.f("fk_billing_reminders_document_id_billing_documents"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_reminders")),
    )
    with op.batch_alter_table("billing_reminders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_billing_reminders_document_id"), ["document_id"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION billing_refuse_payment_change() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'restrict_violation'; "
            "END; $$"
        )
        op.execute(
            "CREATE TRIGGER billing_payments_immutable BEFORE UPDATE OR DELETE ON "
            "billing_payments FOR EACH ROW EXECUTE FUNCTION billing_refuse_payment_change()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER billing_payments_immutable_{event.lower()} BEFORE {event} ON "
            f"billing_payments BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER billing_payments_immutable ON billing_payments")
        op.execute("DROP FUNCTION billing_refuse_payment_change()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER billing_payments_immutable_{event}")
    with op.batch_alter_table("billing_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_reminders_document_id"))
    op.drop_table("billing_reminders")
    with op.batch_alter_table("billing_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_payments_received_on"))
        batch_op.drop_index(batch_op.f("ix_billing_payments_family_id"))
        batch_op.drop_index(batch_op.f("ix_billing_payments_document_id"))
    op.drop_table("billing_payments")

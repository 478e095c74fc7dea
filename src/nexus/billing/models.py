"""Billing documents: invoices and credit notes ("avoirs"), their lines and their counters.

Amounts are integer cents. An issued document is immutable: the database refuses any UPDATE
or DELETE of it and of its lines (triggers created by migration 0015), so a mistake is only
ever corrected by a credit note that references the invoice.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nexus.db import Base, JSONType, str_enum, utcnow


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class CounterKind(StrEnum):
    """The numbered series: invoices, credit notes and quotes each have their own."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    QUOTE = "quote"


class DocumentCounter(Base):
    """One row per (kind, year): the last number handed out, locked by the issuing UPDATE."""

    __tablename__ = "billing_counters"
    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number_positive"),)

    kind: Mapped[CounterKind] = mapped_column(str_enum(CounterKind), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class BillingDocument(Base):
    __tablename__ = "billing_documents"
    __table_args__ = (
        UniqueConstraint(
            "kind", "year", "sequence", name="uq_billing_documents_kind_year_sequence"
        ),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
        CheckConstraint(
            "(kind = 'credit_note') = (credits_id IS NOT NULL)", name="credit_note_references"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind))
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(32), unique=True)
    credits_id: Mapped[int | None] = mapped_column(
        ForeignKey("billing_documents.id", ondelete="RESTRICT"), default=None, index=True
    )
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), default=None, index=True
    )
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id", ondelete="RESTRICT"), default=None, index=True
    )
    buyer_name: Mapped[str] = mapped_column(String(200))
    buyer_address: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[date]
    due_on: Mapped[date]
    total_ht_cents: Mapped[int]
    total_vat_cents: Mapped[int]
    total_ttc_cents: Mapped[int]
    eligible_cents: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lines: Mapped[list[DocumentLine]] = relationship(
        order_by="DocumentLine.position", lazy="selectin"
    )


class DocumentLine(Base):
    __tablename__ = "billing_document_lines"
    __table_args__ = (
        UniqueConstraint("document_id", "position", name="uq_billing_lines_position"),
        CheckConstraint("quantity_hundredths > 0", name="quantity_positive"),
        CheckConstraint("vat_rate_bp >= 0", name="vat_rate_positive"),
        CheckConstraint("eligible_cents >= 0", name="eligible_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("billing_documents.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int]
    designation: Mapped[str] = mapped_column(String(300))
    # Quantity in hundredths (1.5 h = 150) so that hours of any length stay exact.
    quantity_hundredths: Mapped[int]
    unit_price_ht_cents: Mapped[int]
    # VAT rate in basis points (20 % = 2000; 0 when exempt).
    vat_rate_bp: Mapped[int] = mapped_column(default=0)
    total_ht_cents: Mapped[int]
    total_vat_cents: Mapped[int]
    total_ttc_cents: Mapped[int]
    eligible_cents: Mapped[int] = mapped_column(default=0)


class PaymentMethod(StrEnum):
    CARD = "card"
    TRANSFER = "transfer"
    CHEQUE = "cheque"
    CESU_PREFINANCED = "cesu_prefinanced"
    CASH = "cash"
    # Paid by the State through the URSSAF "avance immédiate" of the tax credit: the family
    # never paid it, so it is left out of the attestation fiscale like CESU préfinancé.
    AVANCE_IMMEDIATE = "avance_immediate"


class Payment(Base):
    """Money received against an invoice; an accounting record, immutable like the invoice.

    The database refuses UPDATE and DELETE (triggers of migration 0024). A mistaken payment is
    undone by a *reversal*: a row with the opposite (negative) amount, the same method and
    ``reverses_id`` naming it; a payment is reversed at most once (unique ``reverses_id``).
    ``provider``/``provider_reference`` leave room for an online payment provider later.
    """

    __tablename__ = "billing_payments"
    __table_args__ = (
        CheckConstraint(
            "(reverses_id IS NULL AND amount_cents > 0) "
            "OR (reverses_id IS NOT NULL AND amount_cents < 0)",
            name="amount_sign",
        ),
        UniqueConstraint("reverses_id", name="uq_billing_payments_reverses_id"),
        UniqueConstraint(
            "provider", "provider_reference", name="uq_billing_payments_provider_reference"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("billing_documents.id", ondelete="RESTRICT"), index=True
    )
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), default=None, index=True
    )
    amount_cents: Mapped[int]
    method: Mapped[PaymentMethod] = mapped_column(str_enum(PaymentMethod))
    received_on: Mapped[date] = mapped_column(index=True)
    reference: Mapped[str] = mapped_column(String(200), default="")
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("billing_payments.id", ondelete="RESTRICT"), default=None
    )
    provider: Mapped[str | None] = mapped_column(String(40), default=None)
    provider_reference: Mapped[str | None] = mapped_column(String(200), default=None)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentReminder(Base):
    """One overdue reminder sent for an invoice (the invoice row itself is immutable)."""

    __tablename__ = "billing_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("billing_documents.id", ondelete="RESTRICT"), index=True
    )
    sent_on: Mapped[date]
    outstanding_cents: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuoteDecisionKind(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Quote(Base):
    """A devis: free, numbered ``D-YYYY-NNNNN`` in its own unbroken series, immutable.

    The database refuses UPDATE and DELETE of quotes and their lines (triggers of migration
    0027); the family's answer is a row of :class:`QuoteDecision`, at most one per quote.
    """

    __tablename__ = "billing_quotes"
    __table_args__ = (
        UniqueConstraint("year", "sequence", name="uq_billing_quotes_year_sequence"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
        CheckConstraint("valid_until > issued_on", name="valid_after_issue"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(String(32), unique=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), default=None
    )
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("offers.id", ondelete="RESTRICT"), default=None
    )
    buyer_name: Mapped[str] = mapped_column(String(200))
    buyer_address: Mapped[str] = mapped_column(Text, default="")
    issued_on: Mapped[date]
    valid_until: Mapped[date]
    total_ht_cents: Mapped[int]
    total_vat_cents: Mapped[int]
    total_ttc_cents: Mapped[int]
    eligible_cents: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lines: Mapped[list[QuoteLine]] = relationship(order_by="QuoteLine.position", lazy="selectin")
    decision: Mapped[QuoteDecision | None] = relationship(lazy="selectin", uselist=False)


class QuoteLine(Base):
    __tablename__ = "billing_quote_lines"
    __table_args__ = (
        UniqueConstraint("quote_id", "position", name="uq_billing_quote_lines_position"),
        CheckConstraint("quantity_hundredths > 0", name="quantity_positive"),
        CheckConstraint("vat_rate_bp >= 0", name="vat_rate_positive"),
        CheckConstraint("eligible_cents >= 0", name="eligible_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(
        ForeignKey("billing_quotes.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int]
    designation: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(24))
    quantity_hundredths: Mapped[int]
    unit_price_ht_cents: Mapped[int]
    vat_rate_bp: Mapped[int] = mapped_column(default=0)
    total_ht_cents: Mapped[int]
    total_vat_cents: Mapped[int]
    total_ttc_cents: Mapped[int]
    eligible_cents: Mapped[int] = mapped_column(default=0)


class QuoteDecision(Base):
    """The family's answer to a quote: one row, never changed (``UNIQUE (quote_id)``)."""

    __tablename__ = "billing_quote_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(
        ForeignKey("billing_quotes.id", ondelete="RESTRICT"), unique=True
    )
    decision: Mapped[QuoteDecisionKind] = mapped_column(str_enum(QuoteDecisionKind))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), default=None
    )
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id", ondelete="RESTRICT"), default=None
    )
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("billing_documents.id", ondelete="RESTRICT"), default=None
    )
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class TaxCertificate(Base):
    """An issued attestation fiscale (one per family and civil year): its figures as printed,
    the PDF itself and its SHA-256. Immutable like invoices (triggers of migration 0028)."""

    __tablename__ = "billing_tax_certificates"
    __table_args__ = (
        UniqueConstraint("family_id", "year", name="uq_billing_tax_certificates_family_year"),
        CheckConstraint("amount_cents >= 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    year: Mapped[int]
    amount_cents: Mapped[int]
    figures: Mapped[dict[str, Any]] = mapped_column(JSONType)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

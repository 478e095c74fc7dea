"""Issuing invoices and credit notes, in the caller's transaction (views never commit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.billing.amounts import line_amounts
from nexus.billing.models import BillingDocument, CounterKind, DocumentKind, DocumentLine
from nexus.billing.numbering import format_number, next_sequence
from nexus.errors import Conflict, NotFound, Unprocessable
from nexus.language import _

PAYMENT_TERM_DAYS = 30


@dataclass(frozen=True)
class LineInput:
    designation: str
    quantity_hundredths: int
    unit_price_ht_cents: int
    vat_rate_bp: int = 0
    eligible: bool = False


def _issue(
    session: Session,
    kind: DocumentKind,
    *,
    buyer_name: str,
    buyer_address: str,
    lines: list[LineInput],
    issued_on: date,
    family_id: int | None = None,
    enrollment_id: int | None = None,
    credits_id: int | None = None,
    payment_term_days: int = PAYMENT_TERM_DAYS,
) -> BillingDocument:
    if not lines:
        raise Unprocessable(_("A document needs at least one line."), code="empty_document")
    built: list[DocumentLine] = []
    for position, line in enumerate(lines, start=1):
        if line.quantity_hundredths <= 0 or line.unit_price_ht_cents < 0:
            raise Unprocessable(_("Quantities and prices must be positive."), code="invalid_line")
        amounts = line_amounts(line.unit_price_ht_cents, line.quantity_hundredths, line.vat_rate_bp)
        built.append(
            DocumentLine(
                position=position,
                designation=line.designation,
                quantity_hundredths=line.quantity_hundredths,
                unit_price_ht_cents=line.unit_price_ht_cents,
                vat_rate_bp=line.vat_rate_bp,
                total_ht_cents=amounts.total_ht_cents,
                total_vat_cents=amounts.total_vat_cents,
                total_ttc_cents=amounts.total_ttc_cents,
                eligible_cents=amounts.total_ttc_cents if line.eligible else 0,
            )
        )
    year = issued_on.year
    counter = CounterKind(kind.value)
    sequence = next_sequence(session, counter, year)
    document = BillingDocument(
        kind=kind,
        year=year,
        sequence=sequence,
        number=format_number(counter, year, sequence),
        credits_id=credits_id,
        family_id=family_id,
        enrollment_id=enrollment_id,
        buyer_name=buyer_name,
        buyer_address=buyer_address,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=payment_term_days),
        total_ht_cents=sum(line.total_ht_cents for line in built),
        total_vat_cents=sum(line.total_vat_cents for line in built),
        total_ttc_cents=sum(line.total_ttc_cents for line in built),
        eligible_cents=sum(line.eligible_cents for line in built),
    )
    # Lines are inserted with the document in one flush; the immutability triggers only
    # refuse UPDATE and DELETE, never this INSERT.
    document.lines = built
    session.add(document)
    session.flush()
    return document


def issue_invoice(
    session: Session,
    *,
    buyer_name: str,
    buyer_address: str,
    lines: list[LineInput],
    issued_on: date,
    family_id: int | None = None,
    enrollment_id: int | None = None,
    payment_term_days: int = PAYMENT_TERM_DAYS,
) -> BillingDocument:
    return _issue(
        session,
        DocumentKind.INVOICE,
        buyer_name=buyer_name,
        buyer_address=buyer_address,
        lines=lines,
        issued_on=issued_on,
        family_id=family_id,
        enrollment_id=enrollment_id,
        payment_term_days=payment_term_days,
    )


def credited_cents(session: Session, invoice_id: int) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(BillingDocument.total_ttc_cents), 0)).where(
            BillingDocument.credits_id == invoice_id
        )
    )
    return int(total or 0)


def issue_credit_note(
    session: Session, invoice_id: int, *, lines: list[LineInput], issued_on: date
) -> BillingDocument:
    """A credit note for part or all of what remains of an invoice (amounts are positive on
    the note; it is its kind that makes them a deduction)."""
    invoice = session.execute(
        select(BillingDocument)
        .where(BillingDocument.id == invoice_id, BillingDocument.kind == DocumentKind.INVOICE)
        .with_for_update()
    ).scalar_one_or_none()
    if invoice is None:
        raise NotFound(_("Invoice not found."))
    requested = sum(
        line_amounts(
            line.unit_price_ht_cents, line.quantity_hundredths, line.vat_rate_bp
        ).total_ttc_cents
        for line in lines
    )
    remaining = invoice.total_ttc_cents - credited_cents(session, invoice.id)
    if requested > remaining:
        raise Conflict(
            _("A credit note cannot exceed what remains of the invoice."),
            code="credit_exceeds_invoice",
        )
    return _issue(
        session,
        DocumentKind.CREDIT_NOTE,
        buyer_name=invoice.buyer_name,
        buyer_address=invoice.buyer_address,
        lines=lines,
        issued_on=issued_on,
        family_id=invoice.family_id,
        credits_id=invoice.id,
    )

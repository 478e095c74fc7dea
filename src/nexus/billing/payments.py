"""Payments against invoices, and what each invoice still owes (in the caller's transaction).

Outstanding = invoice TTC − its credit notes − its payments (reversals count negatively).
Race rule: recording a payment (or a reversal, or a credit note in ``services``) first locks
the invoice row ``SELECT … FOR UPDATE``; PostgreSQL holds that lock until the transaction
ends, so two concurrent payments that together exceed the outstanding amount are checked one
after the other and the second is refused. The lock writes nothing, so the immutability
triggers of the invoice are not involved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from nexus.accounts.tokens import Principal
from nexus.billing.models import BillingDocument, DocumentKind, Payment, PaymentMethod
from nexus.errors import Conflict, NotFound, Unprocessable
from nexus.language import _, formats


class SettlementStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CREDITED = "credited"


@dataclass(frozen=True)
class Settlement:
    """Where an invoice stands; a credit note has no settlement of its own (status None)."""

    total_cents: int
    credited_cents: int
    paid_cents: int

    @property
    def outstanding_cents(self) -> int:
        # Negative when a credit note came after payment: money owed back to the family.
        return self.total_cents - self.credited_cents - self.paid_cents

    @property
    def status(self) -> SettlementStatus:
        if self.credited_cents >= self.total_cents:
            return SettlementStatus.CREDITED
        if self.outstanding_cents <= 0:
            return SettlementStatus.PAID
        if self.paid_cents > 0:
            return SettlementStatus.PARTIALLY_PAID
        return SettlementStatus.UNPAID


def settlements(
    session: Session, documents: Iterable[BillingDocument]
) -> dict[int, Settlement | None]:
    """The settlement of each document, in two grouped queries whatever their number."""
    documents = list(documents)
    invoice_ids = [d.id for d in documents if d.kind == DocumentKind.INVOICE]
    credited: dict[int, int] = {}
    paid: dict[int, int] = {}
    if invoice_ids:
        credited = {
            int(invoice_id): int(total)
            for invoice_id, total in session.execute(
                select(BillingDocument.credits_id, func.sum(BillingDocument.total_ttc_cents))
                .where(BillingDocument.credits_id.in_(invoice_ids))
                .group_by(BillingDocument.credits_id)
            )
            if invoice_id is not None
        }
        paid = {
            int(document_id): int(total)
            for document_id, total in session.execute(
                select(Payment.document_id, func.sum(Payment.amount_cents))
                .where(Payment.document_id.in_(invoice_ids))
                .group_by(Payment.document_id)
            )
        }
    return {
        d.id: (
            Settlement(d.total_ttc_cents, credited.get(d.id, 0), paid.get(d.id, 0))
            if d.kind == DocumentKind.INVOICE
            else None
        )
        for d in documents
    }


def outstanding_column() -> ColumnElement[int]:
    """What an invoice row still owes, as a SQL expression (correlated sums, both backends)."""
    note = aliased(BillingDocument)
    credited = (
        select(func.coalesce(func.sum(note.total_ttc_cents), 0))
        .where(note.credits_id == BillingDocument.id)
        .scalar_subquery()
    )
    paid = (
        select(func.coalesce(func.sum(Payment.amount_cents), 0))
        .where(Payment.document_id == BillingDocument.id)
        .scalar_subquery()
    )
    return BillingDocument.total_ttc_cents - credited - paid


def settlement(session: Session, document: BillingDocument) -> Settlement | None:
    return settlements(session, [document])[document.id]


def _locked_invoice(session: Session, document_id: int) -> BillingDocument:
    document = session.execute(
        select(BillingDocument).where(BillingDocument.id == document_id).with_for_update()
    ).scalar_one_or_none()
    if document is None:
        raise NotFound(_("Billing document not found."))
    if document.kind != DocumentKind.INVOICE:
        raise Conflict(
            _("Payments are recorded against invoices, not credit notes."),
            code="payment_on_credit_note",
        )
    return document


def _check_received_on(received_on: date, today: date) -> None:
    if received_on > today:
        raise Unprocessable(
            _("A payment cannot be received in the future."),
            code="payment_in_future",
            field="received_on",
        )


def record_payment(
    session: Session,
    principal: Principal,
    document_id: int,
    *,
    amount_cents: int,
    method: PaymentMethod,
    received_on: date,
    reference: str,
    today: date,
) -> Payment:
    """A (possibly partial) payment of an invoice; refused beyond what it still owes."""
    if amount_cents <= 0:
        raise Unprocessable(
            _("A payment amount must be positive."), code="invalid_amount", field="amount_cents"
        )
    _check_received_on(received_on, today)
    invoice = _locked_invoice(session, document_id)
    owed = settlements(session, [invoice])[invoice.id]
    assert owed is not None  # an invoice always has one
    if amount_cents > owed.outstanding_cents:
        raise Conflict(
            _(
                "This payment exceeds what remains due on the invoice (%(due)s).",
                due=formats.money(max(owed.outstanding_cents, 0)),
            ),
            code="payment_exceeds_outstanding",
        )
    payment = Payment(
        document_id=invoice.id,
        family_id=invoice.family_id,
        amount_cents=amount_cents,
        method=method,
        received_on=received_on,
        reference=reference,
        recorded_by_id=principal.user_id,
    )
    session.add(payment)
    session.flush()
    return payment


def reverse_payment(
    session: Session,
    principal: Principal,
    document_id: int,
    payment_id: int,
    *,
    received_on: date,
    reference: str,
    today: date,
) -> Payment:
    """Undo a recorded payment with its opposite; the original row stays as it was."""
    _check_received_on(received_on, today)
    invoice = _locked_invoice(session, document_id)
    original = session.get(Payment, payment_id)
    if original is None or original.document_id != invoice.id:
        raise NotFound(_("Payment not found."))
    if original.reverses_id is not None:
        raise Conflict(_("A reversal cannot itself be reversed."), code="reversal_of_reversal")
    already = session.scalar(select(Payment.id).where(Payment.reverses_id == original.id))
    if already is not None:
        raise Conflict(_("This payment was already reversed."), code="payment_already_reversed")
    reversal = Payment(
        document_id=invoice.id,
        family_id=invoice.family_id,
        amount_cents=-original.amount_cents,
        method=original.method,
        received_on=received_on,
        reference=reference,
        reverses_id=original.id,
        recorded_by_id=principal.user_id,
    )
    session.add(reversal)
    session.flush()
    return reversal


def payments_of(session: Session, document_id: int) -> list[Payment]:
    return list(
        session.scalars(
            select(Payment)
            .where(Payment.document_id == document_id)
            .order_by(Payment.received_on, Payment.id)
        )
    )

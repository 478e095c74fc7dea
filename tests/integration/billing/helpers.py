"""Invoices arranged directly through the billing services (what an enrollment would issue)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from nexus.billing.models import BillingDocument
from nexus.billing.services import LineInput, issue_credit_note, issue_invoice


def invoice(
    session: Session, family_id: int | None, ttc_cents: int, issued_on: date = date(2026, 11, 2)
) -> BillingDocument:
    document = issue_invoice(
        session,
        buyer_name="Famille Martin",
        buyer_address="1 rue de la Paix, 75002 Paris",
        lines=[LineInput("Cours particulier de mathématiques", 100, ttc_cents)],
        issued_on=issued_on,
        family_id=family_id,
    )
    session.commit()
    return document


def credit(
    session: Session, invoice_id: int, ttc_cents: int, issued_on: date = date(2026, 11, 20)
) -> BillingDocument:
    note = issue_credit_note(
        session,
        invoice_id,
        lines=[LineInput("Séance annulée", 100, ttc_cents)],
        issued_on=issued_on,
    )
    session.commit()
    return note

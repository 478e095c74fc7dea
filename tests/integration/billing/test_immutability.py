"""Issued invoices and their lines cannot be changed at the database, whatever the client."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nexus.billing.models import BillingDocument
from nexus.billing.services import LineInput, issue_invoice

STATEMENTS = [
    "UPDATE billing_documents SET total_ttc_cents = 1 WHERE id = :id",
    "UPDATE billing_documents SET buyer_name = 'Autre' WHERE id = :id",
    "DELETE FROM billing_documents WHERE id = :id",
    "UPDATE billing_document_lines SET unit_price_ht_cents = 1 WHERE document_id = :id",
    "DELETE FROM billing_document_lines WHERE document_id = :id",
]


def _invoice(session: Session) -> BillingDocument:
    return issue_invoice(
        session,
        buyer_name="Famille Martin",
        buyer_address="1 rue de la Paix, 75002 Paris",
        lines=[
            LineInput("Cours particulier de mathématiques", 150, 4000, eligible=True),
            LineInput("Frais de déplacement", 100, 500, vat_rate_bp=2000),
        ],
        issued_on=date(2026, 12, 3),
    )


@pytest.mark.parametrize("statement", STATEMENTS)
def test_raw_sql_cannot_change_an_issued_invoice(session: Session, statement: str) -> None:
    invoice = _invoice(session)
    with pytest.raises(DBAPIError, match="immutable"):
        with session.begin_nested():
            session.execute(text(statement), {"id": invoice.id})
    total = session.execute(
        text("SELECT total_ttc_cents FROM billing_documents WHERE id = :id"), {"id": invoice.id}
    ).scalar_one()
    lines = session.execute(
        text("SELECT count(*) FROM billing_document_lines WHERE document_id = :id"),
        {"id": invoice.id},
    ).scalar_one()
    assert (total, lines) == (invoice.total_ttc_cents, 2)


def test_invoice_totals_are_sums_of_rounded_lines(session: Session) -> None:
    invoice = _invoice(session)
    # 1.5 h x 40.00 € = 60.00 € HT exempt; travel 5.00 € HT + 20 % = 6.00 € TTC.
    assert [line.total_ttc_cents for line in invoice.lines] == [6000, 600]
    assert (invoice.total_ht_cents, invoice.total_vat_cents, invoice.total_ttc_cents) == (
        6500,
        100,
        6600,
    )
    assert invoice.eligible_cents == 6000
    assert invoice.number.startswith("F-2026-")

"""Custom lines (quotes' bundles, ad-hoc invoices): priced at the seller's VAT rule, their
tax-credit eligibility set by :mod:`nexus.billing.eligibility`, and the ad-hoc invoice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.audit.services import record
from nexus.billing.amounts import ht_from_ttc
from nexus.billing.eligibility import LineKind, lines_eligibility
from nexus.billing.models import BillingDocument
from nexus.billing.services import LineInput, issue_invoice
from nexus.config import BusinessIdentity
from nexus.errors import Unprocessable
from nexus.language import _


@dataclass(frozen=True)
class ChargeLine:
    """A line as an admin writes it: one of the unit prices HT or TTC (per unit)."""

    designation: str
    kind: LineKind
    quantity_hundredths: int
    unit_price_ht_cents: int | None = None
    unit_price_ttc_cents: int | None = None


@dataclass(frozen=True)
class PricedLine:
    kind: LineKind
    line: LineInput


def price_lines(lines: list[ChargeLine], seller: BusinessIdentity) -> list[PricedLine]:
    """Every line at the seller's VAT rate (a TTC unit price gives its HT, half-up, as the
    offers' TTC prices do in :mod:`nexus.billing.prices`); eligibility per the rules."""
    rate = seller.vat_rate_bp
    eligible = lines_eligibility([line.kind for line in lines])
    priced = []
    for line, is_eligible in zip(lines, eligible, strict=True):
        if line.unit_price_ht_cents is not None:
            unit_ht = line.unit_price_ht_cents
        else:
            unit_ht = ht_from_ttc(line.unit_price_ttc_cents or 0, 100, rate)
        priced.append(
            PricedLine(
                line.kind,
                LineInput(
                    line.designation,
                    quantity_hundredths=line.quantity_hundredths,
                    unit_price_ht_cents=unit_ht,
                    vat_rate_bp=rate,
                    eligible=is_eligible,
                ),
            )
        )
    return priced


def family_payer(session: Session, family_id: int) -> User:
    """The family a document is billed to: a parent account (else 422 on ``family_id``)."""
    user = session.get(User, family_id)
    if user is None or user.role is not Role.PARENT:
        raise Unprocessable(
            _("The family must be an existing parent account."),
            field="family_id",
            code="invalid_family",
        )
    return user


def issue_charges(
    session: Session,
    principal: Principal,
    *,
    family_id: int,
    lines: list[ChargeLine],
    seller: BusinessIdentity,
    today: date,
) -> BillingDocument:
    """An ad-hoc invoice (travel, material…) in the invoices' one unbroken sequence."""
    payer = family_payer(session, family_id)
    invoice = issue_invoice(
        session,
        buyer_name=f"{payer.first_name} {payer.last_name}",
        buyer_address=payer.postal_address,
        lines=[priced.line for priced in price_lines(lines, seller)],
        issued_on=today,
        family_id=payer.id,
        payment_term_days=seller.payment_term_days,
    )
    record(
        session,
        principal.user_id,
        "invoice.create",
        "billing_document",
        invoice.id,
        {
            "number": invoice.number,
            "family_id": payer.id,
            "total_ttc_cents": invoice.total_ttc_cents,
        },
    )
    return invoice

"""The invoices that other domains' signals issue (connected by :func:`connect` at app set-up)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.billing.eligibility import offer_is_eligible
from nexus.billing.models import BillingDocument
from nexus.billing.prices import offer_prices
from nexus.billing.services import LineInput, issue_invoice
from nexus.clock import paris_today
from nexus.config import BusinessIdentity, Settings
from nexus.offers.models import Enrollment
from nexus.offers.signals import enrollment_created
from nexus.people.access import parents_of


def _payer(session: Session, enrollment: Enrollment, payer_id: int | None) -> User:
    """The parent who enrolled; else the student's first linked parent; else the student."""
    if payer_id is None:
        parents = parents_of(session, enrollment.student_id)
        payer_id = min(parents) if parents else enrollment.student_id
    return session.get_one(User, payer_id)


def _invoice_enrollment(session: Session, *, enrollment: Enrollment, payer_id: int | None) -> None:
    settings: Settings = current_app.extensions["settings"]
    invoice_enrollment(session, enrollment, payer_id, settings.billing_business)


def invoice_enrollment(
    session: Session, enrollment: Enrollment, payer_id: int | None, seller: BusinessIdentity
) -> BillingDocument:
    """Issue the invoice of an enrollment (one line: the offer's hours)."""
    payer = _payer(session, enrollment, payer_id)
    offer = enrollment.offer
    # The offer's price is TTC; the per-hour HT price is derived from it at the seller's rate,
    # by the same function as the catalogue's displayed prices.
    prices = offer_prices(offer, seller)
    return issue_invoice(
        session,
        buyer_name=f"{payer.first_name} {payer.last_name}",
        buyer_address=payer.postal_address,
        lines=[
            LineInput(
                f"{offer.name} — {offer.hours} h",
                quantity_hundredths=prices.quantity_hundredths,
                unit_price_ht_cents=prices.unit_price_ht_cents,
                vat_rate_bp=prices.vat_rate_bp,
                eligible=offer_is_eligible(offer, seller.tax_credit_rule),
            )
        ],
        issued_on=paris_today(),
        family_id=payer.id,
        enrollment_id=enrollment.id,
        payment_term_days=seller.payment_term_days,
    )


def connect() -> None:
    """Subscribe to the signals (idempotent: blinker keeps one connection per receiver)."""
    enrollment_created.connect(_invoice_enrollment)

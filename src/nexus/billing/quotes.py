"""Quotes (devis): issued by an admin, accepted or declined once by the family.

A quote is free ("Devis gratuit") and required before any service of 100 € TTC a month or
more for a consumer (arrêté du 17 mars 2015, see docs/billing.md). Numbers ``D-YYYY-NNNNN``
come from the same locked counter mechanism as invoices (:mod:`nexus.billing.numbering`),
in their own series. The quote row never changes: its status is its decision row, or
``expired`` once ``valid_until`` has passed (computed, Paris date).

Race rule: a decision locks the quote row ``SELECT … FOR UPDATE`` before reading whether it
was already decided; ``UNIQUE (quote_id)`` on the decisions backs that up.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.api.pagination import fetch_page
from nexus.api.schemas import PageQuery
from nexus.audit.services import record
from nexus.billing.amounts import line_amounts
from nexus.billing.charges import ChargeLine, PricedLine, family_payer, price_lines
from nexus.billing.eligibility import LineKind, offer_is_eligible
from nexus.billing.models import (
    BillingDocument,
    CounterKind,
    Quote,
    QuoteDecision,
    QuoteDecisionKind,
    QuoteLine,
)
from nexus.billing.numbering import format_number, next_sequence
from nexus.billing.prices import offer_prices
from nexus.billing.services import LineInput, issue_invoice
from nexus.config import BusinessIdentity
from nexus.errors import Conflict, NotFound, Unprocessable
from nexus.language import _
from nexus.offers.enrollments import enroll
from nexus.offers.models import Offer
from nexus.offers.schemas import EnrollmentCreate
from nexus.people.access import is_parent_of

VALIDITY_DAYS = 30
ISSUED, EXPIRED = "issued", "expired"


def status(quote: Quote, today: date) -> str:
    """``accepted`` / ``declined`` once answered; else ``expired`` after ``valid_until``."""
    if quote.decision is not None:
        return quote.decision.decision.value
    return EXPIRED if today > quote.valid_until else ISSUED


def _offer_line(
    session: Session, offer_id: int, seller: BusinessIdentity
) -> tuple[Offer, PricedLine]:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound(_("Offer not found."), field="offer_id")
    if not offer.is_active:
        raise Conflict(
            _("The offer « %(name)s » is no longer sold: choose an active offer.", name=offer.name),
            field="offer_id",
            code="offer_inactive",
        )
    prices = offer_prices(offer, seller)
    eligible = offer_is_eligible(offer)
    line = LineInput(
        f"{offer.name} — {offer.hours} h",
        quantity_hundredths=prices.quantity_hundredths,
        unit_price_ht_cents=prices.unit_price_ht_cents,
        vat_rate_bp=prices.vat_rate_bp,
        eligible=eligible,
    )
    return offer, PricedLine(LineKind.HOME_TUTORING if eligible else LineKind.SERVICE, line)


def create_quote(
    session: Session,
    principal: Principal,
    *,
    family_id: int,
    student_id: int | None,
    offer_id: int | None,
    lines: list[ChargeLine] | None,
    valid_until: date | None,
    seller: BusinessIdentity,
    today: date,
) -> Quote:
    """Issue a quote for an offer (with the student it is for) or a custom bundle of lines."""
    family = family_payer(session, family_id)
    valid_until = valid_until or today + timedelta(days=VALIDITY_DAYS)
    if valid_until <= today:
        raise Unprocessable(
            _("The validity date must be in the future."),
            field="valid_until",
            code="invalid_validity",
        )
    if student_id is not None and not is_parent_of(session, family.id, student_id):
        raise Unprocessable(
            _("The student must be a child of this family."),
            field="student_id",
            code="invalid_student",
        )
    if offer_id is not None:
        _offer, priced_line = _offer_line(session, offer_id, seller)
        priced = [priced_line]
    else:
        priced = price_lines(lines or [], seller)
    built = []
    for position, item in enumerate(priced, start=1):
        amounts = line_amounts(
            item.line.unit_price_ht_cents, item.line.quantity_hundredths, item.line.vat_rate_bp
        )
        built.append(
            QuoteLine(
                position=position,
                designation=item.line.designation,
                kind=item.kind.value,
                quantity_hundredths=item.line.quantity_hundredths,
                unit_price_ht_cents=item.line.unit_price_ht_cents,
                vat_rate_bp=item.line.vat_rate_bp,
                total_ht_cents=amounts.total_ht_cents,
                total_vat_cents=amounts.total_vat_cents,
                total_ttc_cents=amounts.total_ttc_cents,
                eligible_cents=amounts.total_ttc_cents if item.line.eligible else 0,
            )
        )
    sequence = next_sequence(session, CounterKind.QUOTE, today.year)
    quote = Quote(
        year=today.year,
        sequence=sequence,
        number=format_number(CounterKind.QUOTE, today.year, sequence),
        family_id=family.id,
        student_id=student_id,
        offer_id=offer_id,
        buyer_name=f"{family.first_name} {family.last_name}",
        buyer_address=family.postal_address,
        issued_on=today,
        valid_until=valid_until,
        total_ht_cents=sum(line.total_ht_cents for line in built),
        total_vat_cents=sum(line.total_vat_cents for line in built),
        total_ttc_cents=sum(line.total_ttc_cents for line in built),
        eligible_cents=sum(line.eligible_cents for line in built),
        created_by_id=principal.user_id,
    )
    # Inserted with its lines in one flush: the triggers refuse only UPDATE and DELETE.
    quote.lines = built
    session.add(quote)
    session.flush()
    record(
        session,
        principal.user_id,
        "quote.create",
        "billing_quote",
        quote.id,
        {"number": quote.number, "family_id": family.id, "total_ttc_cents": quote.total_ttc_cents},
    )
    return quote


def _visible(principal: Principal) -> Any:
    if principal.role is Role.ADMIN:
        return None
    return Quote.family_id == principal.user_id


def list_quotes(session: Session, principal: Principal, page: PageQuery) -> tuple[list[Quote], int]:
    visible = _visible(principal)
    conditions = [] if visible is None else [visible]
    order = (Quote.issued_on.desc(), Quote.id.desc())
    return fetch_page(session, Quote, conditions, order, page)


def get_quote(session: Session, principal: Principal, quote_id: int) -> Quote:
    """Another family's quote is a 404, like one that does not exist."""
    quote = session.get(Quote, quote_id)
    if quote is None or (principal.role is not Role.ADMIN and quote.family_id != principal.user_id):
        raise NotFound(_("Quote not found."))
    return quote


def decide(
    session: Session,
    principal: Principal,
    quote_id: int,
    decision: QuoteDecisionKind,
    *,
    seller: BusinessIdentity,
    today: date,
) -> Quote:
    """The family's answer, once, while the quote is valid (else 409).

    Accepting a quote for an offer enrols the student the normal way
    (:func:`nexus.offers.enrollments.enroll`, whose signal issues the invoice), provided the
    offer's price has not changed since; accepting a custom quote issues the invoice of its
    lines.
    """
    quote = session.execute(
        select(Quote)
        .where(Quote.id == quote_id, Quote.family_id == principal.user_id)
        .with_for_update()
    ).scalar_one_or_none()
    if quote is None:
        raise NotFound(_("Quote not found."))
    if quote.decision is not None:
        raise Conflict(_("This quote has already been answered."), code="quote_decided")
    if today > quote.valid_until:
        raise Conflict(
            _("This quote expired on %(date)s: ask for a new one.", date=quote.valid_until),
            code="quote_expired",
        )
    row = QuoteDecision(quote_id=quote.id, decision=decision, decided_by_id=principal.user_id)
    if decision is QuoteDecisionKind.ACCEPTED:
        row.enrollment_id, row.invoice_id = _accept(session, principal, quote, seller, today)
    session.add(row)
    session.flush()
    session.refresh(quote, ["decision"])
    return quote


def _accept(
    session: Session, principal: Principal, quote: Quote, seller: BusinessIdentity, today: date
) -> tuple[int | None, int]:
    if quote.offer_id is not None and quote.student_id is not None:
        offer = session.get_one(Offer, quote.offer_id)
        if offer_prices(offer, seller).total_ttc_cents != quote.total_ttc_cents:
            raise Conflict(
                _("The price of this offer has changed since the quote: ask for a new one."),
                code="quote_price_changed",
            )
        enrollment = enroll(
            session,
            principal,
            EnrollmentCreate(student_id=quote.student_id, offer_id=quote.offer_id),
        )
        invoice_id = session.scalars(
            select(BillingDocument.id).where(BillingDocument.enrollment_id == enrollment.id)
        ).one()
        return enrollment.id, invoice_id
    invoice = issue_invoice(
        session,
        buyer_name=quote.buyer_name,
        buyer_address=quote.buyer_address,
        lines=[
            LineInput(
                line.designation,
                quantity_hundredths=line.quantity_hundredths,
                unit_price_ht_cents=line.unit_price_ht_cents,
                vat_rate_bp=line.vat_rate_bp,
                eligible=line.eligible_cents > 0,
            )
            for line in quote.lines
        ],
        issued_on=today,
        family_id=quote.family_id,
        payment_term_days=seller.payment_term_days,
    )
    return None, invoice.id

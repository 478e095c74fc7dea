"""The yearly attestation fiscale of a family: what it paid in a civil year for eligible
services à la personne (CGI art. 199 sexdecies; Code du travail D7233-1), and the sessions.

Allocation rule (docs/billing.md): each invoice of the family with an eligible share counts
the payments *received in the year* on it (net of reversals received that year), except those
by CESU préfinancé and by the "avance immédiate" of the tax credit (the family did not pay
them); that sum is allocated to the eligible services **pro rata** of the invoice's eligible
share — eligible TTC ÷ TTC, both net of the invoice's credit notes — rounded once per invoice
to the cent, half-up, and capped at the eligible amount. The certificate's amount is the sum
of these rounded shares, so the printed lines add up to the printed total.

The interventions are the family's students' booked (not cancelled) sessions of the year,
charged to an enrollment invoiced to the family, whose kind and place the rule makes eligible
(by default individual, at home).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.billing.eligibility import session_is_eligible
from nexus.billing.models import BillingDocument, DocumentKind, Payment, PaymentMethod
from nexus.clock import paris_midnight, to_paris
from nexus.config import TaxCreditRule
from nexus.errors import Conflict
from nexus.language import _
from nexus.people.access import children_of
from nexus.scheduling.models import Booking, BookingStatus, SessionStatus, TutoringSession

# Paid by a third party, not by the family: left out of the certificate.
EXCLUDED_METHODS = frozenset({PaymentMethod.CESU_PREFINANCED, PaymentMethod.AVANCE_IMMEDIATE})


@dataclass(frozen=True)
class InvoiceShare:
    document_id: int
    number: str
    total_ttc_cents: int
    eligible_cents: int
    paid_in_year_cents: int
    excluded_cents: int
    eligible_paid_cents: int


@dataclass(frozen=True)
class Intervention:
    on: date
    teacher: str
    student: str
    minutes: int


@dataclass(frozen=True)
class CertificateFigures:
    family_id: int
    year: int
    client_name: str
    client_address: str
    invoices: list[InvoiceShare]
    interventions: list[Intervention]

    @property
    def amount_cents(self) -> int:
        return sum(share.eligible_paid_cents for share in self.invoices)

    @property
    def excluded_cents(self) -> int:
        return sum(share.excluded_cents for share in self.invoices)

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.interventions)


def ensure_year_ended(year: int, today: date) -> None:
    if year >= today.year:
        raise Conflict(
            _(
                "The tax certificate for %(year)s can only be issued once that year has ended.",
                year=year,
            ),
            code="year_not_ended",
        )


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _shares(session: Session, family_id: int, year: int) -> list[InvoiceShare]:
    invoices = session.scalars(
        select(BillingDocument)
        .where(
            BillingDocument.family_id == family_id,
            BillingDocument.kind == DocumentKind.INVOICE,
            BillingDocument.eligible_cents > 0,
        )
        .order_by(BillingDocument.issued_on, BillingDocument.id)
    ).all()
    if not invoices:
        return []
    ids = [d.id for d in invoices]
    credited = {
        int(invoice_id): (int(total), int(eligible))
        for invoice_id, total, eligible in session.execute(
            select(
                BillingDocument.credits_id,
                func.sum(BillingDocument.total_ttc_cents),
                func.sum(BillingDocument.eligible_cents),
            )
            .where(BillingDocument.credits_id.in_(ids))
            .group_by(BillingDocument.credits_id)
        )
        if invoice_id is not None
    }
    paid: dict[tuple[int, bool], int] = {}
    for document_id, method, total in session.execute(
        select(Payment.document_id, Payment.method, func.sum(Payment.amount_cents))
        .where(
            Payment.document_id.in_(ids),
            Payment.received_on >= date(year, 1, 1),
            Payment.received_on <= date(year, 12, 31),
        )
        .group_by(Payment.document_id, Payment.method)
    ):
        key = (int(document_id), method in EXCLUDED_METHODS)
        paid[key] = paid.get(key, 0) + int(total)
    shares = []
    for d in invoices:
        counted = paid.get((d.id, False), 0)
        excluded = paid.get((d.id, True), 0)
        if not counted and not excluded:
            continue
        credited_total, credited_eligible = credited.get(d.id, (0, 0))
        total = d.total_ttc_cents - credited_total
        eligible = max(d.eligible_cents - credited_eligible, 0)
        share = _half_up(Decimal(counted) * Decimal(eligible) / Decimal(total)) if total > 0 else 0
        shares.append(
            InvoiceShare(
                d.id,
                d.number,
                d.total_ttc_cents,
                d.eligible_cents,
                counted,
                excluded,
                min(max(share, 0), eligible),
            )
        )
    return shares


def _interventions(
    session: Session, family_id: int, year: int, rule: TaxCreditRule
) -> list[Intervention]:
    enrollments = select(BillingDocument.enrollment_id).where(
        BillingDocument.family_id == family_id,
        BillingDocument.kind == DocumentKind.INVOICE,
        BillingDocument.eligible_cents > 0,
        BillingDocument.enrollment_id.is_not(None),
    )
    students = [*children_of(session, family_id), family_id]
    start, end = year_bounds_utc(year)
    rows = session.execute(
        select(TutoringSession, Booking)
        .join(Booking, Booking.session_id == TutoringSession.id)
        .where(
            Booking.student_id.in_(students),
            Booking.status == BookingStatus.BOOKED,
            Booking.enrollment_id.in_(enrollments),
            TutoringSession.status != SessionStatus.CANCELLED,
            TutoringSession.starts_at >= start,
            TutoringSession.starts_at < end,
        )
        .order_by(TutoringSession.starts_at, TutoringSession.id, Booking.id)
    ).all()
    return [
        Intervention(
            to_paris(ts.starts_at).date(),
            ts.teacher.full_name,
            booking.student.full_name,
            ts.duration_minutes,
        )
        for ts, booking in rows
        if session_is_eligible(ts.kind.value, ts.place.value, rule)
    ]


def certificate_figures(
    session: Session, family: User, year: int, rule: TaxCreditRule
) -> CertificateFigures:
    """The figures of ``family``'s certificate for ``year`` (computed, whether issued or not)."""
    address = session.scalar(
        select(BillingDocument.buyer_address)
        .where(BillingDocument.family_id == family.id, BillingDocument.buyer_address != "")
        .order_by(BillingDocument.issued_on.desc(), BillingDocument.id.desc())
        .limit(1)
    )
    return CertificateFigures(
        family.id,
        year,
        family.full_name,
        address or "",
        _shares(session, family.id, year),
        _interventions(session, family.id, year, rule),
    )


def families_paying_in(session: Session, year: int) -> list[int]:
    """The families with a payment received in ``year`` on an invoice with an eligible share."""
    return [
        int(family_id)
        for family_id in session.scalars(
            select(BillingDocument.family_id)
            .join(Payment, Payment.document_id == BillingDocument.id)
            .where(
                BillingDocument.kind == DocumentKind.INVOICE,
                BillingDocument.eligible_cents > 0,
                BillingDocument.family_id.is_not(None),
                Payment.received_on >= date(year, 1, 1),
                Payment.received_on <= date(year, 12, 31),
            )
            .distinct()
            .order_by(BillingDocument.family_id)
        )
        if family_id is not None
    ]


def year_bounds_utc(year: int) -> tuple[datetime, datetime]:
    return (
        paris_midnight(date(year, 1, 1)).astimezone(UTC),
        paris_midnight(date(year + 1, 1, 1)).astimezone(UTC),
    )

"""Demo invoices: every demo enrollment without one gets its invoice, and last year one paid
at-home lesson for the attestation fiscale (idempotent)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.billing.models import BillingDocument, DocumentLine, Payment, PaymentMethod
from nexus.billing.services import LineInput, issue_invoice
from nexus.billing.subscriptions import invoice_enrollment
from nexus.clock import PARIS, paris_today
from nexus.config import BusinessIdentity
from nexus.content.vocabulary import Level, Subject
from nexus.demo.people import account
from nexus.offers.models import Enrollment, Offer, OfferKind
from nexus.scheduling.models import (
    Attendance,
    Booking,
    SessionKind,
    SessionPlace,
    SessionStatus,
    TutoringSession,
)


def seed(session: Session) -> None:
    seller = (
        current_app.extensions["settings"].billing_business
        if has_app_context()
        else BusinessIdentity()
    )
    invoiced = select(BillingDocument.enrollment_id).where(
        BillingDocument.enrollment_id.is_not(None)
    )
    pending = session.scalars(
        select(Enrollment).where(Enrollment.id.not_in(invoiced)).order_by(Enrollment.id)
    ).all()
    for enrollment in pending:
        buyer = session.get(User, enrollment.enrolled_by_id) if enrollment.enrolled_by_id else None
        payer_id = buyer.id if buyer is not None and buyer.role is Role.PARENT else None
        invoice_enrollment(session, enrollment, payer_id, seller)


DEMO_PARENT, DEMO_CHILD = "parent@nexus-reussite.fr", "lucas@nexus-reussite.fr"
HOME_LESSON = "Cours particulier de mathématiques à domicile (démo)"


def seed_last_year(session: Session) -> None:
    """One at-home individual lesson of Lucas last December, invoiced and paid then: the demo
    family's attestation fiscale of last year has figures (idempotent: by its designation)."""
    parent = account(session, DEMO_PARENT)
    child = account(session, DEMO_CHILD)
    last_year = paris_today().year - 1
    already = session.scalar(
        select(DocumentLine.id)
        .join(BillingDocument, BillingDocument.id == DocumentLine.document_id)
        .where(BillingDocument.family_id == parent.id, DocumentLine.designation == HOME_LESSON)
    )
    enrollment = session.scalar(
        select(Enrollment)
        .join(Offer, Offer.id == Enrollment.offer_id)
        .where(Enrollment.student_id == child.id, Offer.kind == OfferKind.INDIVIDUAL)
        .order_by(Enrollment.id)
    )
    if already is not None or enrollment is None:
        return
    seller = (
        current_app.extensions["settings"].billing_business
        if has_app_context()
        else BusinessIdentity()
    )
    day = date(last_year, 12, 2)
    invoice = issue_invoice(
        session,
        buyer_name=parent.full_name,
        buyer_address=parent.postal_address,
        lines=[LineInput(HOME_LESSON, 150, 4000, seller.vat_rate_bp, eligible=True)],
        issued_on=day,
        family_id=parent.id,
        enrollment_id=enrollment.id,
        payment_term_days=seller.payment_term_days,
    )
    start = datetime.combine(day, time(17), PARIS).astimezone(UTC)
    lesson = TutoringSession(
        teacher_id=account(session, "prof.maths@nexus-reussite.fr").id,
        kind=SessionKind.INDIVIDUAL,
        subject=Subject.MATHEMATIQUES,
        level=Level.TERMINALE,
        title="Limites de fonctions (à domicile)",
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
        place=SessionPlace.AT_HOME,
        capacity=1,
        seats_taken=1,
        status=SessionStatus.COMPLETED,
    )
    session.add(lesson)
    session.flush()
    # Charged to the enrollment's invoice family, no minutes taken from this year's hours.
    session.add(
        Booking(
            session_id=lesson.id,
            student_id=child.id,
            enrollment_id=enrollment.id,
            attendance=Attendance.PRESENT,
            minutes_charged=0,
        )
    )
    session.add(
        Payment(
            document_id=invoice.id,
            family_id=parent.id,
            amount_cents=invoice.total_ttc_cents,
            method=PaymentMethod.TRANSFER,
            received_on=day + timedelta(days=10),
            reference="Virement démo",
        )
    )

"""Enrollments: a parent (for a linked child) or an admin buys an offer's hours for a student."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.api.pagination import fetch_page
from nexus.audit.services import record
from nexus.errors import Conflict, NotFound
from nexus.language import _
from nexus.offers.models import Enrollment, Offer
from nexus.offers.schemas import EnrollmentCreate, EnrollmentPublic, EnrollmentQuery, OfferSummary
from nexus.offers.signals import enrollment_created
from nexus.people import access


def hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def to_public(enrollment: Enrollment) -> EnrollmentPublic:
    return EnrollmentPublic(
        id=enrollment.id,
        student_id=enrollment.student_id,
        offer=OfferSummary.model_validate(enrollment.offer),
        status=enrollment.status,
        hours_bought=hours(enrollment.minutes_bought),
        hours_used=hours(enrollment.minutes_used),
        hours_remaining=hours(enrollment.minutes_remaining),
        price_paid_cents=enrollment.price_paid_cents,
        enrolled_by_id=enrollment.enrolled_by_id,
        created_at=enrollment.created_at,
    )


def enroll(session: Session, principal: Principal, data: EnrollmentCreate) -> Enrollment:
    """Enrol a student; parents only their linked children (another student is a 404)."""
    try:
        student = access.ensure_can_view_student(session, principal, data.student_id)
    except NotFound as exc:
        raise NotFound(_("Student not found."), field="student_id") from exc
    offer = session.get(Offer, data.offer_id)
    if offer is None:
        raise NotFound(_("Offer not found."), field="offer_id")
    # Said plainly, even to a parent who no longer sees it in the catalogue.
    if not offer.is_active:
        raise Conflict(
            _("The offer « %(name)s » is no longer sold: choose an active offer.", name=offer.name),
            field="offer_id",
            code="offer_inactive",
        )
    enrollment = Enrollment(
        student_id=student.id,
        offer_id=offer.id,
        enrolled_by_id=principal.user_id,
        minutes_bought=offer.hours * 60,
        minutes_used=0,
        price_paid_cents=offer.price_cents,
    )
    session.add(enrollment)
    session.flush()
    # Billing invoices the enrollment in this same transaction (nexus.billing.subscriptions).
    payer_id = principal.user_id if principal.role is Role.PARENT else None
    enrollment_created.send(session, enrollment=enrollment, payer_id=payer_id)
    if principal.role is Role.ADMIN:
        record(
            session,
            principal.user_id,
            "enrollment.create",
            "enrollment",
            enrollment.id,
            {"student_id": student.id, "offer_id": offer.id},
        )
    return enrollment


def _visible_condition(session: Session, principal: Principal) -> Any:
    if principal.role is Role.STUDENT:
        return Enrollment.student_id == principal.user_id
    if principal.role is Role.PARENT:
        return Enrollment.student_id.in_(access.children_of(session, principal.user_id))
    return None  # admins see every enrollment


def list_enrollments(
    session: Session, principal: Principal, query: EnrollmentQuery
) -> tuple[list[Enrollment], int]:
    conditions = []
    visible = _visible_condition(session, principal)
    if visible is not None:
        conditions.append(visible)
    if query.student_id is not None:
        conditions.append(Enrollment.student_id == query.student_id)
    if query.status is not None:
        conditions.append(Enrollment.status == query.status)
    order = (Enrollment.created_at.desc(), Enrollment.id.desc())
    return fetch_page(session, Enrollment, conditions, order, query)


def get_enrollment(session: Session, principal: Principal, enrollment_id: int) -> Enrollment:
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None or not _may_see(session, principal, enrollment.student_id):
        raise NotFound(_("Enrollment not found."))
    return enrollment


def _may_see(session: Session, principal: Principal, student_id: int) -> bool:
    if principal.role is Role.ADMIN:
        return True
    if principal.role is Role.PARENT:
        return access.is_parent_of(session, principal.user_id, student_id)
    return principal.user_id == student_id

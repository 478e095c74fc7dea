"""Hours are exposed as numbers, minutes are stored."""

from __future__ import annotations

from nexus.db import utcnow
from nexus.offers.enrollments import hours, to_public
from nexus.offers.models import EnrollmentStatus, OfferKind
from tests.factories.offers import EnrollmentFactory, OfferFactory


def test_hours_round_to_the_hundredth() -> None:
    assert hours(0) == 0
    assert hours(90) == 1.5
    assert hours(50) == 0.83


def test_enrollment_exposes_bought_used_and_remaining_hours() -> None:
    offer = OfferFactory.build(id=1, name="Stage intensif", kind=OfferKind.HOLIDAY_INTENSIVE)
    enrollment = EnrollmentFactory.build(
        id=4,
        student_id=12,
        offer=offer,
        status=EnrollmentStatus.ACTIVE,
        minutes_bought=900,
        minutes_used=135,
        price_paid_cents=32_000,
        enrolled_by_id=None,
        created_at=utcnow(),
    )
    public = to_public(enrollment)
    assert (public.hours_bought, public.hours_used, public.hours_remaining) == (15, 2.25, 12.75)
    assert public.offer.name == "Stage intensif"

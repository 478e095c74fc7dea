"""Offers and enrollments."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from nexus.offers.models import Enrollment, EnrollmentStatus, Offer, OfferKind

_n = itertools.count(1)


def offer(
    session: Session,
    *,
    kind: OfferKind = OfferKind.INDIVIDUAL,
    hours: int = 10,
    price_cents: int = 45_000,
    is_active: bool = True,
    name: str | None = None,
    max_group_size: int = 1,
) -> Offer:
    n = next(_n)
    item = Offer(
        code=f"offre-test-{n}",
        name=name or f"Offre test {n}",
        kind=kind,
        description="",
        price_cents=price_cents,
        hours=hours,
        max_group_size=max_group_size,
        is_active=is_active,
    )
    session.add(item)
    session.flush()
    return item


def enrollment(
    session: Session,
    student_id: int,
    *,
    hours: int = 10,
    minutes_used: int = 0,
    status: EnrollmentStatus = EnrollmentStatus.ACTIVE,
    of: Offer | None = None,
) -> Enrollment:
    bought = of if of is not None else offer(session, hours=hours)
    item = Enrollment(
        student_id=student_id,
        offer_id=bought.id,
        minutes_bought=bought.hours * 60,
        minutes_used=minutes_used,
        price_paid_cents=bought.price_cents,
        status=status,
    )
    session.add(item)
    session.flush()
    return item

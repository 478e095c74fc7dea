"""Offers and enrollments."""

from __future__ import annotations

import factory

from nexus.accounts.roles import Role
from nexus.offers.models import Enrollment, EnrollmentStatus, Offer, OfferKind
from tests.factories import ModelFactory, new_id
from tests.factories.accounts import UserFactory


class OfferFactory(ModelFactory):
    class Meta:
        model = Offer

    code = factory.Sequence(lambda n: f"offre-test-{n}")
    name = factory.Sequence(lambda n: f"Offre test {n}")
    kind = OfferKind.INDIVIDUAL
    description = ""
    price_cents = 45_000
    hours = 10
    max_group_size = 1
    is_active = True


class EnrollmentFactory(ModelFactory):
    """The offer's hours and price, bought (``offer__hours=5`` for another offer)."""

    class Meta:
        model = Enrollment

    student_id = new_id(UserFactory, role=Role.STUDENT)
    offer = factory.SubFactory(OfferFactory)
    status = EnrollmentStatus.ACTIVE
    minutes_bought = factory.LazyAttribute(lambda o: o.offer.hours * 60)
    minutes_used = 0
    price_paid_cents = factory.LazyAttribute(lambda o: o.offer.price_cents)

"""Tutoring sessions (any time, past included) and bookings with consistent counters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory

from nexus.accounts.roles import Role
from nexus.content.vocabulary import Level, Subject
from nexus.db import utcnow
from nexus.offers.models import Enrollment
from nexus.scheduling.models import (
    Booking,
    BookingStatus,
    SessionKind,
    SessionPlace,
    SessionStatus,
    TutoringSession,
)
from tests.factories import ModelFactory, new_id
from tests.factories.accounts import UserFactory


class TutoringSessionFactory(ModelFactory):
    """In three days for an hour unless told (``starts_at=``, ``starts_in=``, ``duration=``)."""

    class Meta:
        model = TutoringSession

    class Params:
        starts_in = timedelta(days=3)
        duration = timedelta(hours=1)

    teacher_id = new_id(UserFactory, role=Role.TEACHER)
    capacity = 1
    kind = factory.LazyAttribute(
        lambda o: SessionKind.INDIVIDUAL if o.capacity == 1 else SessionKind.GROUP
    )
    subject = Subject.MATHEMATIQUES
    level = Level.TERMINALE
    title = "Séance de test"
    starts_at = factory.LazyAttribute(lambda o: (utcnow() + o.starts_in).replace(microsecond=0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + o.duration)
    online_url = "https://visio.nexus-reussite.fr/salle/test"
    room = None
    place = factory.LazyAttribute(
        lambda o: SessionPlace.ONLINE if o.online_url else SessionPlace.CENTRE
    )
    seats_taken = 0
    status = SessionStatus.SCHEDULED


def _charge_enrollment(
    booking: Booking, _create: bool, enrollment: Enrollment | None, **_: Any
) -> None:
    if enrollment is None:
        return
    booking.enrollment_id = enrollment.id
    if booking.status is BookingStatus.BOOKED:
        enrollment.minutes_used += booking.minutes_charged


def _hold_seat(booking: Booking, _create: bool, _extracted: Any, **_: Any) -> None:
    if booking.status is BookingStatus.BOOKED:
        booking.session.seats_taken += 1


class BookingFactory(ModelFactory):
    """A booking (``session=`` the tutoring session); a held seat (BOOKED) takes one of the
    session's seats and, with ``enrollment=``, the session's minutes from that enrollment."""

    class Meta:
        model = Booking

    session = factory.SubFactory(TutoringSessionFactory)
    student_id = new_id(UserFactory, role=Role.STUDENT)
    status = BookingStatus.BOOKED
    attendance = None
    minutes_charged = factory.LazyAttribute(lambda o: o.session.duration_minutes)
    enrollment = factory.PostGeneration(_charge_enrollment)
    hold_seat = factory.PostGeneration(_hold_seat)

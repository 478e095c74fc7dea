"""Tutoring sessions (any time, past included) and bookings with consistent counters."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from nexus.content.vocabulary import Level, Subject
from nexus.db import utcnow
from nexus.offers.models import Enrollment
from nexus.scheduling.models import (
    Attendance,
    Booking,
    BookingStatus,
    SessionKind,
    SessionStatus,
    TutoringSession,
)


def tutoring_session(
    session: Session,
    teacher_id: int,
    *,
    starts_in: timedelta = timedelta(days=3),
    starts_at: datetime | None = None,
    duration: timedelta = timedelta(hours=1),
    capacity: int = 1,
    subject: Subject = Subject.MATHEMATIQUES,
    level: Level = Level.TERMINALE,
    status: SessionStatus = SessionStatus.SCHEDULED,
    online_url: str | None = "https://visio.nexus-reussite.fr/salle/test",
    room: str | None = None,
    title: str = "Séance de test",
) -> TutoringSession:
    start = starts_at or (utcnow() + starts_in).replace(microsecond=0)
    ts = TutoringSession(
        teacher_id=teacher_id,
        kind=SessionKind.INDIVIDUAL if capacity == 1 else SessionKind.GROUP,
        subject=subject,
        level=level,
        title=title,
        starts_at=start,
        ends_at=start + duration,
        online_url=online_url,
        room=room,
        capacity=capacity,
        seats_taken=0,
        status=status,
    )
    session.add(ts)
    session.flush()
    return ts


def booking(
    session: Session,
    ts: TutoringSession,
    student_id: int,
    *,
    enrollment: Enrollment | None = None,
    attendance: Attendance | None = None,
) -> Booking:
    """A held seat: the session's seats and the enrollment's minutes move with it."""
    minutes = ts.duration_minutes
    ts.seats_taken += 1
    if enrollment is not None:
        enrollment.minutes_used += minutes
    item = Booking(
        session_id=ts.id,
        student_id=student_id,
        enrollment_id=enrollment.id if enrollment is not None else None,
        status=BookingStatus.BOOKED,
        attendance=attendance,
        minutes_charged=minutes,
    )
    session.add(item)
    session.flush()
    return item

"""Sessions and bookings as the API shows them (UTC and Europe/Paris side by side)."""

from __future__ import annotations

from nexus.accounts.models import User
from nexus.offers.enrollments import hours
from nexus.scheduling import rules
from nexus.scheduling.models import Booking, BookingStatus, SessionSeries, TutoringSession
from nexus.scheduling.recurrence import Zone
from nexus.scheduling.schemas import (
    BookingPublic,
    PersonRef,
    SessionBooking,
    SessionDetail,
    SessionPublic,
)
from nexus.scheduling.series_schemas import SeriesPublic, SeriesSkipped
from nexus.scheduling.texts import to_paris

# Students may cancel a booking until this long before the session starts.


def _fields(ts: TutoringSession, show_link: bool) -> dict[str, object]:
    return {
        "id": ts.id,
        "teacher": PersonRef.model_validate(ts.teacher),
        "kind": ts.kind,
        "subject": ts.subject,
        "level": ts.level,
        "title": ts.title,
        "starts_at": ts.starts_at,
        "starts_at_local": to_paris(ts.starts_at),
        "ends_at": ts.ends_at,
        "ends_at_local": to_paris(ts.ends_at),
        "duration_minutes": ts.duration_minutes,
        "online_url": ts.online_url if show_link else None,
        "room": ts.room,
        "place": ts.place,
        "capacity": ts.capacity,
        "seats_taken": ts.seats_taken,
        "seats_left": max(ts.capacity - ts.seats_taken, 0),
        "status": ts.status,
        "cancelled_at": ts.cancelled_at,
        "cancellation_reason": ts.cancellation_reason,
    }


def session_public(ts: TutoringSession, *, show_link: bool) -> SessionPublic:
    return SessionPublic(**_fields(ts, show_link))


def session_booking(booking: Booking) -> SessionBooking:
    return SessionBooking(
        id=booking.id,
        student=PersonRef.model_validate(booking.student),
        status=booking.status,
        attendance=booking.attendance,
        teacher_note=booking.teacher_note,
        hours_charged=hours(booking.minutes_charged),
        created_at=booking.created_at,
        cancelled_at=booking.cancelled_at,
    )


def session_detail(ts: TutoringSession, *, in_charge: bool, show_link: bool) -> SessionDetail:
    """With ``in_charge`` (its teacher, an admin), ``ts.bookings`` must be loaded."""
    if not in_charge:
        return SessionDetail(**_fields(ts, show_link), teacher_notes=None, bookings=None)
    return SessionDetail(
        **_fields(ts, show_link=True),
        teacher_notes=ts.teacher_notes,
        bookings=[session_booking(b) for b in ts.bookings],
    )


def booking_public(booking: Booking) -> BookingPublic:
    ts = booking.session
    return BookingPublic(
        id=booking.id,
        student_id=booking.student_id,
        enrollment_id=booking.enrollment_id,
        status=booking.status,
        attendance=booking.attendance,
        teacher_note=booking.teacher_note,
        hours_charged=hours(booking.minutes_charged),
        created_at=booking.created_at,
        cancelled_at=booking.cancelled_at,
        cancellable_until=rules.cancellable_until(ts.starts_at),
        session=session_public(ts, show_link=booking.status is BookingStatus.BOOKED),
    )


def series_public(
    series: SessionSeries,
    teacher: User,
    occurrences: list[TutoringSession],
    *,
    in_charge: bool,
    booked: set[int],
) -> SeriesPublic:
    return SeriesPublic(
        id=series.id,
        teacher=PersonRef.model_validate(teacher),
        zone=Zone(series.zone) if series.zone else None,
        until=series.until,
        count=series.count,
        occurrences=[
            session_detail(ts, in_charge=in_charge, show_link=in_charge or ts.id in booked)
            for ts in occurrences
        ],
        skipped=[SeriesSkipped.model_validate(s) for s in series.skipped],
    )

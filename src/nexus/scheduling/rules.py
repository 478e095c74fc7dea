"""The booking rules that more than one place states: how late a booking may be cancelled,
whom a booking makes a teacher's student."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, select

from nexus.scheduling.models import Booking, BookingStatus, SessionStatus, TutoringSession

CANCELLATION_NOTICE = timedelta(hours=24)


def cancellable_until(starts_at: datetime) -> datetime:
    """The last moment a student or parent may cancel a booking of a session (admins: until it
    starts)."""
    return starts_at - CANCELLATION_NOTICE


def too_late_to_cancel(starts_at: datetime, now: datetime) -> bool:
    return now > cancellable_until(starts_at)


def notice_hours() -> int:
    return int(CANCELLATION_NOTICE.total_seconds() // 3600)


def booked_students(teacher_id: int) -> Select[int]:
    """The students with a live booking in one of a teacher's sessions: theirs to see
    (``nexus.people.access``)."""
    return (
        select(Booking.student_id)
        .join(TutoringSession, TutoringSession.id == Booking.session_id)
        .where(TutoringSession.teacher_id == teacher_id, Booking.status == BookingStatus.BOOKED)
    )


def teachers_busy(starts_at: datetime, ends_at: datetime) -> Select[int]:
    """The teachers with a session (not cancelled) overlapping that time: not free for
    another (``nexus.people.slots``)."""
    return select(TutoringSession.teacher_id).where(
        TutoringSession.status != SessionStatus.CANCELLED,
        TutoringSession.starts_at < ends_at,
        TutoringSession.ends_at > starts_at,
    )

"""Booking a seat and cancelling it.

Two students racing for the last seat must not both get it, and hours must never be spent
twice: both counters move with conditional UPDATEs (``… WHERE seats_taken < capacity``,
``… WHERE minutes_used + n <= minutes_bought``) whose RETURNING row (none: the condition
failed) tells who won and gives the new value. On
PostgreSQL the second UPDATE waits for the first transaction and re-checks its condition.
One student's bookings are serialised by a row lock on their account, so the overlap check
cannot be raced either. Any refusal after a counter moved rolls the whole request back.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.audit.services import record
from nexus.cache import touching, touching_rows
from nexus.content.labels import subject_label
from nexus.db import utcnow
from nexus.errors import Conflict, NotFound
from nexus.language import _, formats
from nexus.offers.models import Enrollment, EnrollmentStatus
from nexus.scheduling import notices, rules
from nexus.scheduling.models import Booking, BookingStatus, SessionStatus, TutoringSession
from nexus.scheduling.sessions import refund


def _insufficient(minutes: int) -> Conflict:
    return Conflict(
        _(
            "This session needs %(hours)s and no active enrollment has that many hours left: "
            "enrol in an offer first.",
            hours=formats.hours(minutes),
        ),
        code="insufficient_hours",
    )


def _enrollment(
    session: Session, student_id: int, minutes: int, enrollment_id: int | None
) -> Enrollment:
    """The given enrollment, or the oldest active one with enough minutes left."""
    if enrollment_id is None:
        chosen = session.scalar(
            select(Enrollment)
            .where(
                Enrollment.student_id == student_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Enrollment.minutes_bought - Enrollment.minutes_used >= minutes,
            )
            .order_by(Enrollment.created_at, Enrollment.id)
            .limit(1)
        )
        if chosen is None:
            raise _insufficient(minutes)
        return chosen
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.student_id != student_id:
        raise NotFound(_("Enrollment not found."), field="enrollment_id")
    if enrollment.status is not EnrollmentStatus.ACTIVE:
        raise Conflict(
            _("This enrollment is not active."), field="enrollment_id", code="enrollment_inactive"
        )
    if enrollment.minutes_remaining < minutes:
        raise _insufficient(minutes)
    return enrollment


def _not_bookable(status: SessionStatus) -> str:
    if status is SessionStatus.CANCELLED:
        return _("This session was cancelled.")
    return _("This session is over.")


def _check_bookable(session: Session, ts: TutoringSession, student_id: int) -> Booking | None:
    if ts.status is not SessionStatus.SCHEDULED:
        raise Conflict(_not_bookable(ts.status), code="session_not_bookable")
    if ts.starts_at <= utcnow():
        raise Conflict(_("This session has already started."), code="session_started")
    existing = session.scalar(
        select(Booking).where(Booking.session_id == ts.id, Booking.student_id == student_id)
    )
    if existing is not None and existing.status is BookingStatus.BOOKED:
        raise Conflict(_("You have already booked this session."), code="already_booked")
    clash = session.scalar(
        select(TutoringSession)
        .join(Booking, Booking.session_id == TutoringSession.id)
        .where(
            Booking.student_id == student_id,
            Booking.status == BookingStatus.BOOKED,
            TutoringSession.status != SessionStatus.CANCELLED,
            TutoringSession.starts_at < ts.ends_at,
            TutoringSession.ends_at > ts.starts_at,
        )
        .limit(1)
    )
    if clash is not None:
        raise Conflict(
            _(
                "You already have a session at that time: session %(id)s (%(subject)s, %(when)s).",
                id=clash.id,
                subject=subject_label(clash.subject),
                when=formats.when(clash.starts_at),
            ),
            code="student_overlap",
        )
    return existing


def book(
    session: Session, principal: Principal, session_id: int, enrollment_id: int | None
) -> Booking:
    """Book a seat for the calling student, charging an enrollment."""
    return book_for(session, principal.user_id, session_id, enrollment_id)


def book_for(
    session: Session, student_id: int, session_id: int, enrollment_id: int | None
) -> Booking:
    """Book a seat for ``student_id`` (whose booking the caller may make), charging an
    enrollment; the student's row lock serialises their bookings."""
    student = session.execute(
        select(User).where(User.id == student_id).with_for_update(of=User)
    ).scalar_one()
    ts = session.get(TutoringSession, session_id)
    if ts is None:
        raise NotFound(_("Session not found."))
    existing = _check_bookable(session, ts, student.id)
    minutes = ts.duration_minutes
    enrollment = _enrollment(session, student.id, minutes, enrollment_id)

    seat = session.execute(
        update(TutoringSession)
        .where(
            TutoringSession.id == ts.id,
            TutoringSession.status == SessionStatus.SCHEDULED,
            TutoringSession.seats_taken < TutoringSession.capacity,
        )
        .values(seats_taken=TutoringSession.seats_taken + 1)
        .returning(TutoringSession.seats_taken)
        .execution_options(synchronize_session=False, **touching())
    ).scalar_one_or_none()
    if seat is None:
        session.refresh(ts)
        if ts.status is not SessionStatus.SCHEDULED:
            raise Conflict(_not_bookable(ts.status), code="session_not_bookable")
        raise Conflict(_("This session is full."), code="session_full")
    spent = session.execute(
        update(Enrollment)
        .where(
            Enrollment.id == enrollment.id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.minutes_used + minutes <= Enrollment.minutes_bought,
        )
        .values(minutes_used=Enrollment.minutes_used + minutes)
        .returning(Enrollment.minutes_used)
        .execution_options(synchronize_session=False, **touching_rows(student_id=student.id))
    ).scalar_one_or_none()
    if spent is None:
        raise _insufficient(minutes)

    booking = existing or Booking(session_id=ts.id, student_id=student.id)
    booking.status = BookingStatus.BOOKED
    booking.enrollment_id = enrollment.id
    booking.minutes_charged = minutes
    booking.attendance = None
    booking.cancelled_at = None
    booking.created_at = utcnow()
    session.add(booking)
    session.flush()
    # The counters as this transaction left them, from the UPDATEs' RETURNING: no re-read.
    set_committed_value(ts, "seats_taken", seat)
    set_committed_value(enrollment, "minutes_used", spent)
    notices.booked(session, booking, student)
    return booking


def visible_booking(session: Session, principal: Principal, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None or not (
        principal.role is Role.ADMIN or booking.student_id == principal.user_id
    ):
        raise NotFound(_("Booking not found."))
    return booking


def cancel_booking(session: Session, principal: Principal, booking_id: int) -> Booking:
    """Cancel a booking up to 24 h before the session (admins: until it starts); refund it."""
    booking = visible_booking(session, principal, booking_id)
    ts = booking.session
    now = utcnow()
    if booking.status is BookingStatus.CANCELLED:
        raise Conflict(_("This booking is already cancelled."), code="already_cancelled")
    if ts.starts_at <= now or ts.status is not SessionStatus.SCHEDULED:
        raise Conflict(_("This session has already started."), code="session_started")
    if principal.role is not Role.ADMIN and rules.too_late_to_cancel(ts.starts_at, now):
        raise Conflict(
            _(
                "Bookings can be cancelled up to %(hours)s hours before the session; this one "
                "starts on %(when)s. Contact the teacher.",
                hours=rules.notice_hours(),
                when=formats.when(ts.starts_at),
            ),
            code="cancellation_too_late",
        )
    released = session.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.status == BookingStatus.BOOKED)
        .values(status=BookingStatus.CANCELLED, cancelled_at=now)
        .returning(Booking.status, Booking.cancelled_at)
        .execution_options(
            synchronize_session=False, **touching_rows(student_id=booking.student_id)
        )
    ).one_or_none()
    if released is None:
        raise Conflict(_("This booking is already cancelled."), code="already_cancelled")
    seats = session.execute(
        update(TutoringSession)
        .where(TutoringSession.id == ts.id, TutoringSession.seats_taken > 0)
        .values(seats_taken=TutoringSession.seats_taken - 1)
        .returning(TutoringSession.seats_taken)
        .execution_options(synchronize_session=False, **touching())
    ).scalar_one_or_none()
    refund(session, booking)
    # What the UPDATEs wrote, from their RETURNING: no re-read of the booking or the session.
    set_committed_value(booking, "status", released.status)
    set_committed_value(booking, "cancelled_at", released.cancelled_at)
    if seats is None:
        session.refresh(ts)
    else:
        set_committed_value(ts, "seats_taken", seats)
    notices.booking_cancelled(session, booking, booking.student)
    if principal.role is Role.ADMIN:
        record(session, principal.user_id, "booking.cancel", "booking", booking.id, {})
    return booking

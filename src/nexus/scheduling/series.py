"""Weekly series of sessions: scheduled around French closures, moved, cancelled, booked whole.

A series is created, and booked, in one transaction: any occurrence refused (a teacher's
overlap, a full session, hours running out…) raises, the request rolls back and nothing of the
series remains. The error names the occurrence's day. Booking reuses :func:`bookings.book_for`
occurrence by occurrence, so its conditional UPDATEs decide races with single bookings exactly
as they do for one session.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.audit.services import record
from nexus.clock import paris_midnight
from nexus.db import utcnow
from nexus.errors import ApiError, Conflict, Forbidden, NotFound, Unprocessable
from nexus.language import _, formats
from nexus.people.access import ensure_can_view_student
from nexus.scheduling import bookings, changes, recurrence, sessions
from nexus.scheduling.models import (
    Booking,
    SessionSeries,
    SessionStatus,
    TutoringSession,
)
from nexus.scheduling.schemas import SessionChange
from nexus.scheduling.series_schemas import OccurrenceMove, SeriesBookingCreate, SeriesCreate

# How far ahead a series may start (the calendars' arithmetic stays within known years).
MAX_LEAD = timedelta(days=730)


def _on_day(error: ApiError, starts_at: datetime) -> ApiError:
    """The same error, its message naming the occurrence it was raised for."""
    when = formats.when(starts_at)
    named = ApiError(
        _("Occurrence of %(when)s: %(refusal)s", when=when, refusal=error.message),
        status=error.status,
        code=error.code,
    )
    named.fields = error.fields
    return named


def _teacher_for(session: Session, principal: Principal, data: SeriesCreate) -> int:
    if principal.role is Role.TEACHER:
        if data.teacher_id not in (None, principal.user_id):
            raise Forbidden(
                _("Teachers schedule their own sessions only."),
                field="teacher_id",
                code="not_your_schedule",
            )
        return principal.user_id
    if data.teacher_id is None:
        raise Unprocessable(_("Give the teacher_id."), field="teacher_id", code="teacher_required")
    teacher = session.get(User, data.teacher_id)
    if teacher is None or teacher.role is not Role.TEACHER or not teacher.is_active:
        raise NotFound(_("Teacher not found."), field="teacher_id")
    return teacher.id


def _plan(
    data: SeriesCreate,
) -> tuple[list[recurrence.Occurrence], list[recurrence.Skipped]]:
    try:
        return recurrence.weekly(
            data.starts_at, data.ends_at, until=data.until, count=data.count, zone=data.zone
        )
    except recurrence.BeyondCalendar as exc:
        raise Unprocessable(
            _(
                "The school holiday calendar is only known until %(day)s: end the series "
                "by then, or give no zone.",
                day=formats.short_date(exc.last_known),
            ),
            field="until" if data.until is not None else "count",
            code="beyond_holiday_calendar",
        ) from exc
    except recurrence.TooManyOccurrences as exc:
        raise Unprocessable(
            _(
                "A series has at most %(max)s sessions: choose an earlier until.",
                max=recurrence.MAX_OCCURRENCES,
            ),
            field="until",
            code="too_many_occurrences",
        ) from exc


def create_series(session: Session, principal: Principal, data: SeriesCreate) -> SessionSeries:
    """Schedule every weekly occurrence that is not a public or (zone) school holiday."""
    teacher_id = _teacher_for(session, principal, data)
    capacity = sessions.check_new_session(data)
    if data.starts_at > utcnow() + MAX_LEAD:
        raise Unprocessable(
            _("A series starts within two years."), field="starts_at", code="too_far_ahead"
        )
    occurrences, skipped = _plan(data)
    series = SessionSeries(
        teacher_id=teacher_id,
        zone=data.zone.value if data.zone else None,
        until=data.until,
        count=data.count,
        skipped=[
            {"date": s.day.isoformat(), "kind": s.kind.value, "reason": s.reason} for s in skipped
        ],
        created_by_id=principal.user_id,
    )
    session.add(series)
    session.flush()
    for occurrence in occurrences:
        one = data.model_copy(
            update={"starts_at": occurrence.starts_at, "ends_at": occurrence.ends_at}
        )
        try:
            sessions.schedule(session, teacher_id, one, capacity, series_id=series.id)
        except ApiError as exc:
            raise _on_day(exc, occurrence.starts_at) from exc
    if principal.role is Role.ADMIN:
        record(
            session,
            principal.user_id,
            "series.create",
            "session_series",
            series.id,
            {"teacher_id": teacher_id, "sessions": len(occurrences)},
        )
    return series


def in_charge(principal: Principal, series: SessionSeries) -> bool:
    return principal.role is Role.ADMIN or series.teacher_id == principal.user_id


def visible_series(session: Session, principal: Principal, series_id: int) -> SessionSeries:
    """A series for its teacher, admins, and the students and parents who may book it; another
    teacher gets 404."""
    series = session.get(SessionSeries, series_id)
    if series is None or (principal.role is Role.TEACHER and not in_charge(principal, series)):
        raise NotFound(_("Series not found."))
    return series


def owned_series(session: Session, principal: Principal, series_id: int) -> SessionSeries:
    series = session.get(SessionSeries, series_id)
    if series is None or not in_charge(principal, series):
        raise NotFound(_("Series not found."))
    return series


def list_occurrences(
    session: Session, series: SessionSeries, *, with_bookings: bool
) -> list[TutoringSession]:
    statement = (
        select(TutoringSession)
        .where(TutoringSession.series_id == series.id)
        .order_by(TutoringSession.starts_at, TutoringSession.id)
        .execution_options(populate_existing=True)
    )
    if with_bookings:
        statement = statement.options(selectinload(TutoringSession.bookings))
    return list(session.scalars(statement))


def teacher_of(session: Session, series: SessionSeries) -> User:
    return session.get_one(User, series.teacher_id)


def move_occurrence(
    session: Session, principal: Principal, path_series: int, session_id: int, data: OccurrenceMove
) -> TutoringSession:
    """Move one occurrence that has not started to another future slot free for its teacher:
    the single session's change (``changes.change_session``: its calendar SEQUENCE rises and
    the booked families are told)."""
    owned_series(session, principal, path_series)
    ts = sessions.owned_session(session, principal, session_id, lock=True)
    if ts.series_id != path_series:
        raise NotFound(_("Session not found."))
    if ts.status is not SessionStatus.SCHEDULED:
        raise Conflict(_("Only a scheduled session can be moved."), code="session_not_movable")
    change = SessionChange(starts_at=data.starts_at, ends_at=data.ends_at)
    return changes.change_session(session, principal, session_id, change)


def cancel_from(
    session: Session, principal: Principal, series_id: int, from_day: date, reason: str
) -> SessionSeries:
    """Cancel the occurrences from ``from_day`` (Paris) on that have not started, each as a
    single session is cancelled: bookings cancelled, hours refunded, families told."""
    series = owned_series(session, principal, series_id)
    now = utcnow()
    to_cancel = [
        ts
        for ts in list_occurrences(session, series, with_bookings=False)
        if ts.status is SessionStatus.SCHEDULED
        and ts.starts_at >= paris_midnight(from_day)
        and ts.starts_at > now
    ]
    if not to_cancel:
        raise Conflict(
            _("No occurrence of this series is left to cancel from that day."),
            field="from",
            code="nothing_to_cancel",
        )
    for ts in to_cancel:
        sessions.cancel_session(session, principal, ts.id, reason)
    return series


def _student_for(session: Session, principal: Principal, data: SeriesBookingCreate) -> int:
    if principal.role is Role.STUDENT:
        if data.student_id not in (None, principal.user_id):
            raise NotFound(_("Student not found."), field="student_id")
        return principal.user_id
    if data.student_id is None:
        raise Unprocessable(_("Give the student_id."), field="student_id", code="student_required")
    return ensure_can_view_student(session, principal, data.student_id).id


def book_series(
    session: Session, principal: Principal, series_id: int, data: SeriesBookingCreate
) -> tuple[int, list[Booking]]:
    """Book every upcoming occurrence for one student, all or nothing; (student, bookings)."""
    student_id = _student_for(session, principal, data)
    series = visible_series(session, principal, series_id)
    now = utcnow()
    upcoming = [
        ts
        for ts in list_occurrences(session, series, with_bookings=False)
        if ts.status is SessionStatus.SCHEDULED and ts.starts_at > now
    ]
    if not upcoming:
        raise Conflict(_("This series has no session left to book."), code="nothing_to_book")
    booked: list[Booking] = []
    for ts in upcoming:
        try:
            booked.append(bookings.book_for(session, student_id, ts.id, data.enrollment_id))
        except ApiError as exc:
            raise _on_day(exc, ts.starts_at) from exc
    if principal.role is not Role.STUDENT:
        record(
            session,
            principal.user_id,
            "series.book",
            "session_series",
            series.id,
            {"student_id": student_id, "bookings": len(booked)},
        )
    return student_id, booked

"""Sessions: teachers schedule and cancel them; everyone signed in browses the catalogue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.api.pagination import fetch_counted_page
from nexus.audit.services import record
from nexus.cache import touching_rows
from nexus.db import utcnow
from nexus.errors import Conflict, NotFound, Unprocessable
from nexus.language import _, formats
from nexus.offers.models import Enrollment
from nexus.scheduling import notices
from nexus.scheduling.models import (
    Booking,
    BookingStatus,
    SessionKind,
    SessionPlace,
    SessionStatus,
    TutoringSession,
)
from nexus.scheduling.schemas import SessionCreate, SessionQuery, TeacherSessionQuery
from nexus.scheduling.texts import paris_day_bounds, subject_label

DEFAULT_GROUP_CAPACITY = 6


def _capacity(data: SessionCreate) -> int:
    if data.kind is SessionKind.INDIVIDUAL:
        if data.capacity not in (None, 1):
            raise Unprocessable(_("An individual session has exactly one seat."), field="capacity")
        return 1
    if data.capacity == 1:
        raise Unprocessable(_("A group session has at least two seats."), field="capacity")
    return data.capacity or DEFAULT_GROUP_CAPACITY


def check_new_session(data: SessionCreate) -> int:
    """The checks every new session passes (future, located, seats); its capacity."""
    if data.starts_at <= utcnow():
        raise Unprocessable(
            _("starts_at must be in the future."), field="starts_at", code="in_the_past"
        )
    resolve_place(data.place, data.online_url, data.room)
    return _capacity(data)


def resolve_place(
    place: SessionPlace | None, online_url: object | None, room: str | None
) -> SessionPlace:
    """Where a session happens: ``at_home`` needs nothing, ``online`` a link, ``centre`` a
    room; without ``place``, a link means online and a room the centre (422 otherwise)."""
    if place is None:
        if online_url is not None:
            return SessionPlace.ONLINE
        if room is not None:
            return SessionPlace.CENTRE
        raise Unprocessable(
            _("Give a place (at_home), an online_url or a room."),
            field="online_url",
            code="location_required",
        )
    if place is SessionPlace.ONLINE and online_url is None:
        raise Unprocessable(
            _("An online session needs an online_url."),
            field="online_url",
            code="location_required",
        )
    if place is SessionPlace.CENTRE and room is None:
        raise Unprocessable(
            _("A session at the centre needs a room."), field="room", code="location_required"
        )
    return place


def create_session(session: Session, principal: Principal, data: SessionCreate) -> TutoringSession:
    """Schedule a session for the calling teacher; it may not overlap one of theirs (409)."""
    capacity = check_new_session(data)
    return schedule(session, principal.user_id, data, capacity)


def schedule(
    session: Session,
    teacher_id: int,
    data: SessionCreate,
    capacity: int,
    series_id: int | None = None,
) -> TutoringSession:
    """Insert a checked session for ``teacher_id`` unless it overlaps one of theirs (409)."""
    ensure_free(session, teacher_id, data.starts_at, data.ends_at)
    ts = TutoringSession(
        teacher_id=teacher_id,
        series_id=series_id,
        kind=data.kind,
        subject=data.subject,
        level=data.level,
        title=data.title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        online_url=str(data.online_url) if data.online_url else None,
        room=data.room,
        place=resolve_place(data.place, data.online_url, data.room),
        capacity=capacity,
        seats_taken=0,
    )
    session.add(ts)
    session.flush()
    return ts


def ensure_free(
    session: Session,
    teacher_id: int,
    starts_at: datetime,
    ends_at: datetime,
    *,
    besides: int | None = None,
) -> None:
    """409 when the teacher already teaches (another session, not ``besides``) at that time.

    The teacher's row is locked first: two concurrent requests cannot both pass the check."""
    session.execute(select(User.id).where(User.id == teacher_id).with_for_update())
    conditions = [
        TutoringSession.teacher_id == teacher_id,
        TutoringSession.status != SessionStatus.CANCELLED,
        TutoringSession.starts_at < ends_at,
        TutoringSession.ends_at > starts_at,
    ]
    if besides is not None:
        conditions.append(TutoringSession.id != besides)
    clash = session.scalar(select(TutoringSession).where(*conditions).limit(1))
    if clash is not None:
        raise Conflict(
            _(
                "You already teach at that time: session %(id)s (%(subject)s, %(starts_at)s).",
                id=clash.id,
                subject=subject_label(clash.subject),
                starts_at=formats.when(clash.starts_at),
            ),
            field="starts_at",
            code="teacher_overlap",
        )


def _day_range(date_from: date | None, date_to: date | None) -> list[Any]:
    if date_from and date_to and date_to < date_from:
        raise Unprocessable(_("'to' must not be before 'from'."), field="to")
    conditions: list[Any] = []
    if date_from is not None:
        conditions.append(TutoringSession.starts_at >= paris_day_bounds(date_from)[0])
    if date_to is not None:
        conditions.append(TutoringSession.starts_at < paris_day_bounds(date_to)[1])
    return conditions


def _page(
    session: Session, conditions: list[Any], sort: str, offset: int, limit: int
) -> tuple[list[TutoringSession], int]:
    total = session.scalar(select(func.count()).select_from(TutoringSession).where(*conditions))
    statement = (
        select(TutoringSession)
        .where(*conditions)
        .order_by(_order(sort), TutoringSession.id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(statement).all()), total or 0


def _order(sort: str) -> Any:
    return TutoringSession.starts_at.desc() if sort.startswith("-") else TutoringSession.starts_at


def list_sessions(session: Session, query: SessionQuery) -> tuple[list[TutoringSession], int]:
    conditions = _day_range(query.date_from, query.date_to)
    if query.subject is not None:
        conditions.append(TutoringSession.subject == query.subject)
    if query.level is not None:
        conditions.append(TutoringSession.level == query.level)
    if query.teacher_id is not None:
        conditions.append(TutoringSession.teacher_id == query.teacher_id)
    if query.status is not None:
        conditions.append(TutoringSession.status == query.status)
    if query.available_only:
        conditions += [
            TutoringSession.status == SessionStatus.SCHEDULED,
            TutoringSession.starts_at > utcnow(),
            TutoringSession.seats_taken < TutoringSession.capacity,
        ]
    return _page(session, conditions, query.sort, query.offset, query.page_size)


def teacher_sessions(
    session: Session, principal: Principal, query: TeacherSessionQuery
) -> tuple[list[TutoringSession], int]:
    """The calling teacher's sessions, bookings loaded; page and total in one statement.

    The bookings come in a second (``selectinload``) query, without joining their session
    back: it is the parent already loaded, found in the identity map."""
    conditions = _day_range(query.date_from, query.date_to)
    conditions.append(TutoringSession.teacher_id == principal.user_id)
    if query.status is not None:
        conditions.append(TutoringSession.status == query.status)
    statement = (
        select(TutoringSession)
        .where(*conditions)
        .order_by(_order(query.sort), TutoringSession.id)
        .options(selectinload(TutoringSession.bookings).lazyload(Booking.session))
    )
    return fetch_counted_page(session, statement, query)


def booked_session_ids(session: Session, student_id: int, session_ids: list[int]) -> set[int]:
    """Which of these sessions the student holds a seat in (they see the video link)."""
    if not session_ids:
        return set()
    return set(
        session.scalars(
            select(Booking.session_id).where(
                Booking.student_id == student_id,
                Booking.status == BookingStatus.BOOKED,
                Booking.session_id.in_(session_ids),
            )
        )
    )


def is_in_charge(principal: Principal, ts: TutoringSession) -> bool:
    return principal.role is Role.ADMIN or ts.teacher_id == principal.user_id


def get_session(session: Session, session_id: int, *, with_bookings: bool) -> TutoringSession:
    statement = select(TutoringSession).where(TutoringSession.id == session_id)
    if with_bookings:
        statement = statement.options(selectinload(TutoringSession.bookings))
    ts = session.scalar(statement)
    if ts is None:
        raise NotFound(_("Session not found."))
    return ts


def owned_session(
    session: Session, principal: Principal, session_id: int, *, lock: bool = False
) -> TutoringSession:
    """The session if the caller teaches it (or is an admin), bookings loaded; 404 otherwise."""
    statement = (
        select(TutoringSession)
        .where(TutoringSession.id == session_id)
        .options(selectinload(TutoringSession.bookings))
        .execution_options(populate_existing=True)
    )
    if lock:
        statement = statement.with_for_update(of=TutoringSession)
    ts = session.scalar(statement)
    if ts is None or not is_in_charge(principal, ts):
        raise NotFound(_("Session not found."))
    return ts


def refund(session: Session, booking: Booking) -> None:
    """Give the booking's minutes back to its enrollment."""
    if booking.enrollment_id is None or booking.minutes_charged == 0:
        return
    session.execute(
        update(Enrollment)
        .where(
            Enrollment.id == booking.enrollment_id,
            Enrollment.minutes_used >= booking.minutes_charged,
        )
        .values(minutes_used=Enrollment.minutes_used - booking.minutes_charged)
        .execution_options(
            synchronize_session=False, **touching_rows(student_id=booking.student_id)
        )
    )


def cancel_session(
    session: Session, principal: Principal, session_id: int, reason: str
) -> TutoringSession:
    """Cancel a session that has not started: its bookings are cancelled and refunded."""
    ts = owned_session(session, principal, session_id, lock=True)
    if ts.status is SessionStatus.CANCELLED:
        raise Conflict(_("This session is already cancelled."), code="already_cancelled")
    now = utcnow()
    if ts.starts_at <= now:
        raise Conflict(_("A session that has started cannot be cancelled."), code="session_started")
    active = [b for b in ts.bookings if b.status is BookingStatus.BOOKED]
    for booking in active:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        refund(session, booking)
    ts.status = SessionStatus.CANCELLED
    ts.seats_taken = 0
    ts.cancelled_at = now
    ts.cancellation_reason = reason
    ts.revise(now)
    notices.session_cancelled(session, ts, active)
    if principal.role is Role.ADMIN:
        record(
            session,
            principal.user_id,
            "session.cancel",
            "tutoring_session",
            ts.id,
            {"reason": reason, "bookings_cancelled": len(active)},
        )
    return ts

"""After a session has started, its teacher (or an admin) records attendance and notes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.audit.services import record
from nexus.db import utcnow
from nexus.errors import Conflict, Unprocessable
from nexus.language import _
from nexus.scheduling.models import BookingStatus, SessionStatus, TutoringSession
from nexus.scheduling.schemas import AttendanceUpdate
from nexus.scheduling.sessions import owned_session


def record_attendance(
    session: Session, principal: Principal, session_id: int, data: AttendanceUpdate
) -> TutoringSession:
    """Set present/late/absent (and a note) per booking; the session becomes completed.

    Hours stay charged whatever the attendance: a seat held is a seat used.
    """
    ts = owned_session(session, principal, session_id)
    if ts.status is SessionStatus.CANCELLED:
        raise Conflict(_("This session was cancelled."), code="session_cancelled")
    if ts.starts_at > utcnow():
        raise Conflict(
            _("Attendance can be recorded once the session has started."),
            code="session_not_started",
        )
    active = {b.id: b for b in ts.bookings if b.status is BookingStatus.BOOKED}
    for index, entry in enumerate(data.records):
        if entry.booking_id not in active:
            raise Unprocessable(
                _(
                    "Booking %(booking_id)s is not an active booking of this session.",
                    booking_id=entry.booking_id,
                ),
                field=f"records.{index}.booking_id",
                code="unknown_booking",
            )
    for entry in data.records:
        active[entry.booking_id].attendance = entry.attendance
        active[entry.booking_id].teacher_note = entry.note
    if data.notes is not None:
        ts.teacher_notes = data.notes
    ts.status = SessionStatus.COMPLETED
    if principal.role is Role.ADMIN:
        record(
            session,
            principal.user_id,
            "session.attendance",
            "tutoring_session",
            ts.id,
            {"records": [r.model_dump(mode="json") for r in data.records]},
        )
    return ts

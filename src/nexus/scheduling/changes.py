"""Moving a session or changing its place, before it starts: what calendars call a revision."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.audit.services import record
from nexus.db import utcnow
from nexus.errors import Conflict, Unprocessable
from nexus.language import _
from nexus.scheduling import notices
from nexus.scheduling.models import BookingStatus, SessionPlace, SessionStatus, TutoringSession
from nexus.scheduling.schemas import MAX_DURATION, SessionChange
from nexus.scheduling.sessions import ensure_free, owned_session, resolve_place


def change_session(
    session: Session, principal: Principal, session_id: int, data: SessionChange
) -> TutoringSession:
    """Apply the change (its teacher or an admin); the session's ``sequence`` rises when
    anything changed. 409 once cancelled or started, or when the new time clashes."""
    ts = owned_session(session, principal, session_id, lock=True)
    if ts.status is SessionStatus.CANCELLED:
        raise Conflict(_("This session is already cancelled."), code="already_cancelled")
    now = utcnow()
    if ts.starts_at <= now:
        raise Conflict(_("A session that has started cannot be changed."), code="session_started")
    sent = data.model_fields_set
    starts_at = data.starts_at if data.starts_at is not None else ts.starts_at
    if data.ends_at is not None:
        ends_at = data.ends_at
    else:
        ends_at = starts_at + (ts.ends_at - ts.starts_at)
    if starts_at <= now:
        raise Unprocessable(
            _("starts_at must be in the future."), field="starts_at", code="in_the_past"
        )
    if ends_at <= starts_at or ends_at - starts_at > MAX_DURATION:
        raise Unprocessable(
            _(
                "A session ends after it starts and lasts at most %(hours)s hours.",
                hours=int(MAX_DURATION.total_seconds() // 3600),
            ),
            field="ends_at",
        )
    online_url = (
        (str(data.online_url) if data.online_url else None)
        if "online_url" in sent
        else ts.online_url
    )
    room = data.room if "room" in sent else ts.room
    if data.place is not None:
        place = resolve_place(data.place, online_url, room)
    elif ts.place is SessionPlace.AT_HOME:
        place = ts.place
    else:
        # Without a place, a link means online and a room the centre (as backfilled in 0028).
        place = resolve_place(None, online_url, room)
    moved = (starts_at, ends_at) != (ts.starts_at, ts.ends_at)
    if moved:
        ensure_free(session, ts.teacher_id, starts_at, ends_at, besides=ts.id)
    if not moved and (online_url, room, place) == (ts.online_url, ts.room, ts.place):
        return ts
    old_start = ts.starts_at
    before = {
        "starts_at": ts.starts_at.isoformat(),
        "room": ts.room,
        "online_url": ts.online_url,
        "place": ts.place.value,
    }
    ts.starts_at, ts.ends_at, ts.online_url, ts.room = starts_at, ends_at, online_url, room
    ts.place = place
    ts.revise(now)
    booked = [b for b in ts.bookings if b.status is BookingStatus.BOOKED]
    notices.session_changed(session, ts, booked, old_start=old_start)
    if principal.role is Role.ADMIN:
        record(session, principal.user_id, "session.change", "tutoring_session", ts.id, before)
    return ts

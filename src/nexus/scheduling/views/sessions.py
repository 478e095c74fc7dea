"""Sessions: the catalogue, scheduling, cancellation, attendance and booking a seat."""

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page
from nexus.db import db
from nexus.scheduling import attendance, bookings, changes, presenters, sessions
from nexus.scheduling.schemas import (
    AttendanceUpdate,
    BookingCreate,
    BookingPublic,
    SessionCancel,
    SessionChange,
    SessionCreate,
    SessionDetail,
    SessionPath,
    SessionPublic,
    SessionQuery,
)

bp = api_blueprint(
    "sessions", __name__, url_prefix="/api/v1/sessions", description="Tutoring sessions"
)


@bp.get("", responses={200: Page[SessionPublic], **errors(422)})
@allow()
def list_sessions(query: SessionQuery) -> Response:
    """The session catalogue, filtered and sorted by start (``-starts_at`` for latest first)."""
    principal = current_principal()
    items, total = sessions.list_sessions(db.session, query)
    mine = sessions.booked_session_ids(db.session, principal.user_id, [s.id for s in items])
    public = [
        presenters.session_public(s, show_link=s.id in mine or sessions.is_in_charge(principal, s))
        for s in items
    ]
    return json_response(Page[SessionPublic].of(public, query, total))


@bp.post("", responses={201: SessionDetail, **errors(409, 422)})
@allow(Role.TEACHER)
def create_session(body: SessionCreate) -> Response:
    """Schedule a session (individual or group) taught by the signed-in teacher."""
    ts = sessions.create_session(db.session, current_principal(), body)
    ts = sessions.get_session(db.session, ts.id, with_bookings=True)
    return json_response(presenters.session_detail(ts, in_charge=True, show_link=True), 201)


@bp.get("/<int:session_id>", responses={200: SessionDetail, **errors(404)})
@allow()
def get_session(path: SessionPath) -> Response:
    """One session; its teacher and admins also get the bookings and notes."""
    principal = current_principal()
    ts = sessions.get_session(db.session, path.session_id, with_bookings=False)
    in_charge = sessions.is_in_charge(principal, ts)
    if in_charge:
        ts = sessions.get_session(db.session, ts.id, with_bookings=True)
    booked = sessions.booked_session_ids(db.session, principal.user_id, [ts.id])
    detail = presenters.session_detail(ts, in_charge=in_charge, show_link=bool(booked))
    return json_response(detail)


@bp.patch("/<int:session_id>", responses={200: SessionDetail, **errors(404, 409, 422)})
@allow(Role.TEACHER, Role.ADMIN)
def change_session(path: SessionPath, body: SessionChange) -> Response:
    """Move a session or change its place before it starts (its teacher or an admin)."""
    ts = changes.change_session(db.session, current_principal(), path.session_id, body)
    return json_response(presenters.session_detail(ts, in_charge=True, show_link=True))


@bp.post("/<int:session_id>/cancel", responses={200: SessionDetail, **errors(404, 409, 422)})
@allow(Role.TEACHER, Role.ADMIN)
def cancel_session(path: SessionPath, body: SessionCancel) -> Response:
    """Cancel a session before it starts: bookings cancelled, hours refunded, students told."""
    ts = sessions.cancel_session(db.session, current_principal(), path.session_id, body.reason)
    return json_response(presenters.session_detail(ts, in_charge=True, show_link=True))


@bp.put("/<int:session_id>/attendance", responses={200: SessionDetail, **errors(404, 409, 422)})
@allow(Role.TEACHER, Role.ADMIN)
def record_attendance(path: SessionPath, body: AttendanceUpdate) -> Response:
    """Record attendance and notes once the session has started (its teacher or an admin)."""
    ts = attendance.record_attendance(db.session, current_principal(), path.session_id, body)
    return json_response(presenters.session_detail(ts, in_charge=True, show_link=True))


@bp.post("/<int:session_id>/bookings", responses={201: BookingPublic, **errors(404, 409, 422)})
@allow(Role.STUDENT)
def book_session(path: SessionPath, body: BookingCreate) -> Response:
    """Book a seat for the signed-in student, charging the session's length to an enrollment."""
    booking = bookings.book(db.session, current_principal(), path.session_id, body.enrollment_id)
    return json_response(presenters.booking_public(booking), 201)

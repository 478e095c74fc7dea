"""Bookings seen from a student, and a teacher's own schedule."""

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page
from nexus.db import db
from nexus.people.schemas.students import StudentPath
from nexus.scheduling import bookings, history, presenters, sessions
from nexus.scheduling.schemas import (
    BookingPath,
    BookingPublic,
    BookingQuery,
    SessionDetail,
    TeacherSessionQuery,
)

bp = api_blueprint("bookings", __name__, url_prefix="/api/v1", description="Bookings and schedules")


def _page(student_id: int, query: BookingQuery) -> Response:
    items, total = history.list_bookings(db.session, current_principal(), student_id, query)
    return json_response(
        Page[BookingPublic].of([presenters.booking_public(b) for b in items], query, total)
    )


@bp.get("/students/me/bookings", responses={200: Page[BookingPublic], **errors(422)})
@allow(Role.STUDENT)
def my_bookings(query: BookingQuery) -> Response:
    """The signed-in student's bookings, by session start."""
    return _page(current_principal().user_id, query)


@bp.get(
    "/students/<int:student_id>/bookings",
    responses={200: Page[BookingPublic], **errors(404, 422)},
)
@allow()
def student_bookings(path: StudentPath, query: BookingQuery) -> Response:
    """A student's bookings (a linked parent, an admin; a teacher: their own sessions only)."""
    return _page(path.student_id, query)


@bp.get("/bookings/<int:booking_id>", responses={200: BookingPublic, **errors(404)})
@allow(Role.STUDENT, Role.ADMIN)
def get_booking(path: BookingPath) -> Response:
    """One booking (its student or an admin)."""
    booking = bookings.visible_booking(db.session, current_principal(), path.booking_id)
    return json_response(presenters.booking_public(booking))


@bp.post("/bookings/<int:booking_id>/cancel", responses={200: BookingPublic, **errors(404, 409)})
@allow(Role.STUDENT, Role.ADMIN)
def cancel_booking(path: BookingPath) -> Response:
    """Cancel a booking up to 24 h before the session; its hours are given back."""
    booking = bookings.cancel_booking(db.session, current_principal(), path.booking_id)
    return json_response(presenters.booking_public(booking))


@bp.get("/teachers/me/sessions", responses={200: Page[SessionDetail], **errors(422)})
@allow(Role.TEACHER)
def my_sessions(query: TeacherSessionQuery) -> Response:
    """The signed-in teacher's sessions with their bookings."""
    items, total = sessions.teacher_sessions(db.session, current_principal(), query)
    return json_response(
        Page[SessionDetail].of(
            [presenters.session_detail(s, in_charge=True, show_link=True) for s in items],
            query,
            total,
        )
    )

"""Weekly series of sessions: schedule one, see it, move or cancel occurrences, book it whole."""

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.db import db
from nexus.scheduling import presenters, series, sessions
from nexus.scheduling.models import SessionSeries
from nexus.scheduling.schemas import SessionDetail
from nexus.scheduling.series_schemas import (
    OccurrenceMove,
    OccurrencePath,
    SeriesBookingCreate,
    SeriesBookings,
    SeriesCancel,
    SeriesCreate,
    SeriesPath,
    SeriesPublic,
)

bp = api_blueprint(
    "session_series",
    __name__,
    url_prefix="/api/v1/session-series",
    description="Weekly series of sessions",
)


def _present(found: SessionSeries) -> Response:
    principal = current_principal()
    in_charge = series.in_charge(principal, found)
    items = series.list_occurrences(db.session, found, with_bookings=in_charge)
    booked = sessions.booked_session_ids(db.session, principal.user_id, [ts.id for ts in items])
    teacher = series.teacher_of(db.session, found)
    return json_response(
        presenters.series_public(found, teacher, items, in_charge=in_charge, booked=booked)
    )


@bp.post("", responses={201: SeriesPublic, **errors(403, 404, 409, 422)})
@allow(Role.TEACHER, Role.ADMIN)
def create_series(body: SeriesCreate) -> Response:
    """Schedule a weekly series, skipping public holidays and the zone's school holidays."""
    created = series.create_series(db.session, current_principal(), body)
    response = _present(created)
    response.status_code = 201
    return response


@bp.get("/<int:series_id>", responses={200: SeriesPublic, **errors(404)})
@allow()
def get_series(path: SeriesPath) -> Response:
    """A series: its occurrences and the days it skips (its teacher, admins, families)."""
    return _present(series.visible_series(db.session, current_principal(), path.series_id))


@bp.patch(
    "/<int:series_id>/occurrences/<int:session_id>",
    responses={200: SessionDetail, **errors(404, 409, 422)},
)
@allow(Role.TEACHER, Role.ADMIN)
def move_occurrence(path: OccurrencePath, body: OccurrenceMove) -> Response:
    """Move one occurrence that has not started to another slot."""
    ts = series.move_occurrence(
        db.session, current_principal(), path.series_id, path.session_id, body
    )
    return json_response(presenters.session_detail(ts, in_charge=True, show_link=True))


@bp.post("/<int:series_id>/cancel", responses={200: SeriesPublic, **errors(404, 409, 422)})
@allow(Role.TEACHER, Role.ADMIN)
def cancel_series(path: SeriesPath, body: SeriesCancel) -> Response:
    """Cancel the occurrence of ``from`` and the rest: bookings refunded, families told."""
    found = series.cancel_from(
        db.session, current_principal(), path.series_id, body.from_day, body.reason
    )
    return _present(found)


@bp.post("/<int:series_id>/bookings", responses={201: SeriesBookings, **errors(404, 409, 422)})
@allow(Role.STUDENT, Role.PARENT, Role.ADMIN)
def book_series(path: SeriesPath, body: SeriesBookingCreate) -> Response:
    """Book every upcoming occurrence for a student, all or nothing."""
    student_id, booked = series.book_series(db.session, current_principal(), path.series_id, body)
    return json_response(
        SeriesBookings(
            series_id=path.series_id,
            student_id=student_id,
            bookings=[presenters.booking_public(b) for b in booked],
        ),
        201,
    )

"""The signed-in user's secret calendar address, and the feed it serves (iCalendar)."""

from __future__ import annotations

from flask import Response, current_app, url_for

from nexus.accounts.permissions import allow, current_principal, public
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.db import db
from nexus.ratelimit import limiter, refused
from nexus.scheduling import calendar
from nexus.scheduling.schemas import CalendarFeedPublic, CalendarTokenPath

bp = api_blueprint(
    "calendar", __name__, url_prefix="/api/v1", description="Calendar feeds (iCalendar)"
)

ICS_RESPONSE = {
    "description": "The user's sessions as an iCalendar (RFC 5545) feed, Europe/Paris times",
    "content": {"text/calendar": {"schema": {"type": "string"}}},
}


@bp.post("/me/calendar-feed", responses={201: CalendarFeedPublic})
@allow()
def create_calendar_feed() -> Response:
    """A new secret calendar address for the signed-in user (the previous one stops working)."""
    token, feed = calendar.issue_feed(db.session, current_principal())
    url = url_for("calendar.calendar_feed", token=token, _external=True)
    return json_response(CalendarFeedPublic(url=url, created_at=feed.created_at), 201)


@bp.delete("/me/calendar-feed", responses={204: None})
@allow()
def delete_calendar_feed() -> Response:
    """Revoke the signed-in user's calendar address (it then answers 404)."""
    calendar.revoke_feed(db.session, current_principal())
    return current_app.response_class(status=204)


@bp.get("/calendar/<token>.ics", responses={200: ICS_RESPONSE, **errors(404, 429)})
@public
@limiter.limit("30 per minute", deduct_when=refused, scope="calendar-feed")
def calendar_feed(path: CalendarTokenPath) -> Response:
    """The feed behind a secret address: no Authorization header, the address is the secret."""
    user = calendar.feed_owner(db.session, path.token)
    body = calendar.render_feed(db.session, user)
    return current_app.response_class(
        body,
        status=200,
        content_type=calendar.CONTENT_TYPE,
        headers={"Cache-Control": "private, max-age=300"},
    )

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page
from nexus.db import db
from nexus.notifications import services
from nexus.notifications.preferences import Category, Channel, preferences_of, set_preference
from nexus.notifications.schemas import (
    CategoryPreference,
    MarkedRead,
    NotificationPath,
    NotificationPublic,
    NotificationQuery,
    PreferencesPublic,
    PreferencesUpdate,
    UnreadCount,
)

bp = api_blueprint(
    "notifications",
    __name__,
    url_prefix="/api/v1/notifications",
    description="The signed-in user's in-app notifications",
)


@bp.get("", responses={200: Page[NotificationPublic], **errors(422)})
@allow()
def list_notifications(query: NotificationQuery) -> Response:
    """The caller's notifications, newest first (``unread_only`` to filter)."""
    items, total = services.list_for(
        db.session,
        current_principal(),
        unread_only=query.unread_only,
        offset=query.offset,
        limit=query.page_size,
    )
    page = Page[NotificationPublic].of(
        [NotificationPublic.model_validate(n) for n in items], query, total
    )
    return json_response(page)


@bp.get("/unread-count", responses={200: UnreadCount})
@allow()
def unread_count() -> Response:
    """How many of the caller's notifications are unread."""
    return json_response(UnreadCount(unread=services.unread_count(db.session, current_principal())))


@bp.post("/<int:notification_id>/read", responses={200: NotificationPublic, **errors(404)})
@allow()
def mark_read(path: NotificationPath) -> Response:
    """Mark one notification read (idempotent)."""
    notification = services.mark_read(db.session, current_principal(), path.notification_id)
    return json_response(NotificationPublic.model_validate(notification))


@bp.post("/read-all", responses={200: MarkedRead})
@allow()
def mark_all_read() -> Response:
    """Mark every unread notification of the caller read."""
    return json_response(MarkedRead(marked=services.mark_all_read(db.session, current_principal())))


@bp.get("/preferences", responses={200: PreferencesPublic})
@allow()
def get_preferences() -> Response:
    """What the caller is told, per category, in the app and by e-mail."""
    return json_response(_preferences(current_principal().user_id))


@bp.put("/preferences", responses={200: PreferencesPublic, **errors(422)})
@allow()
def update_preferences(body: PreferencesUpdate) -> Response:
    """Turn categories on or off per channel (fields left out stay as they are)."""
    user_id = current_principal().user_id
    for change in body.preferences:
        for channel, enabled in ((Channel.IN_APP, change.in_app), (Channel.EMAIL, change.email)):
            if enabled is not None:
                set_preference(db.session, user_id, Category(change.category), channel, enabled)
    return json_response(_preferences(user_id))


def _preferences(user_id: int) -> PreferencesPublic:
    chosen = preferences_of(db.session, user_id)
    return PreferencesPublic(
        preferences=[
            CategoryPreference(
                category=category.value,
                in_app=channels[Channel.IN_APP],
                email=channels[Channel.EMAIL],
            )
            for category, channels in chosen.items()
        ],
        always_sent=Category.ESSENTIAL.value,
    )

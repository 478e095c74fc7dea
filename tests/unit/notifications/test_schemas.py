"""Notification schemas read the ORM objects as they are."""

from __future__ import annotations

from nexus.db import utcnow
from nexus.notifications.models import NotificationKind
from nexus.notifications.schemas import NotificationPublic
from tests.factories.notifications import NotificationFactory


def test_notification_public_reads_the_model() -> None:
    now = utcnow()
    notification = NotificationFactory.build(
        id=1,
        user_id=2,
        kind=NotificationKind.SESSION_REMINDER,
        title="Rappel : NSI demain à 17 h 00",
        body="Séance avec Marc Lefèvre.",
        data={"session_id": 9},
        read_at=None,
        created_at=now,
    )
    public = NotificationPublic.model_validate(notification)
    dumped = public.model_dump(mode="json")
    assert dumped["kind"] == "session_reminder"
    assert dumped["data"] == {"session_id": 9}
    assert dumped["created_at"].endswith("Z") or dumped["created_at"].endswith("+00:00")

"""``notify_once`` inserts each dedupe key once, whatever the backend."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.notifications.models import Notification, NotificationKind
from nexus.notifications.services import notify_once
from tests.factories.accounts import UserFactory


def test_each_key_is_inserted_once(session: Session) -> None:
    first, second = UserFactory(role=Role.STUDENT), UserFactory(role=Role.PARENT)
    kind = NotificationKind.ALERT
    assert notify_once(session, {}, kind, "Rien", "", {}) == 0
    keys = {first.id: f"alerte:1:{first.id}"}
    assert notify_once(session, keys, kind, "Alerte", "Corps", {"n": 1}) == 1
    keys[second.id] = f"alerte:1:{second.id}"
    assert notify_once(session, keys, kind, "Alerte", "Corps", {"n": 1}) == 1
    count = session.scalar(select(func.count()).select_from(Notification))
    assert count == 2

"""Notifications."""

from __future__ import annotations

import factory

from nexus.accounts.roles import Role
from nexus.notifications.models import Notification, NotificationKind
from tests.factories import ModelFactory, new_id
from tests.factories.accounts import UserFactory


class NotificationFactory(ModelFactory):
    class Meta:
        model = Notification

    user_id = new_id(UserFactory, role=Role.STUDENT)
    kind = NotificationKind.ALERT
    title = factory.Sequence(lambda n: f"Alerte {n}")
    body = ""

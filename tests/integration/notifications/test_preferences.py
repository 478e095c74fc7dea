"""Per-user preferences by category and channel, over HTTP, and what ``notify`` does of them."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.notifications.models import Notification, NotificationKind
from nexus.notifications.preferences import Category, Channel, wanting
from nexus.notifications.services import notify
from tests.support.api import Api

URL = "/api/v1/notifications/preferences"


def test_everything_is_on_until_turned_off_per_channel(api: Api, session: Session) -> None:
    parent = api.actor(Role.PARENT)
    other = api.actor(Role.PARENT)
    initial = api.get(URL, parent).get_json()
    assert initial["always_sent"] == "essential"
    assert {p["category"]: (p["in_app"], p["email"]) for p in initial["preferences"]} == {
        "sessions": (True, True),
        "reports": (True, True),
        "messages": (True, True),
        "billing": (True, True),
    }

    changed = api.put(URL, parent, json={"preferences": [{"category": "reports", "in_app": False}]})
    assert changed.status_code == 200, changed.get_json()
    reports = [p for p in changed.get_json()["preferences"] if p["category"] == "reports"]
    assert reports == [{"category": "reports", "in_app": False, "email": True}]
    assert wanting(session, [parent.id, other.id], Category.REPORTS, Channel.IN_APP) == [other.id]
    assert wanting(session, [parent.id], Category.REPORTS, Channel.EMAIL) == [parent.id]

    notify(session, [parent.id, other.id], NotificationKind.SESSION_REPORT, "Compte rendu", "", {})
    notify(session, [parent.id], NotificationKind.ARIA_SAFETY, "Message préoccupant", "", {})
    session.flush()
    kinds = session.scalars(
        select(Notification.kind).where(Notification.user_id == parent.id)
    ).all()
    assert kinds == [NotificationKind.ARIA_SAFETY]  # essential: sent whatever the choices
    back = api.put(URL, parent, json={"preferences": [{"category": "reports", "in_app": True}]})
    assert all(p["in_app"] for p in back.get_json()["preferences"])


@pytest.mark.parametrize(
    "body",
    [
        {"preferences": [{"category": "essential", "email": False}]},
        {"preferences": [{"category": "newsletter", "email": False}]},
        {"preferences": [{"category": "reports", "email": "non"}]},
        {"preferences": []},
        {"preferences": [{"category": "reports", "sms": False}]},
    ],
)
def test_bad_choices_are_refused(api: Api, body: dict) -> None:
    response = api.put(URL, api.actor(Role.PARENT), json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "validation_error"


def test_signed_in_only(api: Api) -> None:
    assert api.get(URL).status_code == 401


def test_every_kind_of_notice_has_a_category() -> None:
    from nexus.notifications.preferences import KIND_CATEGORY

    assert set(KIND_CATEGORY) == set(NotificationKind)

"""The notification inbox: list, unread filter and count, mark read; ``notify`` for others."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.notifications.models import NotificationKind
from nexus.notifications.services import notify
from tests.support.api import Api


def test_inbox_lifecycle(api: Api, app: Flask, session: Session) -> None:
    parent, other = api.actor(Role.PARENT), api.actor(Role.PARENT)
    for n in range(3):
        notify(
            session,
            [parent.id, parent.id],  # a repeated recipient gets one notification
            NotificationKind.NEW_ASSESSMENT,
            f"Nouvelle évaluation n° {n}",
            "Lucas a obtenu 15/20 en Mathématiques.",
            {"assessment_id": n},
        )
    notify(session, [], NotificationKind.ALERT, "Personne", "", {})
    session.commit()

    listed = api.get("/api/v1/notifications", parent).get_json()
    assert listed["total"] == 3
    assert [item["title"] for item in listed["items"]] == [
        "Nouvelle évaluation n° 2",
        "Nouvelle évaluation n° 1",
        "Nouvelle évaluation n° 0",
    ]
    assert api.get("/api/v1/notifications/unread-count", parent).get_json() == {"unread": 3}

    first_id = listed["items"][0]["id"]
    read = api.post(f"/api/v1/notifications/{first_id}/read", parent)
    assert read.status_code == 200
    read_at = read.get_json()["read_at"]
    assert read_at is not None
    again = api.post(f"/api/v1/notifications/{first_id}/read", parent).get_json()
    assert again["read_at"] == read_at  # idempotent
    unread = api.get("/api/v1/notifications?unread_only=true", parent).get_json()
    assert unread["total"] == 2 and first_id not in [i["id"] for i in unread["items"]]

    assert api.post(f"/api/v1/notifications/{first_id}/read", other).status_code == 404
    assert api.get("/api/v1/notifications", other).get_json()["total"] == 0

    assert api.post("/api/v1/notifications/read-all", parent).get_json() == {"marked": 2}
    assert api.get("/api/v1/notifications/unread-count", parent).get_json() == {"unread": 0}
    assert api.post("/api/v1/notifications/read-all", parent).get_json() == {"marked": 0}


def test_inbox_pagination_and_auth(api: Api, session: Session) -> None:
    student = api.actor(Role.STUDENT)
    notify(session, [student.id], NotificationKind.ALERT, "Alerte", "", {})
    session.commit()
    page = api.get("/api/v1/notifications?page=2&page_size=1", student).get_json()
    assert page["items"] == [] and page["total"] == 1 and page["page"] == 2
    too_big = api.get("/api/v1/notifications?page_size=500", student)
    assert too_big.status_code == 422
    assert too_big.get_json()["error"]["fields"][0]["field"] == "page_size"
    assert api.get("/api/v1/notifications").status_code == 401

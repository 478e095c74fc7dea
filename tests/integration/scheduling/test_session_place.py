"""Where a session happens: at home (nothing else needed), online (a link), centre (a room)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.scheduling.models import SessionPlace
from tests.factories.scheduling import TutoringSessionFactory
from tests.integration.scheduling.test_sessions import _next_winter_day, _payload
from tests.support.api import Api


def test_an_at_home_session_needs_no_room_or_link(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    payload = _payload(_next_winter_day(), kind="individual", capacity=None, place="at_home")
    del payload["online_url"]
    response = api.post("/api/v1/sessions", teacher, json=payload)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["place"], body["room"], body["online_url"]) == ("at_home", None, None)


def test_without_a_place_a_link_means_online_and_a_room_the_centre(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    start = _next_winter_day()
    online = api.post("/api/v1/sessions", teacher, json=_payload(start))
    assert online.status_code == 201 and online.get_json()["place"] == "online"
    later = start + timedelta(hours=3)
    centre = api.post(
        "/api/v1/sessions", teacher, json=_payload(later, online_url=None, room="B12")
    )
    assert centre.status_code == 201 and centre.get_json()["place"] == "centre"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"place": "online", "online_url": None, "room": "B12"}, "online_url", "location_required"),
        ({"place": "centre"}, "room", "location_required"),
        ({"online_url": None}, "online_url", "location_required"),
        ({"place": "garden"}, "place", "validation_error"),
    ],
)
def test_an_impossible_place_is_a_422_naming_the_field(
    api: Api, overrides: dict[str, object], field: str, code: str
) -> None:
    teacher = api.actor(Role.TEACHER)
    response = api.post("/api/v1/sessions", teacher, json=_payload(_next_winter_day(), **overrides))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["fields"][0]["field"] == field


def test_changing_the_place(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER)
    ts = TutoringSessionFactory(teacher_id=teacher.id, kind="individual")
    session.commit()
    url = f"/api/v1/sessions/{ts.id}"
    home = api.patch(url, teacher, json={"place": "at_home", "online_url": None})
    assert home.status_code == 200, home.get_json()
    assert (home.get_json()["place"], home.get_json()["online_url"]) == ("at_home", None)
    # An at-home session stays at home when only its notes of place change.
    kept = api.patch(url, teacher, json={"room": "Chez la famille"})
    assert kept.status_code == 200 and kept.get_json()["place"] == "at_home"
    refused = api.patch(url, teacher, json={"place": "online"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "location_required"
    centre = api.patch(url, teacher, json={"place": "centre"})
    assert centre.status_code == 200 and centre.get_json()["place"] == "centre"
    session.expire_all()
    assert session.get_one(type(ts), ts.id).place is SessionPlace.CENTRE

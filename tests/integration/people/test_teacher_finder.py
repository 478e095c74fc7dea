"""Finding a teacher for a free slot: weekly availability, minus the sessions they teach."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.clock import PARIS, paris_today
from nexus.scheduling.models import SessionStatus
from tests.factories.accounts import UserFactory
from tests.factories.people import TeacherProfileFactory
from tests.factories.scheduling import TutoringSessionFactory
from tests.support.api import Actor, Api

TUESDAY_EVENING = [{"weekday": 1, "start": "17:00", "end": "20:00"}]
WEDNESDAY_AFTERNOON = [{"weekday": 2, "start": "14:00", "end": "18:00"}]


def _next_tuesday() -> str:
    today = paris_today()
    return (today + timedelta(days=(1 - today.weekday()) % 7 or 7)).isoformat()


def _at(day: str, clock: str) -> datetime:
    return datetime.combine(
        datetime.fromisoformat(day).date(), time.fromisoformat(clock), tzinfo=PARIS
    ).astimezone(UTC)


def _names(api: Api, viewer: Actor, query: str) -> list[str]:
    response = api.get(f"/api/v1/teachers?{query}", viewer)
    assert response.status_code == 200, response.get_json()
    return [t["last_name"] for t in response.get_json()["items"]]


def _arrange(session: Session) -> dict[str, int]:
    teachers = {}
    for name, subjects, levels, availability in (
        ("Bernard", ["mathematiques"], ["terminale"], TUESDAY_EVENING),
        ("Durand", ["mathematiques", "nsi"], ["premiere"], TUESDAY_EVENING),
        ("Lefèvre", ["nsi"], ["terminale"], WEDNESDAY_AFTERNOON),
        ("Martin", ["mathematiques"], ["terminale"], TUESDAY_EVENING + WEDNESDAY_AFTERNOON),
    ):
        user = UserFactory(role=Role.TEACHER, last_name=name)
        TeacherProfileFactory(
            user_id=user.id, subjects=subjects, levels=levels, weekly_availability=availability
        )
        teachers[name] = user.id
    UserFactory(role=Role.TEACHER, last_name="Sansprofil")
    session.commit()
    return teachers


def test_subject_level_and_weekday_filters(api: Api, session: Session) -> None:
    viewer = api.actor(Role.PARENT)
    _arrange(session)
    assert _names(api, viewer, "subject=mathematiques") == ["Bernard", "Durand", "Martin"]
    assert _names(api, viewer, "subject=mathematiques&level=premiere") == ["Durand"]
    assert _names(api, viewer, "day=mardi&time=17:00") == ["Bernard", "Durand", "Martin"]
    assert _names(api, viewer, "day=Wednesday&time=15:00&subject=nsi") == ["Lefèvre"]
    assert _names(api, viewer, "day=mercredi&time=15:00&level=terminale") == ["Lefèvre", "Martin"]
    # The whole slot must fit in one window: 19:30 + 60 min ends after 20:00.
    assert _names(api, viewer, "day=mardi&time=19:30") == []
    assert _names(api, viewer, "day=mardi&time=19:30&duration=30") == [
        "Bernard",
        "Durand",
        "Martin",
    ]
    # Nobody is available on Tuesday morning or on Sunday.
    assert _names(api, viewer, "day=mardi&time=10:00") == []
    assert _names(api, viewer, "day=dimanche&time=17:00") == []


def test_a_teacher_with_a_session_then_is_not_free(api: Api, session: Session) -> None:
    viewer = api.actor(Role.STUDENT)
    teachers = _arrange(session)
    tuesday = _next_tuesday()
    TutoringSessionFactory(
        teacher_id=teachers["Bernard"],
        starts_at=_at(tuesday, "17:30"),
        ends_at=_at(tuesday, "18:30"),
    )
    TutoringSessionFactory(
        teacher_id=teachers["Durand"],
        starts_at=_at(tuesday, "17:00"),
        ends_at=_at(tuesday, "18:00"),
        status=SessionStatus.CANCELLED,
    )
    session.commit()
    query = f"day={tuesday}&time=17:00&subject=mathematiques"
    # Bernard teaches from 17:30 (overlap); Durand's session was cancelled: free again.
    assert _names(api, viewer, query) == ["Durand", "Martin"]
    # Right after Bernard's session the slot is free; a half-hour before it too.
    assert _names(api, viewer, f"day={tuesday}&time=18:30&subject=mathematiques") == [
        "Bernard",
        "Durand",
        "Martin",
    ]
    assert "Bernard" in _names(api, viewer, f"day={tuesday}&time=17:00&duration=30")
    # The week after, the same time is free for Bernard again.
    week_after = (datetime.fromisoformat(tuesday) + timedelta(days=7)).date().isoformat()
    assert _names(api, viewer, f"day={week_after}&time=17:00") == ["Bernard", "Durand", "Martin"]


def test_slot_queries_are_validated(api: Api) -> None:
    viewer = api.actor(Role.ADMIN)
    yesterday = (paris_today() - timedelta(days=1)).isoformat()
    cases = {
        "day=mardi": "time",
        "time=17:00": "day",
        "duration=60": "duration",
        "day=jour-de-fête&time=17:00": "day",
        "day=mardi&time=25:00": "time",
        "day=mardi&time=17h": "time",
        "day=mardi&time=17:00&duration=5": "duration",
        "day=mardi&time=23:00&duration=90": "duration",
        f"day={yesterday}&time=17:00": "day",
    }
    for query, field in cases.items():
        response = api.get(f"/api/v1/teachers?{query}", viewer)
        assert response.status_code == 422, query
        error = response.get_json()["error"]
        assert error["fields"][0]["field"] == field, (query, error)
        assert error["message"]


def test_slot_results_are_paginated(api: Api, session: Session) -> None:
    viewer = api.actor(Role.STUDENT)
    _arrange(session)
    first = api.get("/api/v1/teachers?day=mardi&time=17:00&page_size=2", viewer).get_json()
    assert [t["last_name"] for t in first["items"]] == ["Bernard", "Durand"]
    assert first["total"] == 3 and first["page_size"] == 2
    second = api.get("/api/v1/teachers?day=mardi&time=17:00&page_size=2&page=2", viewer)
    assert [t["last_name"] for t in second.get_json()["items"]] == ["Martin"]
    assert api.get("/api/v1/teachers?day=mardi&time=17:00").status_code == 401

"""Teacher profiles and the directory of teachers."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.people import TeacherProfileFactory
from tests.support.api import Api

PROFILE = {
    "subjects": ["mathematiques", "nsi"],
    "levels": ["premiere", "terminale"],
    "bio": "Agrégée de mathématiques.",
    "weekly_availability": [
        {"weekday": 2, "start": "14:00", "end": "18:00"},
        {"weekday": 1, "start": "17:00", "end": "20:00"},
    ],
}


def test_teacher_profile_round_trip(api: Api) -> None:
    teacher = api.actor(Role.TEACHER, first_name="Sophie", last_name="Bernard")
    empty = api.get("/api/v1/teachers/me/profile", teacher)
    assert empty.status_code == 200
    assert empty.get_json()["subjects"] == []
    saved = api.put("/api/v1/teachers/me/profile", teacher, json=PROFILE)
    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["subjects"] == ["mathematiques", "nsi"]
    # Availability comes back in week order.
    assert [slot["weekday"] for slot in body["weekly_availability"]] == [1, 2]
    assert api.get(f"/api/v1/teachers/{teacher.id}", teacher).get_json() == body


def test_availability_is_validated(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    cases = [
        [{"weekday": 1, "start": "18:00", "end": "17:00"}],
        [{"weekday": 7, "start": "10:00", "end": "11:00"}],
        [{"weekday": 1, "start": "25:00", "end": "26:00"}],
        [
            {"weekday": 1, "start": "17:00", "end": "19:00"},
            {"weekday": 1, "start": "18:00", "end": "20:00"},
        ],
    ]
    for slots in cases:
        response = api.put(
            "/api/v1/teachers/me/profile", teacher, json={**PROFILE, "weekly_availability": slots}
        )
        assert response.status_code == 422, slots
        assert response.get_json()["error"]["fields"][0]["field"].startswith("weekly_availability")
    repeated = api.put(
        "/api/v1/teachers/me/profile", teacher, json={**PROFILE, "subjects": ["nsi", "nsi"]}
    )
    assert repeated.status_code == 422
    assert repeated.get_json()["error"]["fields"][0]["field"] == "subjects"


def test_directory_filters_by_subject_and_level(api: Api, session: Session) -> None:
    viewer = api.actor(Role.STUDENT)
    maths = UserFactory(role=Role.TEACHER, last_name="Bernard")
    nsi = UserFactory(role=Role.TEACHER, last_name="Lefèvre")
    UserFactory(role=Role.TEACHER, last_name="Sansprofil")
    retired = UserFactory(role=Role.TEACHER, last_name="Retraité", is_active=False)
    TeacherProfileFactory(user_id=maths.id, subjects=["mathematiques"], levels=["seconde"])
    TeacherProfileFactory(user_id=nsi.id, subjects=["nsi"], levels=["premiere", "terminale"])
    TeacherProfileFactory(user_id=retired.id, subjects=["nsi"], levels=["terminale"])
    session.commit()

    everyone = api.get("/api/v1/teachers", viewer).get_json()
    assert [t["last_name"] for t in everyone["items"]] == ["Bernard", "Lefèvre", "Sansprofil"]
    by_subject = api.get("/api/v1/teachers?subject=nsi", viewer).get_json()
    assert [t["id"] for t in by_subject["items"]] == [nsi.id]
    assert by_subject["total"] == 1
    by_level = api.get("/api/v1/teachers?level=seconde&subject=mathematiques", viewer).get_json()
    assert [t["id"] for t in by_level["items"]] == [maths.id]
    none = api.get("/api/v1/teachers?subject=philosophie", viewer).get_json()
    assert none == {"items": [], "page": 1, "page_size": 20, "total": 0}
    bad = api.get("/api/v1/teachers?subject=astrologie", viewer)
    assert bad.status_code == 422
    assert bad.get_json()["error"]["fields"][0]["field"] == "subject"
    assert api.get(f"/api/v1/teachers/{retired.id}", viewer).status_code == 404


def test_a_student_id_is_not_a_teacher(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    assert api.get(f"/api/v1/teachers/{student.id}", student).status_code == 404
    assert api.get("/api/v1/teachers/me/profile", student).status_code == 403
    assert api.get("/api/v1/teachers").status_code == 401

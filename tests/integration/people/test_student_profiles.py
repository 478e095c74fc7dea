"""Student profiles: lazy creation, updates, invitation codes, who may see a student."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.people.models import StudentProfile
from tests.factories import people, scheduling
from tests.support.api import Api

PROFILE = {
    "level": "terminale",
    "specialties": ["nsi", "mathematiques"],
    "goals": "Viser 16 au bac en NSI.",
    "exam_date": "2027-06-15",
    "birth_date": "2009-03-14",
    "learning_preferences": {"format": "online", "pace": "intensive", "notes": "Le soir"},
}


def test_profile_is_created_with_defaults_on_first_use(api: Api, session: Session) -> None:
    student = api.actor(Role.STUDENT, first_name="Lucas", last_name="Moreau")
    response = api.get("/api/v1/students/me/profile", student)
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == student.id
    assert body["level"] == "seconde"
    assert body["specialties"] == []
    assert len(body["invitation_code"]) == 9 and body["invitation_code"][4] == "-"
    again = api.get("/api/v1/students/me/profile", student).get_json()
    assert again["invitation_code"] == body["invitation_code"]
    assert session.get(StudentProfile, student.id) is not None


def test_student_replaces_their_profile(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    response = api.put("/api/v1/students/me/profile", student, json=PROFILE)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["level"] == "terminale"
    assert body["specialties"] == ["nsi", "mathematiques"]
    assert body["exam_date"] == "2027-06-15"
    assert body["learning_preferences"] == {
        "format": "online",
        "pace": "intensive",
        "notes": "Le soir",
    }
    stored = api.get("/api/v1/students/me/profile", student).get_json()
    assert stored["goals"] == "Viser 16 au bac en NSI."


def test_profile_validation_names_the_field(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    cases = [
        ({**PROFILE, "specialties": ["nsi", "mathematiques", "svt"]}, "specialties"),
        ({**PROFILE, "specialties": ["nsi", "nsi"]}, "specialties"),
        ({**PROFILE, "specialties": ["astrologie"]}, "specialties.0"),
        ({**PROFILE, "level": "cm2"}, "level"),
        ({**PROFILE, "learning_preferences": {"format": "pigeon"}}, "learning_preferences.format"),
        ({**PROFILE, "shoe_size": 42}, "shoe_size"),
    ]
    for payload, field in cases:
        response = api.put("/api/v1/students/me/profile", student, json=payload)
        assert response.status_code == 422, payload
        fields = [f["field"] for f in response.get_json()["error"]["fields"]]
        assert field in fields, (field, fields)


def test_premiere_may_have_three_specialties(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    payload = {**PROFILE, "level": "premiere", "specialties": ["nsi", "mathematiques", "svt"]}
    assert api.put("/api/v1/students/me/profile", student, json=payload).status_code == 200


def test_rotating_the_invitation_code_replaces_it(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    first = api.get("/api/v1/students/me/profile", student).get_json()["invitation_code"]
    rotated = api.post("/api/v1/students/me/invitation-code", student)
    assert rotated.status_code == 201
    code = rotated.get_json()["invitation_code"]
    assert code != first
    assert api.get("/api/v1/students/me/profile", student).get_json()["invitation_code"] == code


def test_only_students_have_a_profile_of_their_own(api: Api) -> None:
    parent = api.actor(Role.PARENT)
    assert api.get("/api/v1/students/me/profile", parent).status_code == 403
    assert api.post("/api/v1/students/me/invitation-code", parent).status_code == 403
    assert api.get("/api/v1/students/me/profile").status_code == 401


def test_who_may_see_a_student(api: Api, session: Session) -> None:
    student = api.actor(Role.STUDENT, first_name="Emma")
    parent, other_parent = api.actor(Role.PARENT), api.actor(Role.PARENT)
    teacher, other_teacher = api.actor(Role.TEACHER), api.actor(Role.TEACHER)
    admin, other_student = api.actor(Role.ADMIN), api.actor(Role.STUDENT)
    people.link(session, parent.id, student.id)
    ts = scheduling.tutoring_session(session, teacher.id)
    scheduling.booking(session, ts, student.id)
    session.commit()

    path = f"/api/v1/students/{student.id}"
    for actor in (student, parent, teacher, admin):
        response = api.get(path, actor)
        assert response.status_code == 200, actor.user.role
        assert response.get_json()["first_name"] == "Emma"
        assert "invitation_code" not in response.get_json()
    for actor in (other_parent, other_teacher, other_student):
        response = api.get(path, actor)
        assert response.status_code == 404, actor.user.role
        assert response.get_json()["error"]["message"] == "Élève introuvable."


def test_a_non_student_or_unknown_id_is_not_found(api: Api) -> None:
    admin, teacher = api.actor(Role.ADMIN), api.actor(Role.TEACHER)
    assert api.get(f"/api/v1/students/{teacher.id}", admin).status_code == 404
    assert api.get("/api/v1/students/999999", admin).status_code == 404

"""Admins create accounts of any role, list them, deactivate and reactivate them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.audit.models import AuditEntry
from tests.support.api import DEFAULT_PASSWORD, Api

TEACHER: dict[str, Any] = {
    "email": "prof.svt@nexus-reussite.fr",
    "password": "Biologie2026!x",
    "role": "teacher",
    "first_name": "Julie",
    "last_name": "Garnier",
    "teacher_profile": {
        "subjects": ["svt"],
        "levels": ["seconde", "premiere"],
        "bio": "Certifiée de SVT.",
        "weekly_availability": [{"weekday": 2, "start": "14:00", "end": "18:00"}],
    },
}


def _actions(session: Session, target_id: int) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.target_type == "user", AuditEntry.target_id == target_id)
            .order_by(AuditEntry.id)
        )
    )


def test_admin_creates_a_teacher_with_a_profile(api: Api, session: Session) -> None:
    admin = api.actor(Role.ADMIN)
    response = api.post("/api/v1/admin/users", admin, json=TEACHER)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["role"] == "teacher" and body["is_active"] is True
    assert body["last_login_at"] is None
    assert "password" not in str(body)
    profile = api.get(f"/api/v1/teachers/{body['id']}", admin).get_json()
    assert profile["subjects"] == ["svt"]
    assert api.login(TEACHER["email"], TEACHER["password"]).status_code == 200
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))
    assert entry is not None
    assert entry.actor_id == admin.id and entry.target_id == body["id"]
    assert entry.details == {"email": TEACHER["email"], "role": "teacher"}


def test_admin_creates_students_and_admins(api: Api) -> None:
    admin = api.actor(Role.ADMIN)
    student = {
        "email": "nouvel.eleve@example.fr",
        "password": DEFAULT_PASSWORD,
        "role": "student",
        "first_name": "Nora",
        "last_name": "Petit",
        "student_profile": {"level": "premiere", "specialties": ["mathematiques"]},
    }
    created = api.post("/api/v1/admin/users", admin, json=student).get_json()
    shown = api.get(f"/api/v1/students/{created['id']}", admin).get_json()
    assert (shown["level"], shown["specialties"]) == ("premiere", ["mathematiques"])
    bare = {**student, "email": "sans.profil@example.fr"}
    del bare["student_profile"]
    plain = api.post("/api/v1/admin/users", admin, json=bare).get_json()
    assert api.get(f"/api/v1/students/{plain['id']}", admin).get_json()["level"] == "seconde"
    second_admin = {**bare, "email": "direction2@example.fr", "role": "admin"}
    assert api.post("/api/v1/admin/users", admin, json=second_admin).status_code == 201
    teacher = {**bare, "email": "prof.sans.profil@example.fr", "role": "teacher"}
    created_teacher = api.post("/api/v1/admin/users", admin, json=teacher).get_json()
    listed = api.get(f"/api/v1/teachers/{created_teacher['id']}", admin).get_json()
    assert (listed["subjects"], listed["bio"]) == ([], "")


def test_creation_is_validated(api: Api) -> None:
    admin = api.actor(Role.ADMIN)
    mismatched = {**TEACHER, "role": "parent"}
    response = api.post("/api/v1/admin/users", admin, json=mismatched)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][0]["field"] == "teacher_profile"
    wrong_profile = {
        **TEACHER,
        "teacher_profile": None,
        "student_profile": {"level": "seconde"},
    }
    response = api.post("/api/v1/admin/users", admin, json=wrong_profile)
    assert response.get_json()["error"]["fields"][0]["field"] == "student_profile"
    weak = api.post("/api/v1/admin/users", admin, json={**TEACHER, "password": "court"})
    assert weak.get_json()["error"]["fields"][0]["field"] == "password"
    assert api.post("/api/v1/admin/users", admin, json=TEACHER).status_code == 201
    taken = api.post("/api/v1/admin/users", admin, json=TEACHER)
    assert taken.status_code == 409
    assert taken.get_json()["error"]["code"] == "email_taken"


def test_list_filters_and_sorts(api: Api) -> None:
    admin = api.actor(Role.ADMIN)
    api.actor(Role.TEACHER, first_name="Sophie", last_name="Bernard")
    api.actor(Role.TEACHER, first_name="Marc", last_name="Lefèvre")
    api.actor(Role.PARENT, first_name="Isabelle", last_name="Bernardin")

    def names(query: str) -> list[str]:
        response = api.get(f"/api/v1/admin/users?{query}", admin)
        assert response.status_code == 200, response.get_json()
        return [u["last_name"] for u in response.get_json()["items"]]

    assert names("role=teacher&sort=last_name") == ["Bernard", "Lefèvre"]
    assert names("q=BERNARD&sort=last_name") == ["Bernard", "Bernardin"]
    assert names("q=bernard&role=parent") == ["Bernardin"]
    assert names("is_active=false") == []
    assert names("sort=-created_at&page_size=1")[0] == "Bernardin"
    assert len(names("sort=email&page_size=100")) == 4
    assert names("sort=created_at&page_size=100")[-1] == "Bernardin"
    bad = api.get("/api/v1/admin/users?sort=password", admin)
    assert bad.status_code == 422
    assert bad.get_json()["error"]["fields"][0]["field"] == "sort"
    bad_role = api.get("/api/v1/admin/users?role=king", admin)
    assert bad_role.get_json()["error"]["fields"][0]["field"] == "role"


def test_deactivation_revokes_every_session_and_reactivation_restores_login(
    api: Api, session: Session
) -> None:
    admin = api.actor(Role.ADMIN)
    parent = api.actor(Role.PARENT)
    second_login = api.login(parent.user.email).get_json()
    path = f"/api/v1/admin/users/{parent.id}"

    response = api.patch(path, admin, json={"is_active": False})
    assert response.status_code == 200
    assert response.get_json()["is_active"] is False
    assert api.get("/api/v1/auth/me", parent).get_json()["error"]["code"] == "token_revoked"
    other = {"Authorization": f"Bearer {second_login['access_token']}"}
    assert api.get("/api/v1/auth/me", headers=other).status_code == 401
    refresh = api.post("/api/v1/auth/refresh", json={"refresh_token": parent.refresh_token})
    assert refresh.status_code == 401
    assert api.login(parent.user.email).status_code == 401
    assert api.get("/api/v1/admin/users?is_active=false", admin).get_json()["total"] == 1

    assert api.patch(path, admin, json={"is_active": True}).get_json()["is_active"] is True
    assert api.login(parent.user.email).status_code == 200
    # null is not "unchanged" (leave the field out for that): refused, naming the field.
    null = api.patch(path, admin, json={"first_name": "Isabelle", "last_name": None})
    assert null.status_code == 422
    assert [f["field"] for f in null.get_json()["error"]["fields"]] == ["last_name"]
    renamed = api.patch(path, admin, json={"first_name": "Isabelle"})
    assert renamed.get_json()["first_name"] == "Isabelle"
    assert _actions(session, parent.id) == ["user.deactivate", "user.reactivate", "user.update"]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "user.deactivate"))
    assert entry is not None and entry.details["sessions_revoked"] == 2


def test_admin_cannot_deactivate_themself(api: Api) -> None:
    admin = api.actor(Role.ADMIN)
    response = api.patch(f"/api/v1/admin/users/{admin.id}", admin, json={"is_active": False})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "cannot_deactivate_self"
    assert api.get("/api/v1/auth/me", admin).status_code == 200


def test_user_administration_is_for_admins_only(api: Api) -> None:
    admin, teacher = api.actor(Role.ADMIN), api.actor(Role.TEACHER)
    assert api.get(f"/api/v1/admin/users/{teacher.id}", admin).get_json()["role"] == "teacher"
    assert api.get("/api/v1/admin/users/999999", admin).status_code == 404
    assert api.patch("/api/v1/admin/users/999999", admin, json={}).status_code == 404
    assert api.get("/api/v1/admin/users", teacher).status_code == 403
    assert api.post("/api/v1/admin/users", teacher, json=TEACHER).status_code == 403
    assert api.patch(f"/api/v1/admin/users/{admin.id}", teacher, json={}).status_code == 403

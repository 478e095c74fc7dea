"""Admins link parents and students directly, list and remove links; all audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.audit.models import AuditEntry
from tests.support.api import Api


def test_admin_links_lists_and_unlinks(api: Api, session: Session) -> None:
    admin, parent, student = api.actor(Role.ADMIN), api.actor(Role.PARENT), api.actor(Role.STUDENT)
    created = api.post(
        "/api/v1/admin/parent-links", admin, json={"parent_id": parent.id, "student_id": student.id}
    )
    assert created.status_code == 201, created.get_json()
    link = created.get_json()
    assert (link["parent_id"], link["student_id"], link["created_by_id"]) == (
        parent.id,
        student.id,
        admin.id,
    )
    assert api.get(f"/api/v1/students/{student.id}", parent).status_code == 200

    listed = api.get(f"/api/v1/admin/parent-links?parent_id={parent.id}", admin).get_json()
    assert [item["id"] for item in listed["items"]] == [link["id"]]
    by_student = api.get(f"/api/v1/admin/parent-links?student_id={student.id}", admin).get_json()
    assert by_student["total"] == 1

    duplicate = api.post(
        "/api/v1/admin/parent-links", admin, json={"parent_id": parent.id, "student_id": student.id}
    )
    assert duplicate.status_code == 409

    assert api.delete(f"/api/v1/admin/parent-links/{link['id']}", admin).status_code == 204
    assert api.get(f"/api/v1/students/{student.id}", parent).status_code == 404
    assert api.delete(f"/api/v1/admin/parent-links/{link['id']}", admin).status_code == 404
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.target_type == "parent_link")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["parent_link.create", "parent_link.delete"]


def test_link_needs_a_parent_and_a_student(api: Api) -> None:
    admin, parent, student = api.actor(Role.ADMIN), api.actor(Role.PARENT), api.actor(Role.STUDENT)
    cases = [
        ({"parent_id": student.id, "student_id": student.id}, 422, "parent_id"),
        ({"parent_id": parent.id, "student_id": parent.id}, 422, "student_id"),
        ({"parent_id": 999999, "student_id": student.id}, 404, "parent_id"),
        ({"parent_id": parent.id, "student_id": 0}, 422, "student_id"),
    ]
    for payload, status, field in cases:
        response = api.post("/api/v1/admin/parent-links", admin, json=payload)
        assert response.status_code == status, payload
        assert response.get_json()["error"]["fields"][0]["field"] == field
    assert (
        api.post(
            "/api/v1/admin/parent-links",
            parent,
            json={"parent_id": parent.id, "student_id": student.id},
        ).status_code
        == 403
    )

"""Enrollments: who may enrol whom, and who sees which enrollment."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.audit.models import AuditEntry
from tests.factories.offers import EnrollmentFactory, OfferFactory
from tests.factories.people import ParentLinkFactory
from tests.support.api import Actor, Api


def test_parent_enrols_a_linked_child(api: Api, session: Session) -> None:
    child, parent = api.actor(Role.STUDENT), api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    coaching = OfferFactory(name="Coaching individuel — 10 h", hours=10)
    session.commit()
    response = api.post(
        "/api/v1/enrollments", parent, json={"student_id": child.id, "offer_id": coaching.id}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["offer"]["name"] == "Coaching individuel — 10 h"
    assert (body["hours_bought"], body["hours_used"], body["hours_remaining"]) == (10, 0, 10)
    assert body["price_paid_cents"] == 45_000
    assert body["enrolled_by_id"] == parent.id
    assert api.get(f"/api/v1/enrollments/{body['id']}", child).status_code == 200


def test_parent_cannot_enrol_someone_elses_child(api: Api, session: Session) -> None:
    stranger, parent = api.actor(Role.STUDENT), api.actor(Role.PARENT)
    coaching = OfferFactory()
    session.commit()
    response = api.post(
        "/api/v1/enrollments", parent, json={"student_id": stranger.id, "offer_id": coaching.id}
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["fields"][0]["field"] == "student_id"


def test_inactive_or_unknown_offers_are_refused_with_the_reason(api: Api, session: Session) -> None:
    child, parent, admin = api.actor(Role.STUDENT), api.actor(Role.PARENT), api.actor(Role.ADMIN)
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    retired = OfferFactory(name="Formule 2025", is_active=False)
    session.commit()
    by_admin = api.post(
        "/api/v1/enrollments", admin, json={"student_id": child.id, "offer_id": retired.id}
    )
    assert by_admin.status_code == 409
    error = by_admin.get_json()["error"]
    assert error["code"] == "offer_inactive"
    assert "Formule 2025" in error["message"]
    by_parent = api.post(
        "/api/v1/enrollments", parent, json={"student_id": child.id, "offer_id": retired.id}
    )
    assert by_parent.status_code == 409
    assert by_parent.get_json()["error"]["fields"][0]["field"] == "offer_id"
    unknown = api.post(
        "/api/v1/enrollments", parent, json={"student_id": child.id, "offer_id": 999999}
    )
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["fields"][0]["field"] == "offer_id"


def test_admin_enrols_any_student_and_it_is_audited(api: Api, session: Session) -> None:
    student, admin = api.actor(Role.STUDENT), api.actor(Role.ADMIN)
    group = OfferFactory(hours=20, price_cents=60_000)
    session.commit()
    response = api.post(
        "/api/v1/enrollments", admin, json={"student_id": student.id, "offer_id": group.id}
    )
    assert response.status_code == 201
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "enrollment.create"))
    assert entry is not None
    assert entry.actor_id == admin.id
    assert entry.details == {"student_id": student.id, "offer_id": group.id}
    teacher = api.actor(Role.TEACHER)
    not_a_student = api.post(
        "/api/v1/enrollments", admin, json={"student_id": teacher.id, "offer_id": group.id}
    )
    assert not_a_student.status_code == 404


def test_each_role_sees_only_its_enrollments(api: Api, session: Session) -> None:
    lucas, emma, ines = (api.actor(Role.STUDENT) for _ in range(3))
    parent, other_parent, admin = (
        api.actor(Role.PARENT),
        api.actor(Role.PARENT),
        api.actor(Role.ADMIN),
    )
    ParentLinkFactory(parent_id=parent.id, student_id=lucas.id)
    ParentLinkFactory(parent_id=parent.id, student_id=emma.id)
    ids = {
        s.id: EnrollmentFactory(student_id=s.id, minutes_used=90).id for s in (lucas, emma, ines)
    }
    session.commit()

    def listed(actor: Actor, query: str = "") -> set[int]:
        body = api.get(f"/api/v1/enrollments{query}", actor).get_json()
        return {e["student_id"] for e in body["items"]}

    assert listed(lucas) == {lucas.id}
    assert listed(lucas, f"?student_id={emma.id}") == set()
    assert listed(parent) == {lucas.id, emma.id}
    assert listed(parent, f"?student_id={emma.id}&status=active") == {emma.id}
    assert listed(other_parent) == set()
    assert {lucas.id, emma.id, ines.id} <= listed(admin, "?page_size=100")
    one = api.get(f"/api/v1/enrollments/{ids[emma.id]}", parent).get_json()
    assert (one["hours_used"], one["hours_remaining"]) == (1.5, 8.5)
    for outsider in (other_parent, lucas):
        assert api.get(f"/api/v1/enrollments/{ids[emma.id]}", outsider).status_code == 404
    assert api.get(f"/api/v1/enrollments/{ids[emma.id]}", admin).status_code == 200
    assert api.get("/api/v1/enrollments", api.actor(Role.TEACHER)).status_code == 403

"""Parents link their children with the child's single-use invitation code."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from tests.factories.people import ParentLinkFactory
from tests.support.api import Actor, Api


def _code(api: Api, student: Actor) -> str:
    code: str = api.get("/api/v1/students/me/profile", student).get_json()["invitation_code"]
    return code


def test_parent_links_two_children_and_lists_them(api: Api) -> None:
    lucas = api.actor(Role.STUDENT, first_name="Lucas")
    emma = api.actor(Role.STUDENT, first_name="Emma")
    parent = api.actor(Role.PARENT)
    for child in (lucas, emma):
        response = api.post(
            "/api/v1/parents/me/children", parent, json={"invitation_code": _code(api, child)}
        )
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["id"] == child.id
        assert response.get_json()["linked_at"]
    listed = api.get("/api/v1/parents/me/children", parent).get_json()
    assert listed["total"] == 2
    assert [c["first_name"] for c in listed["items"]] == ["Emma", "Lucas"]
    assert api.get(f"/api/v1/students/{emma.id}", parent).status_code == 200


def test_code_is_forgiving_to_type_and_single_use(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    first_parent, second_parent = api.actor(Role.PARENT), api.actor(Role.PARENT)
    code = _code(api, student)
    typed = code.replace("-", " ").lower()
    linked = api.post("/api/v1/parents/me/children", first_parent, json={"invitation_code": typed})
    assert linked.status_code == 201
    reused = api.post("/api/v1/parents/me/children", second_parent, json={"invitation_code": code})
    assert reused.status_code == 404
    assert _code(api, student) != code
    fresh = api.post(
        "/api/v1/parents/me/children", second_parent, json={"invitation_code": _code(api, student)}
    )
    assert fresh.status_code == 201


def test_wrong_code_is_a_404_naming_the_field(api: Api) -> None:
    parent = api.actor(Role.PARENT)
    response = api.post(
        "/api/v1/parents/me/children", parent, json={"invitation_code": "ZZZZ-ZZZZ"}
    )
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "invalid_invitation_code"
    assert error["fields"][0]["field"] == "invitation_code"
    empty = api.post("/api/v1/parents/me/children", parent, json={"invitation_code": ""})
    assert empty.status_code == 422
    assert empty.get_json()["error"]["fields"][0]["field"] == "invitation_code"


def test_linking_twice_is_a_conflict(api: Api, session: Session) -> None:
    student, parent = api.actor(Role.STUDENT), api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=student.id)
    session.commit()
    response = api.post(
        "/api/v1/parents/me/children", parent, json={"invitation_code": _code(api, student)}
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "already_linked"


def test_parent_a_cannot_see_parent_b_child(api: Api, session: Session) -> None:
    child_of_b = api.actor(Role.STUDENT)
    parent_a, parent_b = api.actor(Role.PARENT), api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent_b.id, student_id=child_of_b.id)
    session.commit()
    assert api.get(f"/api/v1/students/{child_of_b.id}", parent_a).status_code == 404
    assert api.get("/api/v1/parents/me/children", parent_a).get_json()["total"] == 0
    assert api.get(f"/api/v1/students/{child_of_b.id}", parent_b).status_code == 200


def test_only_parents_link_children(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    response = api.post(
        "/api/v1/parents/me/children", student, json={"invitation_code": _code(api, student)}
    )
    assert response.status_code == 403
    assert api.get("/api/v1/parents/me/children", student).status_code == 403


def test_guessing_codes_is_rate_limited(api: Api) -> None:
    parent = api.actor(Role.PARENT)
    statuses = [
        api.post(
            "/api/v1/parents/me/children", parent, json={"invitation_code": f"AAAA-AA{n:02d}"}
        ).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [404] * 10
    assert statuses[10] == 429

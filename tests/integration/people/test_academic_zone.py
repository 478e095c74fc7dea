"""A family's academic zone: set by a linked parent or an admin, validated, shown with the
student."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.audit.models import AuditEntry
from tests.factories.people import ParentLinkFactory
from tests.support.api import Api


def _path(student_id: int) -> str:
    return f"/api/v1/students/{student_id}/academic-zone"


def test_a_linked_parent_sets_and_clears_the_zone(api: Api, session: Session) -> None:
    student, parent = api.actor(Role.STUDENT), api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=student.id)
    session.commit()
    response = api.put(_path(student.id), parent, json={"academic_zone": "C"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["academic_zone"] == "C"
    assert api.get(f"/api/v1/students/{student.id}", parent).get_json()["academic_zone"] == "C"
    cleared = api.put(_path(student.id), parent, json={"academic_zone": None})
    assert cleared.status_code == 200 and cleared.get_json()["academic_zone"] is None


def test_an_admin_sets_the_zone_and_it_is_audited(api: Api, session: Session) -> None:
    student, admin = api.actor(Role.STUDENT), api.actor(Role.ADMIN)
    response = api.put(_path(student.id), admin, json={"academic_zone": "A"})
    assert response.status_code == 200, response.get_json()
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "student.academic_zone")
    ).one()
    assert entry.target_id == student.id and entry.details == {"from": None, "to": "A"}


@pytest.mark.parametrize("body", [{"academic_zone": "D"}, {"academic_zone": "c"}, {}])
def test_a_bad_zone_is_a_422(api: Api, session: Session, body: dict[str, object]) -> None:
    student, parent = api.actor(Role.STUDENT), api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=student.id)
    session.commit()
    response = api.put(_path(student.id), parent, json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["fields"][0]["field"] == "academic_zone"


def test_only_a_linked_parent_or_an_admin_may_set_it(api: Api) -> None:
    student, stranger = api.actor(Role.STUDENT), api.actor(Role.PARENT)
    teacher = api.actor(Role.TEACHER)
    assert api.put(_path(student.id), stranger, json={"academic_zone": "B"}).status_code == 404
    assert api.put(_path(student.id), student, json={"academic_zone": "B"}).status_code == 403
    assert api.put(_path(student.id), teacher, json={"academic_zone": "B"}).status_code == 403

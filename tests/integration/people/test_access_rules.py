"""The object-level rules of nexus.people.access, role by role."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.errors import NotFound
from nexus.people import access
from nexus.scheduling.models import BookingStatus
from tests.factories.accounts import UserFactory
from tests.factories.assessments import AssessmentFactory
from tests.factories.people import ParentLinkFactory, new_student
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory


def _principal(user_id: int, role: Role) -> Principal:
    return Principal(user_id, role, "session-id")


def test_who_sees_which_student(session: Session) -> None:
    parent, teacher, admin = (UserFactory(role=r) for r in (Role.PARENT, Role.TEACHER, Role.ADMIN))
    kid, sibling, booked, assessed, dropped = (new_student() for _ in range(5))
    ParentLinkFactory(parent_id=parent.id, student_id=sibling.id)
    ParentLinkFactory(parent_id=parent.id, student_id=kid.id)
    ts = TutoringSessionFactory(teacher_id=teacher.id, starts_at=datetime.now(UTC))
    BookingFactory(session=ts, student_id=booked.id)
    BookingFactory(session=ts, student_id=dropped.id, status=BookingStatus.CANCELLED)
    AssessmentFactory(student_id=assessed.id, teacher_id=teacher.id)

    assert access.children_of(session, parent.id) == sorted([kid.id, sibling.id])
    assert access.parents_of(session, kid.id) == [parent.id]
    assert access.visible_student_ids(session, _principal(admin.id, Role.ADMIN)) is None
    assert access.visible_student_ids(session, _principal(kid.id, Role.STUDENT)) == [kid.id]
    assert access.visible_student_ids(session, _principal(parent.id, Role.PARENT)) == sorted(
        [kid.id, sibling.id]
    )
    assert sorted(access.visible_student_ids(session, _principal(teacher.id, Role.TEACHER))) == (
        sorted([booked.id, assessed.id])
    )
    assert access.teacher_has_student(session, teacher.id, booked.id)
    assert access.teacher_has_student(session, teacher.id, assessed.id)
    assert not access.teacher_has_student(session, teacher.id, dropped.id)
    assert not access.is_parent_of(session, parent.id, booked.id)

    as_teacher = _principal(teacher.id, Role.TEACHER)
    assert access.ensure_can_view_student(session, as_teacher, booked.id).id == booked.id
    with pytest.raises(NotFound):
        access.ensure_can_view_student(session, as_teacher, kid.id)
    with pytest.raises(NotFound):
        access.ensure_can_view_student(session, _principal(kid.id, Role.STUDENT), sibling.id)
    with pytest.raises(NotFound):  # an admin sees everyone, but a parent is not a student
        access.ensure_can_view_student(session, _principal(admin.id, Role.ADMIN), parent.id)

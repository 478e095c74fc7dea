"""Who may see which student: the object-level rules every domain reuses.

A student sees themself, a parent their linked children, a teacher the students booked in
their sessions or assessed by them, an admin everyone. Anything else answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.assessments.models import Assessment
from nexus.errors import NotFound
from nexus.people.models import ParentLink
from nexus.scheduling.models import Booking, BookingStatus, TutoringSession


def children_ids(session: Session, parent_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ParentLink.student_id)
            .where(ParentLink.parent_id == parent_id)
            .order_by(ParentLink.student_id)
        )
    )


def parent_ids(session: Session, student_id: int) -> list[int]:
    return list(
        session.scalars(select(ParentLink.parent_id).where(ParentLink.student_id == student_id))
    )


def parents_by_student(session: Session, student_ids: Iterable[int]) -> dict[int, list[int]]:
    """``{student_id: [parent_id, …]}`` for many students in one query."""
    ids = set(student_ids)
    result: dict[int, list[int]] = {student_id: [] for student_id in ids}
    if ids:
        links = session.execute(
            select(ParentLink.student_id, ParentLink.parent_id).where(
                ParentLink.student_id.in_(ids)
            )
        )
        for student_id, parent_id in links:
            result[student_id].append(parent_id)
    return result


def is_parent_of(session: Session, parent_id: int, student_id: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    ParentLink.parent_id == parent_id, ParentLink.student_id == student_id
                )
            )
        )
    )


def teaches(session: Session, teacher_id: int, student_id: int) -> bool:
    """The student holds a booking in one of the teacher's sessions, or was assessed by them."""
    booked = exists().where(
        Booking.student_id == student_id,
        Booking.status == BookingStatus.BOOKED,
        Booking.session_id == TutoringSession.id,
        TutoringSession.teacher_id == teacher_id,
    )
    assessed = exists().where(
        Assessment.student_id == student_id, Assessment.teacher_id == teacher_id
    )
    return bool(session.scalar(select(booked | assessed)))


def can_view_student(session: Session, principal: Principal, student_id: int) -> bool:
    if principal.role is Role.ADMIN or principal.user_id == student_id:
        return True
    if principal.role is Role.PARENT:
        return is_parent_of(session, principal.user_id, student_id)
    if principal.role is Role.TEACHER:
        return teaches(session, principal.user_id, student_id)
    return False


def visible_student(session: Session, principal: Principal, student_id: int) -> User:
    """The student account if the caller may see it; 404 otherwise (ids cannot be probed)."""
    user = session.get(User, student_id)
    if (
        user is None
        or user.role is not Role.STUDENT
        or not can_view_student(session, principal, student_id)
    ):
        raise NotFound("Student not found.")
    return user

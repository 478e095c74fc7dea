"""Whose learning data a caller may use: a student their own, a teacher their students'."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.assessments.models import Assessment
from nexus.errors import NotFound, Unprocessable
from nexus.scheduling.models import Booking, TutoringSession


def teaches(session: Session, teacher_id: int, student_id: int) -> bool:
    """The student booked one of the teacher's sessions, or the teacher assessed them."""
    booked = exists(
        select(Booking.id)
        .join(TutoringSession, TutoringSession.id == Booking.session_id)
        .where(TutoringSession.teacher_id == teacher_id, Booking.student_id == student_id)
    )
    assessed = exists(
        select(Assessment.id).where(
            Assessment.teacher_id == teacher_id, Assessment.student_id == student_id
        )
    )
    return bool(session.scalar(select(booked | assessed)))


def resolve_student(session: Session, principal: Principal, student_id: int | None) -> int:
    """The student the caller acts for; anyone they may not see is 404."""
    if principal.role is Role.STUDENT:
        if student_id not in (None, principal.user_id):
            raise NotFound("Student not found.")
        return principal.user_id
    if student_id is None:
        raise Unprocessable("student_id is required for a teacher.", field="student_id")
    student = session.get(User, student_id)
    if student is None or student.role is not Role.STUDENT:
        raise NotFound("Student not found.")
    if principal.role is Role.TEACHER and not teaches(session, principal.user_id, student_id):
        raise NotFound("Student not found.")
    return student_id

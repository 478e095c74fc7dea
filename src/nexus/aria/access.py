"""Whose learning data a caller may use: a student their own, a teacher their students'."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.errors import NotFound, Unprocessable
from nexus.language import _
from nexus.people.access import ensure_can_view_student


def resolve_student(session: Session, principal: Principal, student_id: int | None) -> int:
    """The student the caller acts for; anyone they may not see is 404."""
    if principal.role is Role.STUDENT:
        if student_id not in (None, principal.user_id):
            raise NotFound(_("Student not found."))
        return principal.user_id
    if student_id is None:
        raise Unprocessable(_("student_id is required for a teacher."), field="student_id")
    return ensure_can_view_student(session, principal, student_id).id

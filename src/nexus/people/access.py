"""Who may see which student: the object-level rules shared by every domain.

A student sees themselves, a parent their linked children, a teacher the students they
teach, an administrator everyone. Anything else is answered with 404 so that ids cannot be
probed.

What makes a teacher one of a student's teachers is owned by the domains above this one whose
rows say so — a live booking in one of their sessions (``nexus.scheduling.rules``), a mark
they gave (``nexus.assessments.queries``) — and given to :func:`teach_through` at app set-up
(``nexus.routes.teaching_relations``): the rule is here, its facts are theirs, and people
does not import the domains that build on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeAlias

from sqlalchemy import Select, exists, literal, select, union, union_all
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.errors import NotFound
from nexus.language import _
from nexus.people.models import ParentLink

# One reason a teacher teaches a student: the ids of the students it gives for a teacher's id.
TeachingRelation: TypeAlias = Callable[[int], Select[int]]
_teaching: list[TeachingRelation] = []


def teach_through(*relations: TeachingRelation) -> None:
    """What makes a teacher one of a student's teachers (replaces what was set before)."""
    _teaching[:] = relations


def children_of(session: Session, parent_id: int) -> list[int]:
    rows = session.scalars(
        select(ParentLink.student_id)
        .where(ParentLink.parent_id == parent_id)
        .order_by(ParentLink.student_id)
    )
    return list(rows)


def parents_of(session: Session, student_id: int) -> list[int]:
    rows = session.scalars(
        select(ParentLink.parent_id)
        .where(ParentLink.student_id == student_id)
        .order_by(ParentLink.parent_id)
    )
    return list(rows)


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
    query = select(
        exists().where(ParentLink.parent_id == parent_id, ParentLink.student_id == student_id)
    )
    return bool(session.scalar(query))


def teacher_student_ids(teacher_id: int) -> Select[tuple[int]]:
    """A subquery of the students a teacher teaches (for ``IN (…)`` clauses)."""
    if not _teaching:
        raise RuntimeError("No teaching relation: create_app calls access.teach_through(...).")
    compound = union(*(relation(teacher_id) for relation in _teaching)).subquery()
    return select(compound.c[0])


def teacher_has_student(session: Session, teacher_id: int, student_id: int) -> bool:
    taught = teacher_student_ids(teacher_id).subquery()
    return bool(session.scalar(select(exists().where(taught.c[0] == student_id))))


def teachers_of(session: Session, student_id: int) -> list[int]:
    """The teachers who teach ``student_id`` (two queries, whatever the number of teachers)."""
    teacher_ids = list(
        session.scalars(select(User.id).where(User.role == Role.TEACHER, User.is_active.is_(True)))
    )
    if not teacher_ids:
        return []
    checks = []
    for teacher_id in teacher_ids:
        taught = teacher_student_ids(teacher_id).subquery()
        checks.append(select(literal(teacher_id)).where(exists().where(taught.c[0] == student_id)))
    return sorted(session.scalars(union_all(*checks)))


def visible_student_ids(session: Session, principal: Principal) -> list[int] | None:
    """The students the caller may see; ``None`` means all of them (administrators)."""
    if principal.role is Role.ADMIN:
        return None
    if principal.role is Role.STUDENT:
        return [principal.user_id]
    if principal.role is Role.PARENT:
        return children_of(session, principal.user_id)
    return list(session.scalars(teacher_student_ids(principal.user_id)))


def can_view_student(session: Session, principal: Principal, student_id: int) -> bool:
    if principal.role is Role.ADMIN:
        return True
    if principal.role is Role.STUDENT:
        return principal.user_id == student_id
    if principal.role is Role.PARENT:
        return is_parent_of(session, principal.user_id, student_id)
    return teacher_has_student(session, principal.user_id, student_id)


def ensure_can_view_student(session: Session, principal: Principal, student_id: int) -> User:
    """The student's account, or NotFound when it does not exist or is not the caller's to see."""
    if not can_view_student(session, principal, student_id):
        raise NotFound(_("Student not found."))
    student = session.get(User, student_id)
    if student is None or student.role is not Role.STUDENT:
        raise NotFound(_("Student not found."))
    return student

"""Reading assessments: who sees which, filters, sorting, one query per page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.assessments.models import Assessment
from nexus.assessments.schemas.assessments import AssessmentPublic, AssessmentQuery
from nexus.content.labels import subject_label
from nexus.errors import NotFound, Unprocessable
from nexus.language import _
from nexus.people.access import teacher_student_ids
from nexus.people.models import ParentLink


def assessed_students(teacher_id: int) -> Select[int]:
    """The students a teacher has marked: theirs to see (``nexus.people.access``)."""
    return select(Assessment.student_id).where(Assessment.teacher_id == teacher_id)


SORT_COLUMNS = {
    "assessed_on": Assessment.assessed_on,
    "created_at": Assessment.created_at,
    "score_on_20": Assessment.on_20,
    "subject": Assessment.subject,
}

Student = aliased(User, name="student")
Teacher = aliased(User, name="teacher")


@dataclass(frozen=True)
class AssessmentRow:
    assessment: Assessment
    student_name: str
    teacher_name: str | None

    def public(self) -> AssessmentPublic:
        a = self.assessment
        return AssessmentPublic(
            id=a.id,
            student_id=a.student_id,
            student_name=self.student_name,
            teacher_id=a.teacher_id,
            teacher_name=self.teacher_name,
            subject=a.subject,
            subject_label=subject_label(a.subject),
            chapter=a.chapter,
            score=a.score,
            max_score=a.max_score,
            score_on_20=a.score_on_20,
            assessed_on=a.assessed_on,
            comment=a.comment,
            created_at=a.created_at,
        )


def scope(principal: Principal) -> list[ColumnElement[bool]]:
    """The WHERE clauses limiting assessments to what the caller may see."""
    uid = principal.user_id
    if principal.role is Role.ADMIN:
        return []
    if principal.role is Role.STUDENT:
        return [Assessment.student_id == uid]
    if principal.role is Role.PARENT:
        children = select(ParentLink.student_id).where(ParentLink.parent_id == uid)
        return [Assessment.student_id.in_(children)]
    return [or_(Assessment.teacher_id == uid, Assessment.student_id.in_(teacher_student_ids(uid)))]


def _with_names() -> Select[Assessment, str, str, str, str]:
    return (
        select(
            Assessment,
            Student.first_name,
            Student.last_name,
            Teacher.first_name,
            Teacher.last_name,
        )
        .join(Student, Student.id == Assessment.student_id)
        .outerjoin(Teacher, Teacher.id == Assessment.teacher_id)
    )


def _row(values: Row[Assessment, str, str, str, str]) -> AssessmentRow:
    # The teacher is outer-joined: their names are None once the account is gone.
    assessment, s_first, s_last, t_first, t_last = values
    teacher = f"{t_first} {t_last}" if t_first is not None else None
    return AssessmentRow(assessment, f"{s_first} {s_last}", teacher)


def _order_by(sort: str) -> list[ColumnElement[Any]]:
    descending = sort.startswith("-")
    column = SORT_COLUMNS.get(sort.lstrip("-"))
    if column is None:
        allowed = ", ".join(f"{name}, -{name}" for name in SORT_COLUMNS)
        raise Unprocessable(
            _("Unknown sort '%(sort)s'; use one of: %(sorts)s.", sort=sort, sorts=allowed),
            field="sort",
        )
    tie = Assessment.id.desc() if descending else Assessment.id.asc()
    return [column.desc() if descending else column.asc(), tie]


def _filters(query: AssessmentQuery) -> list[ColumnElement[bool]]:
    if query.from_ and query.to and query.from_ > query.to:
        raise Unprocessable(_("'from' must be on or before 'to'."), field="from")
    conditions: list[ColumnElement[bool]] = []
    if query.student_id is not None:
        conditions.append(Assessment.student_id == query.student_id)
    if query.teacher_id is not None:
        conditions.append(Assessment.teacher_id == query.teacher_id)
    if query.subject is not None:
        conditions.append(Assessment.subject == query.subject)
    if query.chapter:
        conditions.append(func.lower(Assessment.chapter) == query.chapter.strip().lower())
    if query.from_ is not None:
        conditions.append(Assessment.assessed_on >= query.from_)
    if query.to is not None:
        conditions.append(Assessment.assessed_on <= query.to)
    return conditions


def list_assessments(
    session: Session, principal: Principal, query: AssessmentQuery
) -> tuple[list[AssessmentRow], int]:
    order = _order_by(query.sort)
    conditions = scope(principal) + _filters(query)
    total = session.scalar(select(func.count()).select_from(Assessment).where(*conditions)) or 0
    page = session.execute(
        _with_names()
        .where(*conditions)
        .order_by(*order)
        .offset(query.offset)
        .limit(query.page_size)
    )
    return [_row(values) for values in page], total


def get_row(session: Session, principal: Principal, assessment_id: int) -> AssessmentRow:
    found = session.execute(
        _with_names().where(Assessment.id == assessment_id, *scope(principal))
    ).first()
    if found is None:
        raise NotFound(_("Assessment not found."))
    return _row(found)

"""Recording, correcting and deleting assessments; a new one notifies the family."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.assessments.models import Assessment
from nexus.assessments.queries import AssessmentRow, get_row
from nexus.assessments.schemas.assessments import AssessmentCreate, AssessmentUpdate
from nexus.audit.services import record
from nexus.content.labels import subject_name
from nexus.errors import Forbidden, NotFound, Unprocessable
from nexus.language import _, formats
from nexus.notifications.models import NotificationKind
from nexus.notifications.services import Notice, notify_each
from nexus.people.access import parents_of, teacher_has_student


def _student(session: Session, principal: Principal, student_id: int) -> User:
    student = session.get(User, student_id)
    if student is None or student.role is not Role.STUDENT:
        raise NotFound(_("Student not found."))
    if principal.role is Role.TEACHER and not teacher_has_student(
        session, principal.user_id, student_id
    ):
        raise NotFound(_("Student not found."))
    return student


def _teacher_id(session: Session, principal: Principal, requested: int | None) -> int:
    if principal.role is Role.TEACHER:
        if requested not in (None, principal.user_id):
            raise Unprocessable(
                _("A teacher records assessments in their own name."), field="teacher_id"
            )
        return principal.user_id
    if requested is None:
        return principal.user_id
    teacher = session.get(User, requested)
    if teacher is None or teacher.role is not Role.TEACHER:
        raise Unprocessable(_("No teacher has this id."), field="teacher_id")
    return teacher.id


def create_assessment(
    session: Session, principal: Principal, body: AssessmentCreate
) -> AssessmentRow:
    student = _student(session, principal, body.student_id)
    teacher_id = _teacher_id(session, principal, body.teacher_id)
    assessment = Assessment(
        student_id=student.id,
        teacher_id=teacher_id,
        subject=body.subject,
        chapter=body.chapter,
        score=body.score,
        max_score=body.max_score,
        assessed_on=body.assessed_on,
        comment=body.comment,
    )
    session.add(assessment)
    session.flush()
    _notify_new_assessment(session, assessment, student)
    return get_row(session, principal, assessment.id)


def _editable(session: Session, principal: Principal, assessment_id: int) -> AssessmentRow:
    row = get_row(session, principal, assessment_id)
    if principal.role is Role.TEACHER and row.assessment.teacher_id != principal.user_id:
        raise Forbidden(_("Only the teacher who recorded this assessment may change it."))
    return row


def update_assessment(
    session: Session, principal: Principal, assessment_id: int, body: AssessmentUpdate
) -> AssessmentRow:
    row = _editable(session, principal, assessment_id)
    assessment = row.assessment
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    score = changes.get("score", assessment.score)
    max_score = changes.get("max_score", assessment.max_score)
    if score > max_score:
        raise Unprocessable(
            _(
                "The score cannot exceed the maximum (%(maximum)s).",
                maximum=formats.number(max_score, 2),
            ),
            field="score" if "score" in changes else "max_score",
        )
    for name, value in changes.items():
        setattr(assessment, name, value)
    session.flush()
    if principal.role is Role.ADMIN and changes:
        record(
            session,
            principal.user_id,
            "assessment.update",
            "assessment",
            assessment.id,
            {"student_id": assessment.student_id, "fields": sorted(changes)},
        )
    return get_row(session, principal, assessment_id)


def delete_assessment(session: Session, principal: Principal, assessment_id: int) -> None:
    assessment = _editable(session, principal, assessment_id).assessment
    if principal.role is Role.ADMIN:
        record(
            session,
            principal.user_id,
            "assessment.delete",
            "assessment",
            assessment.id,
            {"student_id": assessment.student_id, "teacher_id": assessment.teacher_id},
        )
    session.delete(assessment)
    session.flush()


def _notify_new_assessment(session: Session, assessment: Assessment, student: User) -> None:
    """In-app notifications (French) to the student and, worded for them, each linked parent."""
    subject = subject_name(assessment.subject)
    score, maximum = (formats.number(v, 2, "fr") for v in (assessment.score, assessment.max_score))
    mark = f"{score}/{maximum}"
    when = formats.short_date(assessment.assessed_on, "fr")
    detail = f"{mark} en {subject} (chapitre « {assessment.chapter} ») le {when}."
    data = {
        "assessment_id": assessment.id,
        "student_id": student.id,
        "subject": assessment.subject.value,
    }
    title = f"Nouvelle évaluation en {subject}"
    kind = NotificationKind.NEW_ASSESSMENT
    parents = parents_of(session, student.id)
    notices = [
        Notice([student.id], title, f"Vous avez obtenu {detail}"),
        Notice(parents, title, f"{student.first_name} a obtenu {detail}"),
    ]
    notify_each(session, kind, data, notices)

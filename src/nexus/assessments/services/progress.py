from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from nexus.accounts.tokens import Principal
from nexus.assessments import progress
from nexus.assessments.schemas.progress import ChapterProgress, StudentProgress, SubjectProgress
from nexus.errors import Unprocessable
from nexus.language import _
from nexus.people.access import ensure_can_view_student


def check_period(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and start > end:
        raise Unprocessable(_("'from' must be on or before 'to'."), field="from")


def student_progress(
    session: Session,
    principal: Principal,
    student_id: int,
    start: date | None = None,
    end: date | None = None,
) -> StudentProgress:
    check_period(start, end)
    student = ensure_can_view_student(session, principal, student_id)
    marks = progress.load_marks(session, [student_id], start, end)
    subjects = progress.by_subject(marks)
    chapters = [ChapterProgress.of(c) for c in progress.by_chapter(marks)]
    return StudentProgress(
        student_id=student.id,
        student_name=student.full_name,
        from_=start,
        to=end,
        overall_average=progress.general_average(s.average for s in subjects),
        subjects=[SubjectProgress.of(s) for s in subjects],
        chapters=chapters,
        strengths=[c for c in reversed(chapters) if c.status == "strength"],
        weaknesses=[c for c in chapters if c.status == "weakness"],
    )

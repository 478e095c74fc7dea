"""What a progress report ("bilan") contains, gathered in a fixed number of queries."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.assessments import progress
from nexus.assessments.models import Assessment
from nexus.clock import paris_midnight, paris_today
from nexus.errors import Unprocessable
from nexus.language import _
from nexus.people.models import StudentProfile
from nexus.scheduling.models import Booking, BookingStatus, SessionStatus, TutoringSession

DEFAULT_PERIOD = timedelta(days=90)
MAX_PERIOD = timedelta(days=731)
PERIOD_RULE = (
    f"`from` on or before `to`, at most {MAX_PERIOD.days} days apart (two years); "
    f"defaults: `to` today, `from` {DEFAULT_PERIOD.days} days before `to`."
)


@dataclass(frozen=True)
class AssessmentLine:
    assessed_on: date
    subject: str
    chapter: str
    score: float
    max_score: float
    on_20: float
    teacher_name: str | None
    comment: str


@dataclass
class ReportData:
    student_first_name: str
    student_name: str
    level: str | None
    start: date
    end: date
    generated_at: datetime
    # present / late / absent / unmarked → number of booked sessions in the period
    attendance: dict[str, int] = field(default_factory=dict)
    assessments: list[AssessmentLine] = field(default_factory=list)
    subjects: list[progress.SubjectStats] = field(default_factory=list)
    chapters: list[progress.ChapterStats] = field(default_factory=list)

    @property
    def sessions_total(self) -> int:
        return sum(self.attendance.values())

    @property
    def overall_average(self) -> float | None:
        return progress.general_average(s.average for s in self.subjects)

    @property
    def comments(self) -> list[AssessmentLine]:
        return [line for line in self.assessments if line.comment.strip()]

    @property
    def filename(self) -> str:
        return filename(self.student_first_name, self.start, self.end)


def filename(first_name: str, start: date, end: date) -> str:
    """``bilan-<prénom>-<from>_<to>.pdf``."""
    return f"bilan-{slug(first_name)}-{start:%Y-%m-%d}_{end:%Y-%m-%d}.pdf"


def slug(text: str) -> str:
    """``"Inès Benali"`` → ``"ines-benali"`` (ASCII, for file names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "eleve"


def resolve_period(start: date | None, end: date | None) -> tuple[date, date]:
    end = end or paris_today()
    start = start or end - DEFAULT_PERIOD
    if start > end:
        raise Unprocessable(_("'from' must be on or before 'to'."), field="from")
    if end - start > MAX_PERIOD:
        raise Unprocessable(
            _("A report covers %(days)s days at most.", days=MAX_PERIOD.days), field="from"
        )
    return start, end


def gather(
    session: Session, student: User, first_day: date, last_day: date, now: datetime
) -> ReportData:
    """The report of ``student`` (whom the caller may see) over a resolved period."""
    student_id = student.id
    level = session.scalar(select(StudentProfile.level).where(StudentProfile.user_id == student_id))
    data = ReportData(
        student_first_name=student.first_name,
        student_name=student.full_name,
        level=level,
        start=first_day,
        end=last_day,
        generated_at=now,
    )
    data.attendance = _attendance(session, student_id, first_day, last_day, now)
    rows = _assessments(session, student_id, first_day, last_day)
    data.assessments = [line for _mark, line in rows]
    # The same rows as progress.load_marks(session, [student_id], first_day, last_day) would
    # read again: one query serves the table of marks and the statistics.
    marks = [mark for mark, _line in rows]
    data.subjects = progress.by_subject(marks)
    data.chapters = progress.by_chapter(marks)
    return data


def _booked_in_period(student_id: int, start: date, end: date) -> list[ColumnElement[bool]]:
    """The student's live bookings of sessions held (not cancelled) within the period."""
    return [
        Booking.student_id == student_id,
        Booking.status == BookingStatus.BOOKED,
        TutoringSession.status != SessionStatus.CANCELLED,
        TutoringSession.starts_at >= paris_midnight(start),
        TutoringSession.starts_at < paris_midnight(end + timedelta(days=1)),
    ]


def next_change(
    session: Session, student_id: int, start: date, end: date, now: datetime
) -> datetime | None:
    """When time alone changes the report: the next booked session of the period starts (and
    counts in the attendance); None when there is none."""
    return session.scalar(
        select(func.min(TutoringSession.starts_at))
        .join(Booking, Booking.session_id == TutoringSession.id)
        .where(*_booked_in_period(student_id, start, end), TutoringSession.starts_at >= now)
    )


def _attendance(
    session: Session, student_id: int, start: date, end: date, now: datetime
) -> dict[str, int]:
    rows = session.execute(
        select(Booking.attendance, func.count())
        .join(TutoringSession, TutoringSession.id == Booking.session_id)
        .where(*_booked_in_period(student_id, start, end), TutoringSession.starts_at < now)
        .group_by(Booking.attendance)
    )
    counts = {"present": 0, "late": 0, "absent": 0, "unmarked": 0}
    for attendance, count in rows:
        counts[attendance.value if attendance is not None else "unmarked"] = count
    return counts


def _assessments(
    session: Session, student_id: int, start: date, end: date
) -> list[tuple[progress.Mark, AssessmentLine]]:
    """The period's marks, oldest first, each as a :class:`progress.Mark` and a table line."""
    rows = session.execute(
        select(Assessment, User.first_name, User.last_name)
        .outerjoin(User, User.id == Assessment.teacher_id)
        .where(
            Assessment.student_id == student_id,
            Assessment.assessed_on >= start,
            Assessment.assessed_on <= end,
        )
        .order_by(Assessment.assessed_on, Assessment.id)
    )
    return [
        (
            progress.Mark(
                a.id,
                a.student_id,
                str(a.subject),
                a.chapter,
                a.assessed_on,
                a.score * 20.0 / a.max_score,
            ),
            AssessmentLine(
                assessed_on=a.assessed_on,
                subject=str(a.subject),
                chapter=a.chapter,
                score=a.score,
                max_score=a.max_score,
                on_20=a.score_on_20,
                teacher_name=f"{first} {last}" if first is not None else None,
                comment=a.comment,
            ),
        )
        for a, first, last in rows
    ]

"""Session reports ("comptes rendus"): after a session, its teacher writes one per booked student.

Rules:
- Only the session's teacher writes (anyone else: 404), once the session has started (409
  ``session_not_started``: what was done is not known before) and unless it was cancelled
  (409 ``session_cancelled``); only for a student with a live booking (404 ``not_booked``).
- ``PUT`` replaces the report; writing it again is an edit (``updated_at`` moves, ``created_at``
  stays). Concurrent writers of one session's reports are serialised on the session's row.
- Each write notifies the student's parents in the app and sends ``report_written``
  (:mod:`nexus.families.signals`) for the e-mail notice.
- Readers: the session's teacher, the student, their parents and administrators; anyone else
  gets a 404. A teacher listing a student's reports sees only the ones they wrote.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.api.pagination import fetch_counted_page
from nexus.db import utcnow
from nexus.errors import Conflict, NotFound
from nexus.families.models import SessionReport
from nexus.families.schemas import ReportPublic, ReportQuery, ReportWrite
from nexus.families.signals import report_written
from nexus.language import _, force_locale
from nexus.notifications.models import NotificationKind
from nexus.notifications.services import notify
from nexus.people import access
from nexus.scheduling.models import Booking, BookingStatus, SessionStatus, TutoringSession
from nexus.scheduling.schemas import PersonRef
from nexus.scheduling.texts import date_fr, subject_label

EXCERPT = 300


def write_report(
    session: Session, principal: Principal, session_id: int, student_id: int, data: ReportWrite
) -> tuple[SessionReport, bool]:
    """Create or replace the report; ``(report, created)``."""
    ts = session.scalar(
        select(TutoringSession)
        .where(TutoringSession.id == session_id)
        .with_for_update(of=TutoringSession)
    )
    if ts is None or ts.teacher_id != principal.user_id:
        raise NotFound(_("Session not found."))
    if ts.status is SessionStatus.CANCELLED:
        raise Conflict(_("This session was cancelled."), code="session_cancelled")
    if ts.starts_at > utcnow():
        raise Conflict(
            _("A report can be written once the session has started."),
            code="session_not_started",
        )
    booked = session.scalar(
        select(
            exists().where(
                Booking.session_id == ts.id,
                Booking.student_id == student_id,
                Booking.status == BookingStatus.BOOKED,
            )
        )
    )
    if not booked:
        raise NotFound(_("This student has no booking in this session."), code="not_booked")
    report = session.scalar(
        select(SessionReport).where(
            SessionReport.session_id == ts.id, SessionReport.student_id == student_id
        )
    )
    created = report is None
    if report is None:
        report = SessionReport(session_id=ts.id, student_id=student_id, teacher_id=ts.teacher_id)
        session.add(report)
    else:
        report.updated_at = utcnow()
    report.work_done, report.homework, report.mark = data.work_done, data.homework, data.mark
    session.flush()
    session.refresh(report)
    parents = access.parents_of(session, student_id)
    _tell_parents(session, report, parents, created)
    report_written.send(session, report=report, created=created, parent_ids=parents)
    return report, created


def _tell_parents(
    session: Session, report: SessionReport, parents: list[int], created: bool
) -> None:
    ts = report.session
    # Parents read French whatever language the teacher's request was in.
    with force_locale("fr"):
        title = (
            _(
                "Session report: %(subject)s on %(day)s",
                subject=subject_label(ts.subject),
                day=date_fr(ts.starts_at),
            )
            if created
            else _(
                "Session report updated: %(subject)s on %(day)s",
                subject=subject_label(ts.subject),
                day=date_fr(ts.starts_at),
            )
        )
        body = _(
            "%(teacher)s wrote about %(student)s's session: %(work_done)s",
            teacher=report.teacher.full_name,
            student=report.student.first_name,
            work_done=_excerpt(report.work_done),
        )
        if report.homework:
            body += " " + _("Homework: %(homework)s", homework=_excerpt(report.homework))
    data = {"session_id": ts.id, "report_id": report.id, "student_id": report.student_id}
    notify(session, parents, NotificationKind.SESSION_REPORT, title, body, data)


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _may_read(session: Session, principal: Principal, report: SessionReport) -> bool:
    if principal.role is Role.ADMIN:
        return True
    if principal.role is Role.TEACHER:
        return report.teacher_id == principal.user_id
    if principal.role is Role.STUDENT:
        return report.student_id == principal.user_id
    return access.is_parent_of(session, principal.user_id, report.student_id)


def get_report(
    session: Session, principal: Principal, session_id: int, student_id: int
) -> SessionReport:
    report = session.scalar(
        select(SessionReport).where(
            SessionReport.session_id == session_id, SessionReport.student_id == student_id
        )
    )
    if report is None or not _may_read(session, principal, report):
        raise NotFound(_("Report not found."))
    return report


def student_reports(
    session: Session, principal: Principal, student_id: int, query: ReportQuery
) -> tuple[list[SessionReport], int]:
    """A student's reports, latest session first (a teacher: the ones they wrote)."""
    access.ensure_can_view_student(session, principal, student_id)
    statement = (
        select(SessionReport)
        .join(TutoringSession, TutoringSession.id == SessionReport.session_id)
        .where(SessionReport.student_id == student_id)
        .order_by(TutoringSession.starts_at.desc(), SessionReport.id.desc())
    )
    if principal.role is Role.TEACHER:
        statement = statement.where(SessionReport.teacher_id == principal.user_id)
    return fetch_counted_page(session, statement, query)


def recent_reports(session: Session, student_ids: Sequence[int], limit: int) -> list[ReportPublic]:
    """The latest reports of these students (dashboards), in one query."""
    if not student_ids:
        return []
    rows = session.scalars(
        select(SessionReport)
        .join(TutoringSession, TutoringSession.id == SessionReport.session_id)
        .where(SessionReport.student_id.in_(student_ids))
        .order_by(TutoringSession.starts_at.desc(), SessionReport.id.desc())
        .limit(limit)
    )
    return [public(report) for report in rows]


def public(report: SessionReport) -> ReportPublic:
    ts = report.session
    return ReportPublic(
        id=report.id,
        session_id=ts.id,
        session_title=ts.title,
        subject=ts.subject,
        session_starts_at=ts.starts_at,
        student=PersonRef.model_validate(report.student),
        teacher=PersonRef.model_validate(report.teacher),
        work_done=report.work_done,
        homework=report.homework,
        mark=report.mark,
        created_at=report.created_at,
        updated_at=report.updated_at,
    )

"""Demo sessions around today: past ones with attendance, upcoming ones with bookings.

Times are set in Paris time relative to the day of seeding. Idempotent: nothing is added once
the demo sessions (recognised by their titles) exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from nexus.clock import PARIS, to_paris
from nexus.content.vocabulary import Level, Subject
from nexus.db import utcnow
from nexus.demo.people import account
from nexus.offers.models import Enrollment, EnrollmentStatus
from nexus.scheduling import notices
from nexus.scheduling.models import (
    Attendance,
    Booking,
    SessionKind,
    SessionStatus,
    TutoringSession,
)

VISIO = "https://visio.nexus-reussite.fr/salle/"
LUCAS, EMMA, INES = "lucas@nexus-reussite.fr", "emma@nexus-reussite.fr", "ines@nexus-reussite.fr"


@dataclass(frozen=True)
class DemoSession:
    teacher: str
    subject: Subject
    level: Level
    title: str
    day: int  # days from today (Paris)
    at: time  # Paris time
    minutes: int
    capacity: int
    # student e-mail → attendance (None: upcoming)
    students: dict[str, Attendance | None]
    room: str | None = None
    notes: str = ""


SESSIONS = (
    DemoSession(
        "prof.maths@nexus-reussite.fr",
        Subject.MATHEMATIQUES,
        Level.TERMINALE,
        "Suites et raisonnement par récurrence",
        -7,
        time(17),
        90,
        4,
        {LUCAS: Attendance.PRESENT, INES: Attendance.LATE},
        notes="Récurrence maîtrisée ; revoir les limites de suites géométriques.",
    ),
    DemoSession(
        "prof.nsi@nexus-reussite.fr",
        Subject.NSI,
        Level.TERMINALE,
        "Arbres binaires de recherche",
        -5,
        time(18),
        60,
        1,
        {LUCAS: Attendance.PRESENT},
        notes="Parcours infixe compris ; exercice sur la suppression à refaire.",
    ),
    DemoSession(
        "prof.physique@nexus-reussite.fr",
        Subject.PHYSIQUE_CHIMIE,
        Level.PREMIERE,
        "Dosages par titrage",
        -3,
        time(14),
        120,
        6,
        {EMMA: Attendance.ABSENT},
        room="Labo 2",
        notes="Séance de TP ; Emma absente, prévoir un rattrapage.",
    ),
    DemoSession(
        "prof.physique@nexus-reussite.fr",
        Subject.PHYSIQUE_CHIMIE,
        Level.TERMINALE,
        "Mécanique : mouvement dans un champ uniforme",
        1,
        time(17),
        60,
        1,
        {INES: None},
    ),
    DemoSession(
        "prof.maths@nexus-reussite.fr",
        Subject.MATHEMATIQUES,
        Level.TERMINALE,
        "Fonction logarithme népérien",
        2,
        time(17),
        90,
        4,
        {LUCAS: None, INES: None},
    ),
    DemoSession(
        "prof.nsi@nexus-reussite.fr",
        Subject.NSI,
        Level.TERMINALE,
        "Programmation dynamique",
        3,
        time(18),
        60,
        1,
        {LUCAS: None},
    ),
    DemoSession(
        "prof.maths@nexus-reussite.fr",
        Subject.MATHEMATIQUES,
        Level.PREMIERE,
        "Dérivation et variations",
        4,
        time(17, 30),
        90,
        6,
        {EMMA: None},
    ),
    DemoSession(
        "prof.nsi@nexus-reussite.fr",
        Subject.NSI,
        Level.PREMIERE,
        "Projet : graphes et parcours en largeur",
        8,
        time(10),
        120,
        5,
        {},
        room="Salle B12",
    ),
)


def _instant(day: int, at: time) -> datetime:
    local_day = to_paris(utcnow()).date() + timedelta(days=day)
    return datetime.combine(local_day, at, tzinfo=PARIS).astimezone(UTC)


def _enrollment(session: Session, student_id: int, minutes: int) -> Enrollment | None:
    return session.scalar(
        select(Enrollment)
        .where(
            Enrollment.student_id == student_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.minutes_bought - Enrollment.minutes_used >= minutes,
        )
        .order_by(Enrollment.created_at, Enrollment.id)
        .limit(1)
    )


def _add(session: Session, spec: DemoSession) -> None:
    teacher = account(session, spec.teacher)
    start = _instant(spec.day, spec.at)
    past = spec.day < 0
    ts = TutoringSession(
        teacher_id=teacher.id,
        kind=SessionKind.INDIVIDUAL if spec.capacity == 1 else SessionKind.GROUP,
        subject=spec.subject,
        level=spec.level,
        title=spec.title,
        starts_at=start,
        ends_at=start + timedelta(minutes=spec.minutes),
        online_url=None if spec.room else f"{VISIO}{teacher.id}",
        room=spec.room,
        capacity=spec.capacity,
        seats_taken=len(spec.students),
        status=SessionStatus.COMPLETED if past else SessionStatus.SCHEDULED,
        teacher_notes=spec.notes,
    )
    session.add(ts)
    session.flush()
    for email, attendance in spec.students.items():
        student = account(session, email)
        enrollment = _enrollment(session, student.id, spec.minutes)
        if enrollment is not None:
            enrollment.minutes_used += spec.minutes
        booking = Booking(
            session_id=ts.id,
            student_id=student.id,
            enrollment_id=enrollment.id if enrollment else None,
            minutes_charged=spec.minutes if enrollment else 0,
            attendance=attendance,
            created_at=start - timedelta(days=6),
        )
        session.add(booking)
        session.flush()
        if not past:
            notices.booked(session, booking, student)


def seed(session: Session) -> None:
    titles = [spec.title for spec in SESSIONS]
    if session.scalar(select(exists().where(TutoringSession.title.in_(titles)))):
        return
    for spec in SESSIONS:
        _add(session, spec)
    session.flush()

"""Arrange tutoring data directly through the ORM (assessments, dashboards, reports, privacy)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.assessments.models import Assessment
from nexus.content.models import ContentItem
from nexus.content.vocabulary import ContentKind, Level, Subject
from nexus.offers.models import Enrollment, EnrollmentStatus, Offer, OfferKind
from nexus.people.models import ParentLink, StudentProfile
from nexus.scheduling.models import (
    Attendance,
    Booking,
    BookingStatus,
    SessionKind,
    SessionStatus,
    TutoringSession,
)
from tests.factories.content import make_item

_seq = itertools.count(1)
UNUSABLE_HASH = "!not-a-password-hash"


def user(session: Session, role: Role, first_name: str = "", last_name: str = "Test") -> User:
    n = next(_seq)
    account = User(
        email=f"{role.value}-{n}@factory.nexus-reussite.fr",
        password_hash=UNUSABLE_HASH,
        role=role,
        first_name=first_name or f"Prénom{n}",
        last_name=last_name,
    )
    session.add(account)
    session.flush()
    return account


def profile(
    session: Session,
    student: User,
    level: Level = Level.TERMINALE,
    birth_date: date | None = None,
    goals: str = "",
) -> StudentProfile:
    row = StudentProfile(
        user_id=student.id,
        level=level,
        specialties=["mathematiques", "nsi"],
        goals=goals,
        learning_preferences={"format": "online"} if goals else {},
        invitation_code=f"INV{next(_seq):08d}",
        birth_date=birth_date,
    )
    session.add(row)
    session.flush()
    return row


def student(
    session: Session,
    first_name: str = "",
    level: Level = Level.TERMINALE,
    birth_date: date | None = None,
) -> User:
    account = user(session, Role.STUDENT, first_name)
    profile(session, account, level, birth_date)
    return account


def link(session: Session, parent: User | int, child: User | int) -> ParentLink:
    parent_id = parent if isinstance(parent, int) else parent.id
    child_id = child if isinstance(child, int) else child.id
    row = ParentLink(parent_id=parent_id, student_id=child_id)
    session.add(row)
    session.flush()
    return row


def offer(session: Session, price_cents: int = 60_000, hours: int = 10) -> Offer:
    n = next(_seq)
    row = Offer(
        code=f"offre-{n}",
        name=f"Pack {hours} h n°{n}",
        kind=OfferKind.INDIVIDUAL,
        price_cents=price_cents,
        hours=hours,
    )
    session.add(row)
    session.flush()
    return row


def enrollment(
    session: Session,
    student_id: int,
    *,
    price_cents: int = 60_000,
    minutes_bought: int = 600,
    minutes_used: int = 0,
    status: EnrollmentStatus = EnrollmentStatus.ACTIVE,
    created_at: datetime | None = None,
) -> Enrollment:
    row = Enrollment(
        student_id=student_id,
        offer_id=offer(session, price_cents, minutes_bought // 60).id,
        status=status,
        minutes_bought=minutes_bought,
        minutes_used=minutes_used,
        price_paid_cents=price_cents,
        created_at=created_at or datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row


def tutoring_session(
    session: Session,
    teacher_id: int,
    starts_at: datetime,
    *,
    subject: Subject = Subject.MATHEMATIQUES,
    level: Level = Level.TERMINALE,
    capacity: int = 1,
    seats_taken: int = 0,
    status: SessionStatus = SessionStatus.SCHEDULED,
    minutes: int = 90,
) -> TutoringSession:
    row = TutoringSession(
        teacher_id=teacher_id,
        kind=SessionKind.INDIVIDUAL if capacity == 1 else SessionKind.GROUP,
        subject=subject,
        level=level,
        title=f"Séance {subject.value}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        room="Salle 1",
        capacity=capacity,
        seats_taken=seats_taken,
        status=status,
    )
    session.add(row)
    session.flush()
    return row


def booking(
    session: Session,
    tutoring: TutoringSession,
    student_id: int,
    *,
    attendance: Attendance | None = None,
    status: BookingStatus = BookingStatus.BOOKED,
) -> Booking:
    row = Booking(
        session_id=tutoring.id,
        student_id=student_id,
        status=status,
        attendance=attendance,
        minutes_charged=tutoring.duration_minutes,
    )
    if status is BookingStatus.BOOKED:
        tutoring.seats_taken += 1
    session.add(row)
    session.flush()
    return row


def assessment(
    session: Session,
    student_id: int,
    teacher_id: int | None,
    *,
    subject: Subject = Subject.MATHEMATIQUES,
    chapter: str = "Suites numériques",
    score: float = 12.0,
    max_score: float = 20.0,
    assessed_on: date | None = None,
    comment: str = "",
) -> Assessment:
    row = Assessment(
        student_id=student_id,
        teacher_id=teacher_id,
        subject=subject,
        chapter=chapter,
        score=score,
        max_score=max_score,
        assessed_on=assessed_on or date.today() - timedelta(days=1),
        comment=comment,
    )
    session.add(row)
    session.flush()
    return row


def content(
    session: Session,
    title: str,
    *,
    subject: Subject = Subject.MATHEMATIQUES,
    level: Level = Level.TERMINALE,
    chapter: str = "Suites numériques",
    difficulty: int = 2,
    kind: ContentKind = ContentKind.EXERCISE,
) -> ContentItem:
    return make_item(
        session,
        kind=kind,
        title=title,
        subject=subject,
        level=level,
        chapter=chapter,
        difficulty=difficulty,
        summary=f"Résumé : {title}",
        body=f"Contenu de « {title} ».",
    )

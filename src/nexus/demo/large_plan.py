"""In-memory planning of the large demo data set (plain dicts, ready for bulk inserts).

Rows refer to each other by list index until the ids are known (see ``large.py``).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from nexus.accounts.roles import Role
from nexus.clock import PARIS
from nexus.content.labels import subject_label
from nexus.content.vocabulary import Level, Subject
from nexus.demo.french import CHAPTERS, FIRST_NAMES, LAST_NAMES, comment_for
from nexus.offers.models import EnrollmentStatus, Offer, OfferKind
from nexus.scheduling.models import Attendance, BookingStatus, SessionKind, SessionStatus

Row = dict[str, Any]
TEACHER_SUBJECTS = (
    Subject.MATHEMATIQUES,
    Subject.NSI,
    Subject.PHYSIQUE_CHIMIE,
    Subject.MATHEMATIQUES,
    Subject.SVT,
    Subject.FRANCAIS,
    Subject.PHILOSOPHIE,
    Subject.NSI,
)
OFFERS = (
    ("large-individuel-10h", "Soutien individuel — 10 h", OfferKind.INDIVIDUAL, 60_000, 10, 1),
    ("large-individuel-20h", "Soutien individuel — 20 h", OfferKind.INDIVIDUAL, 110_000, 20, 1),
    ("large-groupe-20h", "Petit groupe — 20 h", OfferKind.SMALL_GROUP, 48_000, 20, 6),
    ("large-intensif-15h", "Stage intensif — 15 h", OfferKind.HOLIDAY_INTENSIVE, 39_000, 15, 6),
)
ATTENDANCE = (Attendance.PRESENT, Attendance.LATE, Attendance.ABSENT)
ATTENDANCE_WEIGHTS = (85, 8, 7)


@dataclass
class People:
    teachers: list[Row] = field(default_factory=list)
    parents: list[Row] = field(default_factory=list)
    students: list[Row] = field(default_factory=list)
    teacher_subjects: list[Subject] = field(default_factory=list)
    student_levels: list[Level] = field(default_factory=list)
    student_teachers: list[list[int]] = field(default_factory=list)
    ability: list[float] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Enrollments:
    rows: list[Row]
    by_student: dict[int, list[int]]


@dataclass
class Schedule:
    sessions: list[Row] = field(default_factory=list)
    bookings: list[Row] = field(default_factory=list)


def _user(email: str, role: Role, first: str, last: str, password_hash: str, at: datetime) -> Row:
    return {
        "email": email,
        "password_hash": password_hash,
        "role": role,
        "first_name": first,
        "last_name": last,
        "is_active": True,
        "last_login_at": None,
        "created_at": at,
    }


def plan_people(
    rng: random.Random, students: int, domain: str, password_hash: str, now: datetime
) -> People:
    people = People()
    for i in range(max(3, students // 25)):
        subject = TEACHER_SUBJECTS[i % len(TEACHER_SUBJECTS)]
        people.teacher_subjects.append(subject)
        people.teachers.append(
            _user(
                f"prof{i + 1:04d}@{domain}",
                Role.TEACHER,
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                password_hash,
                now - timedelta(days=400),
            )
        )
    by_subject: dict[Subject, list[int]] = defaultdict(list)
    for index, subject in enumerate(people.teacher_subjects):
        by_subject[subject].append(index)
    family_name = ""
    for i in range(students):
        sibling = i > 0 and rng.random() < 0.25
        family_name = family_name if sibling else rng.choice(LAST_NAMES)
        if not sibling:
            people.parents.append(
                _user(
                    f"parent{len(people.parents) + 1:05d}@{domain}",
                    Role.PARENT,
                    rng.choice(FIRST_NAMES),
                    family_name,
                    password_hash,
                    now - timedelta(days=rng.randint(30, 365)),
                )
            )
        people.links.append((len(people.parents) - 1, i))
        people.students.append(
            _user(
                f"eleve{i + 1:05d}@{domain}",
                Role.STUDENT,
                rng.choice(FIRST_NAMES),
                family_name,
                password_hash,
                now - timedelta(days=rng.randint(30, 365)),
            )
        )
        people.student_levels.append(rng.choice(list(Level)))
        subjects = rng.sample(sorted(by_subject), k=min(len(by_subject), rng.randint(2, 3)))
        people.student_teachers.append([rng.choice(by_subject[s]) for s in subjects])
        people.ability.append(rng.uniform(7.0, 17.0))
    return people


def teacher_profiles(ids: list[int], subjects: list[Subject], now: datetime) -> list[Row]:
    return [
        {
            "user_id": user_id,
            "subjects": [subject.value],
            "levels": [lv.value for lv in Level],
            "bio": f"Professeur de {subject_label(subject)}.",
            "weekly_availability": [],
            "created_at": now,
        }
        for user_id, subject in zip(ids, subjects, strict=True)
    ]


def student_profiles(
    rng: random.Random, ids: list[int], people: People, now: datetime
) -> list[Row]:
    today = now.astimezone(PARIS).date()
    return [
        {
            "user_id": user_id,
            "level": people.student_levels[i],
            "specialties": sorted(
                {people.teacher_subjects[t].value for t in people.student_teachers[i]}
            ),
            "goals": "",
            "exam_date": None,
            "learning_preferences": {},
            "invitation_code": f"LG{i + 1:08d}",
            "birth_date": today - timedelta(days=rng.randint(15 * 365, 18 * 365 - 10)),
            "created_at": now,
        }
        for i, user_id in enumerate(ids)
    ]


def plan_enrollments(
    rng: random.Random, student_ids: list[int], offers: list[Offer], now: datetime
) -> Enrollments:
    rows: list[Row] = []
    by_student: dict[int, list[int]] = defaultdict(list)
    for index, student_id in enumerate(student_ids):
        for _ in range(1 if rng.random() < 0.6 else 2):
            offer = rng.choice(offers)
            by_student[index].append(len(rows))
            rows.append(
                {
                    "student_id": student_id,
                    "offer_id": offer.id,
                    "enrolled_by_id": None,
                    "status": EnrollmentStatus.ACTIVE,
                    "minutes_bought": offer.hours * 60,
                    "minutes_used": 0,
                    "price_paid_cents": offer.price_cents,
                    "created_at": now
                    - timedelta(days=rng.randint(0, 360), hours=rng.randint(0, 23)),
                }
            )
    return Enrollments(rows, by_student)


def _charge(enrollments: Enrollments, student: int, minutes: int) -> int | None:
    for index in enrollments.by_student.get(student, []):
        row = enrollments.rows[index]
        if row["minutes_bought"] - row["minutes_used"] >= minutes:
            row["minutes_used"] += minutes
            return index
    return None


@dataclass(frozen=True)
class _Slot:
    """One drawn session: who teaches, when, how long, for how many."""

    index: int
    teacher: int
    level: Level
    capacity: int
    starts: datetime
    minutes: int
    cancelled: bool
    past: bool

    @property
    def status(self) -> SessionStatus:
        if self.cancelled:
            return SessionStatus.CANCELLED
        return SessionStatus.COMPLETED if self.past else SessionStatus.SCHEDULED


def _draw_slot(
    rng: random.Random, index: int, key: tuple[int, Level], pool_size: int, now: datetime
) -> _Slot:
    group = pool_size > 1 and rng.random() < 0.3
    day = now.astimezone(PARIS).date() + timedelta(days=rng.randint(-180, 30))
    starts = datetime.combine(day, time(rng.choice((14, 16, 17, 18))), PARIS).astimezone(UTC)
    return _Slot(
        index=index,
        teacher=key[0],
        level=key[1],
        capacity=rng.randint(3, 6) if group else 1,
        starts=starts,
        minutes=rng.choice((60, 90, 120)),
        cancelled=rng.random() < 0.04,
        past=starts < now,
    )


def _booking(rng: random.Random, slot: _Slot, student_id: int, enrollment: int | None) -> Row:
    # Always drawn, so that the random sequence does not depend on the current time.
    attendance = rng.choices(ATTENDANCE, ATTENDANCE_WEIGHTS)[0]
    return {
        "session_id": slot.index,
        "student_id": student_id,
        "enrollment_id": enrollment,
        "status": BookingStatus.CANCELLED if slot.cancelled else BookingStatus.BOOKED,
        "attendance": attendance if slot.past and not slot.cancelled else None,
        "minutes_charged": slot.minutes if enrollment is not None else 0,
        "created_at": slot.starts - timedelta(days=rng.randint(1, 20)),
        "cancelled_at": slot.starts - timedelta(days=1) if slot.cancelled else None,
    }


def _session(rng: random.Random, slot: _Slot, teacher_id: int, subject: Subject, seats: int) -> Row:
    return {
        "teacher_id": teacher_id,
        "kind": SessionKind.GROUP if slot.capacity > 1 else SessionKind.INDIVIDUAL,
        "subject": subject,
        "level": slot.level,
        "title": f"{subject_label(subject)} — {rng.choice(CHAPTERS[subject.value])}",
        "starts_at": slot.starts,
        "ends_at": slot.starts + timedelta(minutes=slot.minutes),
        "online_url": None,
        "room": f"Salle {rng.randint(1, 8)}",
        "capacity": slot.capacity,
        "seats_taken": 0 if slot.cancelled else seats,
        "status": slot.status,
        "teacher_notes": "",
        "created_at": slot.starts - timedelta(days=30),
    }


def plan_sessions(
    rng: random.Random,
    count: int,
    ids: tuple[list[int], list[int]],
    people: People,
    enrollments: Enrollments,
    now: datetime,
) -> Schedule:
    """Sessions and their bookings; charges the enrollments' minutes as it goes."""
    teacher_ids, student_ids = ids
    pools: dict[tuple[int, Level], list[int]] = defaultdict(list)
    for student, teachers in enumerate(people.student_teachers):
        for teacher in teachers:
            pools[(teacher, people.student_levels[student])].append(student)
    keys = sorted(pools)
    schedule = Schedule()
    for index in range(count):
        key = rng.choice(keys)
        slot = _draw_slot(rng, index, key, len(pools[key]), now)
        students = rng.sample(pools[key], k=min(len(pools[key]), rng.randint(1, slot.capacity)))
        for student in students:
            charged = None if slot.cancelled else _charge(enrollments, student, slot.minutes)
            schedule.bookings.append(_booking(rng, slot, student_ids[student], charged))
        subject = people.teacher_subjects[slot.teacher]
        schedule.sessions.append(
            _session(rng, slot, teacher_ids[slot.teacher], subject, len(students))
        )
    return schedule


def plan_assessments(
    rng: random.Random, count: int, ids: tuple[list[int], list[int]], people: People, today: date
) -> list[Row]:
    teacher_ids, student_ids = ids
    rows = []
    for _ in range(count):
        student = rng.randrange(len(people.students))
        teacher = rng.choice(people.student_teachers[student])
        subject = people.teacher_subjects[teacher]
        on_20 = min(20.0, max(0.0, rng.gauss(people.ability[student], 3.0)))
        max_score = 20.0 if rng.random() < 0.8 else 10.0
        score = round(on_20 * max_score / 20.0 * 2) / 2
        assessed_on = today - timedelta(days=rng.randint(1, 180))
        rows.append(
            {
                "student_id": student_ids[student],
                "teacher_id": teacher_ids[teacher],
                "subject": subject,
                "chapter": rng.choice(CHAPTERS[subject.value]),
                "score": score,
                "max_score": max_score,
                "assessed_on": assessed_on,
                "comment": comment_for(on_20, rng.randrange(8)) if rng.random() < 0.35 else "",
                "created_at": datetime.combine(assessed_on, time(18), UTC),
            }
        )
    return rows

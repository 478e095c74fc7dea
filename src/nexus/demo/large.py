"""``nexus seed-demo --large``: a large, realistic, deterministic data set, inserted in bulk.

Everything is planned in memory with ``random.Random(seed)`` and written in bulk (one argon2
hash shared by every generated account: password ``LARGE_PASSWORD``): by COPY on PostgreSQL
(:mod:`nexus.demo.large_copy`), with ``session.execute(insert(Model), [rows…])`` in batches
elsewhere. Invariants hold as in real use: seats taken
equal the live bookings, minutes used never exceed the minutes bought, and every assessment
is by a teacher of the student.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import click
from flask import Flask
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from nexus.accounts import passwords
from nexus.accounts.models import User
from nexus.assessments.models import Assessment
from nexus.clock import PARIS
from nexus.db import Base, db, utcnow
from nexus.demo import large_copy, large_plan
from nexus.offers.models import Enrollment, Offer
from nexus.people.models import ParentLink, StudentProfile, TeacherProfile
from nexus.scheduling.models import Booking, TutoringSession

EMAIL_DOMAIN = "demo-large.nexus-reussite.fr"
LARGE_PASSWORD = "Demo2026!large"  # documented demo password  # nosec B105
Progress = Callable[[int], None]


@dataclass(frozen=True)
class LargeOptions:
    students: int = 1000
    sessions: int = 20_000
    assessments: int = 50_000
    seed: int = 2026
    batch_size: int = 5000


@dataclass
class LargeResult:
    created: dict[str, int] = field(default_factory=dict)
    skipped: bool = False

    @property
    def rows(self) -> int:
        return sum(self.created.values())


def already_loaded(session: Session) -> bool:
    count = session.scalar(
        select(func.count()).select_from(User).where(User.email.like(f"%@{EMAIL_DOMAIN}"))
    )
    return bool(count)


def planned_rows(options: LargeOptions) -> int:
    """An estimate of the rows to insert, for the progress bar's length."""
    return int(options.students * 5.2) + int(options.sessions * 2.6) + options.assessments


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class _Writer:
    def __init__(self, session: Session, options: LargeOptions, advance: Progress) -> None:
        self.session, self.size, self.advance = session, options.batch_size, advance
        self.result = LargeResult()
        self.fast = large_copy.CopyWriter(session) if large_copy.available(session) else None

    def _count(self, model: type[Base], rows: int) -> None:
        name = model.__tablename__
        self.result.created[name] = self.result.created.get(name, 0) + rows

    def insert(self, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
        for batch in _batches(rows, self.size):
            if self.fast is not None:
                self.fast.copy(model.__table__, batch)  # type: ignore[arg-type]
            else:
                self.session.execute(insert(model), list(batch))
            self.advance(len(batch))
        self._count(model, len(rows))

    def insert_returning_ids(self, model: type[Base], rows: Sequence[dict[str, Any]]) -> list[int]:
        if self.fast is not None:
            table = model.__table__
            ids = self.fast.reserve_ids(table, len(rows))  # type: ignore[arg-type]
            self.insert(model, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
            return ids
        ids = []
        column = model.__table__.c.id
        for batch in _batches(rows, self.size):
            statement = insert(model).returning(column, sort_by_parameter_order=True)
            ids.extend(self.session.scalars(statement, list(batch)))
            self.advance(len(batch))
        self._count(model, len(rows))
        return ids

    def finish(self) -> LargeResult:
        """Flush, and give the planner fresh statistics of what a COPY load wrote."""
        self.session.flush()
        if self.fast is not None:
            self.fast.analyze([Base.metadata.tables[name] for name in self.result.created])
        return self.result


def seed_large(
    session: Session,
    password_hash: str,
    options: LargeOptions | None = None,
    advance: Progress | None = None,
    now: datetime | None = None,
) -> LargeResult:
    options = options or LargeOptions()
    if already_loaded(session):
        return LargeResult(skipped=True)
    rng = random.Random(options.seed)
    now = now or utcnow()
    writer = _Writer(session, options, advance or (lambda _n: None))
    people = large_plan.plan_people(rng, options.students, EMAIL_DOMAIN, password_hash, now)

    teacher_ids = writer.insert_returning_ids(User, people.teachers)
    parent_ids = writer.insert_returning_ids(User, people.parents)
    student_ids = writer.insert_returning_ids(User, people.students)
    writer.insert(
        TeacherProfile, large_plan.teacher_profiles(teacher_ids, people.teacher_subjects, now)
    )
    writer.insert(StudentProfile, large_plan.student_profiles(rng, student_ids, people, now))
    writer.insert(
        ParentLink,
        [
            {
                "parent_id": parent_ids[p],
                "student_id": student_ids[s],
                "created_by_id": None,
                "created_at": now,
            }
            for p, s in people.links
        ],
    )
    enrollments = large_plan.plan_enrollments(rng, student_ids, _offers(session, now), now)
    ids = (teacher_ids, student_ids)
    schedule = large_plan.plan_sessions(rng, options.sessions, ids, people, enrollments, now)
    enrollment_ids = writer.insert_returning_ids(Enrollment, enrollments.rows)
    session_ids = writer.insert_returning_ids(TutoringSession, schedule.sessions)
    for booking in schedule.bookings:
        booking["session_id"] = session_ids[booking["session_id"]]
        index = booking["enrollment_id"]
        booking["enrollment_id"] = enrollment_ids[index] if index is not None else None
    writer.insert(Booking, schedule.bookings)
    today = now.astimezone(PARIS).date()
    assessments = large_plan.plan_assessments(rng, options.assessments, ids, people, today)
    writer.insert(Assessment, assessments)
    return writer.finish()


def seed_large_with_progress(app: Flask, options: LargeOptions) -> str:
    """Run :func:`seed_large` in its own transaction behind a progress bar; a summary line."""
    started = time.perf_counter()
    password_hash = passwords.hash_password(LARGE_PASSWORD)
    with (
        db.standalone_session(app) as session,
        click.progressbar(length=planned_rows(options), label="Large demo data set") as shown,
    ):
        result = seed_large(session, password_hash, options, shown.update)
    if result.skipped:
        return f"large data set already loaded (accounts @{EMAIL_DOMAIN}): nothing done"
    counts = ", ".join(f"{table} {count}" for table, count in result.created.items())
    elapsed = time.perf_counter() - started
    return (
        f"large data set: {result.rows} rows in {elapsed:.1f} s ({counts}); "
        f"accounts @{EMAIL_DOMAIN}, password {LARGE_PASSWORD}"
    )


def _offers(session: Session, now: datetime) -> list[Offer]:
    existing = {o.code: o for o in session.scalars(select(Offer))}
    for code, name, kind, price, hours, group in large_plan.OFFERS:
        if code not in existing:
            offer = Offer(
                code=code,
                name=name,
                kind=kind,
                price_cents=price,
                hours=hours,
                max_group_size=group,
                created_at=now,
            )
            session.add(offer)
            existing[code] = offer
    session.flush()
    return [existing[code] for code, *_ in large_plan.OFFERS]

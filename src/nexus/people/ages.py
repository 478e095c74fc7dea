"""The age rule: a student is an adult at 18 on their profile's birth date; a student whose
birth date is unknown counts as a minor. Shared by GDPR rights (``nexus.privacy.family``) and
what parents may read of ARIA (``nexus.aria.safety.oversight``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.clock import paris_today
from nexus.people.models import StudentProfile

ADULT_AGE = 18


def age_on(birth_date: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def birth_dates(session: Session, user_ids: list[int]) -> dict[int, date | None]:
    rows = session.execute(
        select(StudentProfile.user_id, StudentProfile.birth_date).where(
            StudentProfile.user_id.in_(user_ids)
        )
    )
    found: dict[int, date | None] = {row.user_id: row.birth_date for row in rows}
    return {user_id: found.get(user_id) for user_id in user_ids}


def is_adult(born: date | None, today: date | None = None) -> bool:
    return born is not None and age_on(born, today or paris_today()) >= ADULT_AGE

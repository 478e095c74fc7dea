"""Who may exercise GDPR rights, and over which accounts.

A parent acts for themselves and their linked children; a student acts for themselves only
when they are an adult (18 or over on their profile's birth date). A minor student, or a
student whose birth date is unknown, cannot: their parents do it for them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.clock import paris_today
from nexus.errors import Forbidden, NotFound, Unprocessable
from nexus.language import _
from nexus.people.access import children_of
from nexus.people.models import StudentProfile

ADULT_AGE = 18
# Other features register here what they keep about people (ARIA conversations, …):
# an exporter returns (section name, rows) for the given user ids; an eraser wipes them.
EXTRA_EXPORTERS: list[Callable[[Session, list[int]], tuple[str, list[dict[str, Any]]]]] = []
EXTRA_ERASERS: list[Callable[[Session, list[int]], None]] = []


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


def subject_account(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("User not found."))
    if user.role not in (Role.PARENT, Role.STUDENT):
        raise Unprocessable(
            _("Only family accounts (parents, students) are covered."), field="user_id"
        )
    return user


def ensure_may_request(session: Session, user: User) -> None:
    """Raise Forbidden for a minor student (or one whose age is unknown)."""
    if user.role is Role.STUDENT and not is_adult(birth_dates(session, [user.id])[user.id]):
        raise Forbidden(
            _("A minor student cannot make this request; a parent can make it for the family."),
            code="minor_account",
        )


def family_of(session: Session, user: User) -> list[int]:
    """The account itself, then (for a parent) every linked child."""
    if user.role is Role.PARENT:
        return [user.id, *children_of(session, user.id)]
    return [user.id]


def erasure_targets(session: Session, user: User) -> list[int]:
    """The family, less the adult children: they decide for themselves."""
    family = family_of(session, user)
    children = family[1:]
    born = birth_dates(session, children)
    return [user.id, *(child for child in children if not is_adult(born[child]))]

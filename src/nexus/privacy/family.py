"""Who may exercise GDPR rights, and over which accounts.

A parent acts for themselves and their linked children; a student acts for themselves only
when they are an adult (18 or over on their profile's birth date: ``nexus.people.ages``). A
minor student, or a student whose birth date is unknown, cannot: their parents do it for them.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.errors import Forbidden, NotFound, Unprocessable
from nexus.language import _
from nexus.people.access import children_of
from nexus.people.ages import birth_dates, is_adult


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

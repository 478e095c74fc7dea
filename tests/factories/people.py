"""People: accounts that never sign in, student and teacher profiles, parent links."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.content.vocabulary import Level
from nexus.people.models import ParentLink, StudentProfile, TeacherProfile
from nexus.people.services import new_invitation_code

_n = itertools.count(1)


def user(session: Session, role: Role, **fields: object) -> User:
    """An account with an unusable password (use ``api.actor`` for one that signs in)."""
    n = next(_n)
    values: dict[str, object] = {
        "email": f"{role.value}.factory{n}@test.nexus-reussite.fr",
        "password_hash": "!unusable",
        "role": role,
        "first_name": f"Prénom{n}",
        "last_name": f"Nom{n}",
    }
    values.update(fields)
    account = User(**values)
    session.add(account)
    session.flush()
    return account


def student_profile(
    session: Session,
    student_id: int,
    *,
    level: Level = Level.TERMINALE,
    specialties: Sequence[str] = ("nsi", "mathematiques"),
    code: str | None = None,
) -> StudentProfile:
    profile = StudentProfile(
        user_id=student_id,
        level=level,
        specialties=list(specialties),
        goals="",
        learning_preferences={},
        invitation_code=code or new_invitation_code(),
    )
    session.add(profile)
    session.flush()
    return profile


def teacher_profile(
    session: Session,
    teacher_id: int,
    *,
    subjects: Sequence[str] = ("mathematiques",),
    levels: Sequence[str] = ("terminale",),
) -> TeacherProfile:
    profile = TeacherProfile(
        user_id=teacher_id,
        subjects=list(subjects),
        levels=list(levels),
        bio="",
        weekly_availability=[],
    )
    session.add(profile)
    session.flush()
    return profile


def link(session: Session, parent_id: int, student_id: int) -> ParentLink:
    parent_link = ParentLink(parent_id=parent_id, student_id=student_id)
    session.add(parent_link)
    session.flush()
    return parent_link

"""Student profiles and invitation codes.

A student's profile is created lazily, on first use, with neutral defaults (level Seconde, no
specialties, a fresh invitation code): registration stays a pure accounts concern and every
way a student account comes to exist (sign-up, admin, import) gets a profile the same way.
The student completes it with ``PUT /students/me/profile``.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.audit.services import record
from nexus.content.vocabulary import Level
from nexus.people import access
from nexus.people.models import StudentProfile
from nexus.people.schemas.students import (
    AcademicZoneUpdate,
    LearningPreferences,
    StudentProfilePublic,
    StudentProfileUpdate,
    StudentPublic,
)

# No 0/O, 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_invitation_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(code: str) -> str:
    compact = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{compact[:4]}-{compact[4:]}"


def unused_code(session: Session) -> str:
    while True:
        code = new_invitation_code()
        taken = session.scalar(
            select(StudentProfile.user_id).where(StudentProfile.invitation_code == code)
        )
        if taken is None:
            return code


def student_profile(session: Session, student: User) -> StudentProfile:
    """The student's profile, created with defaults on first use."""
    profile = session.get(StudentProfile, student.id)
    if profile is not None:
        return profile
    profile = StudentProfile(
        user_id=student.id,
        level=Level.SECONDE,
        specialties=[],
        goals="",
        learning_preferences={},
        invitation_code=unused_code(session),
    )
    try:
        # A concurrent first use may create it too: keep theirs.
        with session.begin_nested():
            session.add(profile)
    except IntegrityError:
        existing = session.get(StudentProfile, student.id)
        if existing is None:  # pragma: no cover - the conflict was not on this profile
            raise
        return existing
    return profile


def apply_update(profile: StudentProfile, update: StudentProfileUpdate) -> None:
    profile.level = update.level
    profile.specialties = [s.value for s in update.specialties]
    profile.goals = update.goals
    profile.exam_date = update.exam_date
    profile.birth_date = update.birth_date
    profile.learning_preferences = update.learning_preferences.model_dump(exclude_defaults=True)


def to_public(student: User, profile: StudentProfile) -> StudentPublic:
    return StudentPublic(**_fields(student, profile))


def _fields(student: User, profile: StudentProfile) -> dict[str, object]:
    return {
        "id": student.id,
        "first_name": student.first_name,
        "last_name": student.last_name,
        "email": student.email,
        "level": profile.level,
        "specialties": profile.specialties,
        "goals": profile.goals,
        "exam_date": profile.exam_date,
        "birth_date": profile.birth_date,
        "learning_preferences": LearningPreferences.model_validate(
            profile.learning_preferences or {}
        ),
        "academic_zone": profile.academic_zone,
    }


def own_profile(session: Session, principal: Principal) -> StudentProfilePublic:
    student = session.get_one(User, principal.user_id)
    profile = student_profile(session, student)
    return StudentProfilePublic(
        **_fields(student, profile), invitation_code=profile.invitation_code
    )


def update_own_profile(
    session: Session, principal: Principal, update: StudentProfileUpdate
) -> StudentProfilePublic:
    student = session.get_one(User, principal.user_id)
    apply_update(student_profile(session, student), update)
    return own_profile(session, principal)


def rotate_invitation_code(session: Session, principal: Principal) -> str:
    """A new code; the previous one stops working."""
    student = session.get_one(User, principal.user_id)
    profile = student_profile(session, student)
    profile.invitation_code = unused_code(session)
    return profile.invitation_code


def get_student(session: Session, principal: Principal, student_id: int) -> StudentPublic:
    student = access.ensure_can_view_student(session, principal, student_id)
    return to_public(student, student_profile(session, student))


def set_academic_zone(
    session: Session, principal: Principal, student_id: int, update: AcademicZoneUpdate
) -> StudentPublic:
    """A linked parent or an admin sets the family's academic zone (404 for anyone else)."""
    student = access.ensure_can_view_student(session, principal, student_id)
    profile = student_profile(session, student)
    previous, profile.academic_zone = profile.academic_zone, update.academic_zone
    if principal.role is Role.ADMIN:
        record(
            session,
            principal.user_id,
            "student.academic_zone",
            "user",
            student.id,
            {"from": previous, "to": update.academic_zone},
        )
    return to_public(student, profile)

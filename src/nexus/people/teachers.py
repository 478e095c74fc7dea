"""Teacher profiles (created empty on first use) and the signed-in directory of teachers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.db import utcnow
from nexus.errors import NotFound
from nexus.language import _
from nexus.people import slots
from nexus.people.models import TeacherProfile
from nexus.people.schemas.teachers import TeacherProfileUpdate, TeacherPublic, TeacherQuery
from nexus.people.slots import Slot


def teacher_profile(session: Session, teacher: User) -> TeacherProfile:
    profile = session.get(TeacherProfile, teacher.id)
    if profile is None:
        profile = TeacherProfile(
            user_id=teacher.id, subjects=[], levels=[], bio="", weekly_availability=[]
        )
        session.add(profile)
        session.flush()
    return profile


def apply_update(profile: TeacherProfile, update: TeacherProfileUpdate) -> None:
    profile.subjects = [s.value for s in update.subjects]
    profile.levels = [lv.value for lv in update.levels]
    profile.bio = update.bio
    profile.weekly_availability = [slot.model_dump() for slot in update.weekly_availability]


def to_public(teacher: User, profile: TeacherProfile | None) -> TeacherPublic:
    return TeacherPublic(
        id=teacher.id,
        first_name=teacher.first_name,
        last_name=teacher.last_name,
        subjects=profile.subjects if profile else [],
        levels=profile.levels if profile else [],
        bio=profile.bio if profile else "",
        weekly_availability=profile.weekly_availability if profile else [],
    )


def own_profile(session: Session, principal: Principal) -> TeacherPublic:
    teacher = session.get_one(User, principal.user_id)
    return to_public(teacher, teacher_profile(session, teacher))


def update_own_profile(
    session: Session, principal: Principal, update: TeacherProfileUpdate
) -> TeacherPublic:
    teacher = session.get_one(User, principal.user_id)
    profile = teacher_profile(session, teacher)
    apply_update(profile, update)
    return to_public(teacher, profile)


def _json_list_has(column: Any, value: str) -> ColumnElement[bool]:
    # The lists hold values of a closed vocabulary, none a substring of another once quoted:
    # a LIKE on the JSON text is exact, and portable between JSONB and SQLite's JSON text.
    return cast(column, String).like(f'%"{value}"%')


def list_teachers(session: Session, query: TeacherQuery) -> tuple[list[TeacherPublic], int]:
    """Active teachers, by last name; filters need a profile that lists the subject/level,
    a slot (``day`` + ``time``) a profile whose availability covers it and no session then."""
    slot = slots.parse_slot(query.day, query.time, query.duration, utcnow())
    statement = (
        select(User, TeacherProfile)
        .outerjoin(TeacherProfile, TeacherProfile.user_id == User.id)
        .where(User.role == Role.TEACHER, User.is_active.is_(True))
    )
    if query.subject is not None:
        statement = statement.where(_json_list_has(TeacherProfile.subjects, query.subject.value))
    if query.level is not None:
        statement = statement.where(_json_list_has(TeacherProfile.levels, query.level.value))
    ordered = statement.order_by(User.last_name, User.first_name, User.id)
    if slot is not None:
        return _with_free_slot(session, ordered, slot, query)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.execute(ordered.offset(query.offset).limit(query.page_size)).all()
    return [to_public(user, profile) for user, profile in rows], total


def _with_free_slot(
    session: Session,
    statement: Select[User, TeacherProfile],
    slot: Slot,
    query: TeacherQuery,
) -> tuple[list[TeacherPublic], int]:
    """Busy teachers are left out in SQL; availability (JSON, portable between SQLite and
    PostgreSQL only as text) is read here: the directory is tens of teachers, not thousands."""
    for busy in slots.busy_sources():
        statement = statement.where(User.id.not_in(busy(slot.starts_at, slot.ends_at)))
    free = [
        (user, profile)
        for user, profile in session.execute(statement).all()
        if profile is not None and slot.within(profile.weekly_availability)
    ]
    page = free[query.offset : query.offset + query.page_size]
    return [to_public(user, profile) for user, profile in page], len(free)


def get_teacher(session: Session, teacher_id: int) -> TeacherPublic:
    teacher = session.get(User, teacher_id)
    if teacher is None or teacher.role is not Role.TEACHER or not teacher.is_active:
        raise NotFound(_("Teacher not found."))
    return to_public(teacher, session.get(TeacherProfile, teacher.id))

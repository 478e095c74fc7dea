"""Account administration; every change is written to the audit log."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from nexus.accounts import services as accounts
from nexus.accounts import tokens
from nexus.accounts.models import AuthSession, User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.admin.schemas import AdminUserCreate, AdminUserQuery, AdminUserUpdate
from nexus.api.pagination import fetch_page
from nexus.audit.services import record
from nexus.db import utcnow
from nexus.errors import Conflict, NotFound, Unprocessable
from nexus.language import _
from nexus.people import services as students
from nexus.people import teachers

SORTS = {
    "created_at": (User.created_at.asc(), User.id.asc()),
    "-created_at": (User.created_at.desc(), User.id.desc()),
    "email": (User.email.asc(),),
    "last_name": (User.last_name.asc(), User.first_name.asc(), User.id.asc()),
}


def create_user(session: Session, principal: Principal, data: AdminUserCreate) -> User:
    """Create an account of any role, with its profile when one is given."""
    if data.student_profile is not None and data.role is not Role.STUDENT:
        raise Unprocessable(_("Only a student has a student profile."), field="student_profile")
    if data.teacher_profile is not None and data.role is not Role.TEACHER:
        raise Unprocessable(_("Only a teacher has a teacher profile."), field="teacher_profile")
    user = accounts.create_user(
        session,
        email=data.email,
        password=data.password,
        role=data.role,
        first_name=data.first_name,
        last_name=data.last_name,
    )
    if data.role is Role.STUDENT:
        profile = students.student_profile(session, user)
        if data.student_profile is not None:
            students.apply_update(profile, data.student_profile)
    elif data.role is Role.TEACHER:
        teacher_profile = teachers.teacher_profile(session, user)
        if data.teacher_profile is not None:
            teachers.apply_update(teacher_profile, data.teacher_profile)
    record(
        session,
        principal.user_id,
        "user.create",
        "user",
        user.id,
        {"email": user.email, "role": user.role.value},
    )
    return user


def list_users(session: Session, query: AdminUserQuery) -> tuple[list[User], int]:
    conditions = []
    if query.role is not None:
        conditions.append(User.role == query.role)
    if query.is_active is not None:
        conditions.append(User.is_active.is_(query.is_active))
    if query.q:
        pattern = f"%{query.q.strip().lower()}%"
        conditions.append(
            or_(
                func.lower(User.email).like(pattern),
                func.lower(User.first_name).like(pattern),
                func.lower(User.last_name).like(pattern),
            )
        )
    return fetch_page(session, User, conditions, SORTS[query.sort], query)


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("User not found."))
    return user


def revoke_sessions(session: Session, user_id: int, reason: str) -> int:
    """Revoke every open login of the account; its tokens stop working at once."""
    open_ids = session.scalars(
        select(AuthSession.id).where(
            AuthSession.user_id == user_id,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > utcnow(),
        )
    ).all()
    for session_id in open_ids:
        tokens.revoke_family(session, session_id, reason=reason)
    return len(open_ids)


def update_user(
    session: Session, principal: Principal, user_id: int, data: AdminUserUpdate
) -> User:
    user = get_user(session, user_id)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    details: dict[str, object] = {"changes": changes}
    if changes.get("is_active") is False and user.id == principal.user_id:
        raise Conflict(
            _("You cannot deactivate your own account."),
            field="is_active",
            code="cannot_deactivate_self",
        )
    for name, value in changes.items():
        setattr(user, name, value)
    action = "user.update"
    if "is_active" in changes:
        action = "user.reactivate" if changes["is_active"] else "user.deactivate"
        if not changes["is_active"]:
            details["sessions_revoked"] = revoke_sessions(session, user.id, "deactivated")
    record(session, principal.user_id, action, "user", user.id, details)
    return user

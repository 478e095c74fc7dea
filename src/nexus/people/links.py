"""Parent ↔ child links: by the student's single-use invitation code, or by an admin."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.api.pagination import fetch_page
from nexus.audit.services import record
from nexus.errors import Conflict, NotFound, Unprocessable
from nexus.language import _
from nexus.people import access
from nexus.people.models import ParentLink, StudentProfile
from nexus.people.schemas.students import ChildPublic, ParentLinkQuery
from nexus.people.services import normalise_code, student_profile, to_public, unused_code


def _create(session: Session, parent_id: int, student_id: int, created_by: int) -> ParentLink:
    if access.is_parent_of(session, parent_id, student_id):
        raise Conflict(_("This parent is already linked to this student."), code="already_linked")
    link = ParentLink(parent_id=parent_id, student_id=student_id, created_by_id=created_by)
    session.add(link)
    session.flush()
    return link


def link_with_code(session: Session, principal: Principal, code: str) -> ChildPublic:
    """Link the calling parent to the student whose code it is; the code is then rotated."""
    profile = session.scalar(
        select(StudentProfile).where(StudentProfile.invitation_code == normalise_code(code))
    )
    if profile is None:
        raise NotFound(
            _("No student has this invitation code."),
            field="invitation_code",
            code="invalid_invitation_code",
        )
    link = _create(session, principal.user_id, profile.user_id, principal.user_id)
    profile.invitation_code = unused_code(session)  # single use
    return ChildPublic(**to_public(profile.user, profile).model_dump(), linked_at=link.created_at)


def children(
    session: Session, principal: Principal, offset: int, limit: int
) -> tuple[list[ChildPublic], int]:
    condition = ParentLink.parent_id == principal.user_id
    total = session.scalar(select(func.count()).select_from(ParentLink).where(condition)) or 0
    rows = session.execute(
        select(User, ParentLink.created_at)
        .join(ParentLink, ParentLink.student_id == User.id)
        .where(condition)
        .order_by(User.first_name, User.id)
        .offset(offset)
        .limit(limit)
    ).all()
    # One query fills the identity map, so student_profile() below issues none.
    ids = [student.id for student, _link in rows]
    session.scalars(select(StudentProfile).where(StudentProfile.user_id.in_(ids))).all()
    result = []
    for student, linked_at in rows:
        public = to_public(student, student_profile(session, student))
        result.append(ChildPublic(**public.model_dump(), linked_at=linked_at))
    return result, total


def _account(session: Session, user_id: int, role: Role, field: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("No user has id %(user_id)s.", user_id=user_id), field=field)
    if user.role is not role:
        raise Unprocessable(
            _(
                "User %(user_id)s does not have the role %(role)s.",
                user_id=user_id,
                role=role.value,
            ),
            field=field,
            code="wrong_role",
        )
    return user


def admin_link(
    session: Session, principal: Principal, parent_id: int, student_id: int
) -> ParentLink:
    _account(session, parent_id, Role.PARENT, "parent_id")
    _account(session, student_id, Role.STUDENT, "student_id")
    link = _create(session, parent_id, student_id, principal.user_id)
    record(
        session,
        principal.user_id,
        "parent_link.create",
        "parent_link",
        link.id,
        {"parent_id": parent_id, "student_id": student_id},
    )
    return link


def admin_unlink(session: Session, principal: Principal, link_id: int) -> None:
    link = session.get(ParentLink, link_id)
    if link is None:
        raise NotFound(_("Parent link not found."))
    record(
        session,
        principal.user_id,
        "parent_link.delete",
        "parent_link",
        link.id,
        {"parent_id": link.parent_id, "student_id": link.student_id},
    )
    session.delete(link)


def list_links(session: Session, query: ParentLinkQuery) -> tuple[list[ParentLink], int]:
    conditions = []
    if query.parent_id is not None:
        conditions.append(ParentLink.parent_id == query.parent_id)
    if query.student_id is not None:
        conditions.append(ParentLink.student_id == query.student_id)
    return fetch_page(session, ParentLink, conditions, (ParentLink.id.asc(),), query)

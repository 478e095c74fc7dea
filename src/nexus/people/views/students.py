"""Students' own profile, a student's card for the people allowed to see it, parents' children."""

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page, PageQuery
from nexus.db import db, writes
from nexus.people import links, services
from nexus.people.schemas.students import (
    AcademicZoneUpdate,
    ChildLinkCreate,
    ChildPublic,
    InvitationCodePublic,
    StudentPath,
    StudentProfilePublic,
    StudentProfileUpdate,
    StudentPublic,
)
from nexus.ratelimit import limiter

students_bp = api_blueprint(
    "students", __name__, url_prefix="/api/v1/students", description="Student profiles"
)
parents_bp = api_blueprint(
    "parents", __name__, url_prefix="/api/v1/parents", description="Parents and their children"
)


@students_bp.get("/me/profile", responses={200: StudentProfilePublic})
@allow(Role.STUDENT)
@writes  # the profile is created on first use
def get_my_profile() -> Response:
    """The signed-in student's profile (created with defaults on first use)."""
    return json_response(services.own_profile(db.session, current_principal()))


@students_bp.put("/me/profile", responses={200: StudentProfilePublic, **errors(422)})
@allow(Role.STUDENT)
def update_my_profile(body: StudentProfileUpdate) -> Response:
    """Replace the signed-in student's profile."""
    return json_response(services.update_own_profile(db.session, current_principal(), body))


@students_bp.post("/me/invitation-code", responses={201: InvitationCodePublic})
@allow(Role.STUDENT)
def rotate_invitation_code() -> Response:
    """Issue a new invitation code for a parent; the previous one stops working."""
    code = services.rotate_invitation_code(db.session, current_principal())
    return json_response(InvitationCodePublic(invitation_code=code), 201)


@students_bp.get("/<int:student_id>", responses={200: StudentPublic, **errors(404)})
@allow()
@writes  # the profile is created on first use
def get_student(path: StudentPath) -> Response:
    """A student, for themself, a linked parent, one of their teachers or an admin."""
    return json_response(services.get_student(db.session, current_principal(), path.student_id))


@students_bp.put(
    "/<int:student_id>/academic-zone", responses={200: StudentPublic, **errors(404, 422)}
)
@allow(Role.PARENT, Role.ADMIN)
def set_academic_zone(path: StudentPath, body: AcademicZoneUpdate) -> Response:
    """Set the family's academic zone (A, B or C, or null): a linked parent or an admin."""
    student = services.set_academic_zone(db.session, current_principal(), path.student_id, body)
    return json_response(student)


@parents_bp.post("/me/children", responses={201: ChildPublic, **errors(404, 409, 422, 429)})
@allow(Role.PARENT)
@limiter.limit(
    "10 per minute", deduct_when=lambda response: response.status_code == 404, scope="link-child"
)
def link_child(body: ChildLinkCreate) -> Response:
    """Link a child to the signed-in parent with the invitation code the child gave."""
    child = links.link_with_code(db.session, current_principal(), body.invitation_code)
    return json_response(child, 201)


@parents_bp.get("/me/children", responses={200: Page[ChildPublic], **errors(422)})
@allow(Role.PARENT)
@writes  # the profile is created on first use
def list_children(query: PageQuery) -> Response:
    """The signed-in parent's linked children."""
    items, total = links.children(db.session, current_principal(), query.offset, query.page_size)
    return json_response(Page[ChildPublic].of(items, query, total))

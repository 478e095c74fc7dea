"""Teachers' own profile and the directory every signed-in user can browse."""

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page
from nexus.db import db, writes
from nexus.people import teachers
from nexus.people.schemas.teachers import (
    TeacherPath,
    TeacherProfileUpdate,
    TeacherPublic,
    TeacherQuery,
)

bp = api_blueprint(
    "teachers", __name__, url_prefix="/api/v1/teachers", description="Teachers and their profiles"
)


@bp.get("/me/profile", responses={200: TeacherPublic})
@allow(Role.TEACHER)
@writes  # the profile is created on first use
def get_my_profile() -> Response:
    """The signed-in teacher's profile (created empty on first use)."""
    return json_response(teachers.own_profile(db.session, current_principal()))


@bp.put("/me/profile", responses={200: TeacherPublic, **errors(422)})
@allow(Role.TEACHER)
def update_my_profile(body: TeacherProfileUpdate) -> Response:
    """Replace the signed-in teacher's profile."""
    return json_response(teachers.update_own_profile(db.session, current_principal(), body))


@bp.get("", responses={200: Page[TeacherPublic], **errors(422)})
@allow()
def list_teachers(query: TeacherQuery) -> Response:
    """Active teachers by name, filtered by subject, level and a free slot (day + time)."""
    items, total = teachers.list_teachers(db.session, query)
    return json_response(Page[TeacherPublic].of(items, query, total))


@bp.get("/<int:teacher_id>", responses={200: TeacherPublic, **errors(404)})
@allow()
def get_teacher(path: TeacherPath) -> Response:
    """One active teacher's public profile."""
    return json_response(teachers.get_teacher(db.session, path.teacher_id))

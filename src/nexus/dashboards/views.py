from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response, raw_json_response
from nexus.cache import cached_expiring_json
from nexus.dashboards import admin, freshness, parent, student, teacher
from nexus.dashboards.schemas.family import ParentDashboard, StudentDashboard
from nexus.dashboards.schemas.staff import AdminDashboard, TeacherDashboard
from nexus.db import db, utcnow
from nexus.people.access import children_of

bp = api_blueprint(
    "dashboards",
    __name__,
    url_prefix="/api/v1/dashboards",
    description="One screen per role; each runs a fixed number of SQL queries",
)


@bp.get("/student", responses={200: StudentDashboard, **errors(404)})
@allow(Role.STUDENT, cached_read=True)
def student_dashboard() -> Response:
    """Upcoming sessions, remaining hours, progress by subject, recommended content."""
    principal = current_principal()

    def compute() -> tuple[str, float | None]:
        now = utcnow()
        board = student.student_dashboard(db.session, principal, now)
        starts = [s.starts_at for s in board.upcoming_sessions]
        return board.model_dump_json(), freshness.lifetime(starts, now)

    # Cached per student until a write it shows (nexus.dashboards.freshness) or its next session.
    scope = freshness.student_scope(principal.user_id)
    return raw_json_response(
        cached_expiring_json(freshness.NAMESPACE, (scope,), str(principal.user_id), compute)
    )


@bp.get("/parent", responses={200: ParentDashboard})
@allow(Role.PARENT, cached_read=True)
def parent_dashboard() -> Response:
    """Each child's summary, upcoming sessions, recent assessments and alerts."""
    principal = current_principal()
    children = children_of(db.session, principal.user_id)

    def compute() -> tuple[str, float | None]:
        now = utcnow()
        board = parent.parent_dashboard(db.session, principal, now, children)
        return board.model_dump_json(), freshness.lifetime(parent.changes_at(board), now)

    # Cached per family until a write it shows, to a child's rows or shared ones, or a moment.
    scopes, key = freshness.family(principal.user_id, children)
    return raw_json_response(cached_expiring_json(freshness.NAMESPACE, scopes, key, compute))


@bp.get("/teacher", responses={200: TeacherDashboard})
@allow(Role.TEACHER)
def teacher_dashboard() -> Response:
    """Upcoming sessions with booked counts and the progress of the teacher's students."""
    return json_response(teacher.teacher_dashboard(db.session, current_principal()))


@bp.get("/admin", responses={200: AdminDashboard})
@allow(Role.ADMIN)
def admin_dashboard() -> Response:
    """Active students, enrollments, revenue by month (12), session occupancy."""
    return json_response(admin.admin_dashboard(db.session))

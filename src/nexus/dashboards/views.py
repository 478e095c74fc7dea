from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.dashboards import admin, parent, student, teacher
from nexus.dashboards.schemas import ParentDashboard, StudentDashboard
from nexus.dashboards.staff_schemas import AdminDashboard, TeacherDashboard
from nexus.db import db

bp = api_blueprint(
    "dashboards",
    __name__,
    url_prefix="/api/v1/dashboards",
    description="One screen per role; each runs a fixed number of SQL queries",
)


@bp.get("/student", responses={200: StudentDashboard, **errors(404)})
@allow(Role.STUDENT)
def student_dashboard() -> Response:
    """Upcoming sessions, remaining hours, progress by subject, recommended content."""
    return json_response(student.student_dashboard(db.session, current_principal()))


@bp.get("/parent", responses={200: ParentDashboard})
@allow(Role.PARENT)
def parent_dashboard() -> Response:
    """Each child's summary, upcoming sessions, recent assessments and alerts."""
    return json_response(parent.parent_dashboard(db.session, current_principal()))


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

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page
from nexus.assessments import queries
from nexus.assessments.schemas.assessments import (
    AssessmentCreate,
    AssessmentPath,
    AssessmentPublic,
    AssessmentQuery,
    AssessmentUpdate,
)
from nexus.assessments.schemas.progress import PeriodQuery, StudentPath, StudentProgress
from nexus.assessments.services import assessments as services
from nexus.assessments.services import progress as progress_services
from nexus.db import db

bp = api_blueprint(
    "assessments",
    __name__,
    url_prefix="/api/v1/assessments",
    description="Marks recorded by teachers (score out of a maximum, per chapter)",
)
progress_bp = api_blueprint(
    "progress",
    __name__,
    url_prefix="/api/v1/students",
    description="A student's progress per subject and chapter, computed from the marks",
)


@bp.post("", responses={201: AssessmentPublic, **errors(404, 422)})
@allow(Role.TEACHER, Role.ADMIN)
def create_assessment(body: AssessmentCreate) -> Response:
    """Record a mark for a student the teacher teaches; notifies the student and parents."""
    row = services.create_assessment(db.session, current_principal(), body)
    return json_response(row.public(), 201)


@bp.get("", responses={200: Page[AssessmentPublic], **errors(422)})
@allow()
def list_assessments(query: AssessmentQuery) -> Response:
    """Assessments the caller may see (own, children's, students', or all), filtered."""
    rows, total = queries.list_assessments(db.session, current_principal(), query)
    page = Page[AssessmentPublic].of([row.public() for row in rows], query, total)
    return json_response(page)


@bp.get("/<int:assessment_id>", responses={200: AssessmentPublic, **errors(404)})
@allow()
def get_assessment(path: AssessmentPath) -> Response:
    """One assessment the caller may see."""
    row = queries.get_row(db.session, current_principal(), path.assessment_id)
    return json_response(row.public())


@bp.patch("/<int:assessment_id>", responses={200: AssessmentPublic, **errors(403, 404, 422)})
@allow(Role.TEACHER, Role.ADMIN)
def update_assessment(path: AssessmentPath, body: AssessmentUpdate) -> Response:
    """Correct an assessment (its author or an administrator)."""
    row = services.update_assessment(db.session, current_principal(), path.assessment_id, body)
    return json_response(row.public())


@bp.delete("/<int:assessment_id>", responses={204: None, **errors(403, 404)})
@allow(Role.TEACHER, Role.ADMIN)
def delete_assessment(path: AssessmentPath) -> Response:
    """Delete an assessment (its author or an administrator)."""
    services.delete_assessment(db.session, current_principal(), path.assessment_id)
    return Response(status=204)


@progress_bp.get("/<int:student_id>/progress", responses={200: StudentProgress, **errors(404, 422)})
@allow()
def student_progress(path: StudentPath, query: PeriodQuery) -> Response:
    """Averages /20, trends and series per subject; strengths (≥ 14) and weaknesses (< 10)."""
    result = progress_services.student_progress(
        db.session, current_principal(), path.student_id, query.from_, query.to
    )
    return json_response(result)

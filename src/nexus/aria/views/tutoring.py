from __future__ import annotations

from flask import Response, current_app

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.aria import hints, plans
from nexus.aria.recommendations import recommendations
from nexus.aria.runtime import get_runtime
from nexus.aria.schemas.tutoring import (
    HintCreate,
    HintPath,
    HintPublic,
    RecommendationList,
    RecommendationQuery,
    StudyPlanCreate,
    StudyPlanPage,
    StudyPlanPath,
    StudyPlanPublic,
    StudyPlanQuery,
)
from nexus.db import db

bp = api_blueprint(
    "aria_tutoring",
    __name__,
    url_prefix="/api/v1/aria",
    description="ARIA's tutoring tools: study plans, exercise hints, recommendations",
)
ROLES = (Role.STUDENT, Role.TEACHER)


@bp.post("/study-plans", responses={201: StudyPlanPublic, **errors(404, 422, 429)})
@allow(*ROLES)
def create_study_plan(body: StudyPlanCreate) -> Response:
    """Generate a week-by-week plan from the exam date, booked sessions and weakest chapters."""
    plan = plans.generate_plan(db.session, get_runtime(current_app), current_principal(), body)
    return json_response(plan, 201)


@bp.get("/study-plans", responses={200: StudyPlanPage, **errors(422)})
@allow(*ROLES)
def list_study_plans(query: StudyPlanQuery) -> Response:
    """Plans made for the calling student, or by the calling teacher; newest first."""
    page = plans.list_plans(db.session, current_principal(), query, query.student_id)
    return json_response(page)


@bp.get("/study-plans/<int:plan_id>", responses={200: StudyPlanPublic, **errors(404)})
@allow(*ROLES)
def get_study_plan(path: StudyPlanPath) -> Response:
    """One study plan."""
    return json_response(plans.get_plan(db.session, current_principal(), path.plan_id))


@bp.post(
    "/exercises/<int:content_id>/hints",
    responses={200: HintPublic, **errors(404, 422, 429)},
)
@allow(*ROLES)
def exercise_hint(path: HintPath, body: HintCreate) -> Response:
    """A hint of level 1 to 3 for an exercise of the bank, never its solution."""
    hint = hints.exercise_hint(
        db.session,
        get_runtime(current_app),
        current_principal(),
        path.content_id,
        body.level,
        body.attempt,
    )
    return json_response(hint)


@bp.get("/recommendations", responses={200: RecommendationList, **errors(404, 422)})
@allow(*ROLES)
def get_recommendations(query: RecommendationQuery) -> Response:
    """Bank items for the weakest chapters of recent assessments."""
    result = recommendations(db.session, current_principal(), query.student_id)
    return json_response(result)

"""Administration: accounts (any role) and parent ↔ child links."""

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.admin import services
from nexus.admin.schemas import (
    AdminUserCreate,
    AdminUserPublic,
    AdminUserQuery,
    AdminUserUpdate,
    UserPath,
)
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page
from nexus.billing.revenue import revenue, twelve_months_to
from nexus.billing.schemas import RevenueQuery, RevenueReport
from nexus.clock import paris_today
from nexus.db import db
from nexus.people import links
from nexus.people.schemas.students import (
    ParentLinkCreate,
    ParentLinkPath,
    ParentLinkPublic,
    ParentLinkQuery,
)

bp = api_blueprint("admin", __name__, url_prefix="/api/v1/admin", description="Administration")


@bp.post("/users", responses={201: AdminUserPublic, **errors(409, 422)})
@allow(Role.ADMIN)
def create_user(body: AdminUserCreate) -> Response:
    """Create an account of any role (teachers and admins included), with its profile."""
    user = services.create_user(db.session, current_principal(), body)
    return json_response(AdminUserPublic.model_validate(user), 201)


@bp.get("/users", responses={200: Page[AdminUserPublic], **errors(422)})
@allow(Role.ADMIN)
def list_users(query: AdminUserQuery) -> Response:
    """Accounts, filtered by role, activity and a text (``q``) in the e-mail or name."""
    items, total = services.list_users(db.session, query)
    return json_response(
        Page[AdminUserPublic].of([AdminUserPublic.model_validate(u) for u in items], query, total)
    )


@bp.get("/users/<int:user_id>", responses={200: AdminUserPublic, **errors(404)})
@allow(Role.ADMIN)
def get_user(path: UserPath) -> Response:
    """One account."""
    return json_response(
        AdminUserPublic.model_validate(services.get_user(db.session, path.user_id))
    )


@bp.patch("/users/<int:user_id>", responses={200: AdminUserPublic, **errors(404, 409, 422)})
@allow(Role.ADMIN)
def update_user(path: UserPath, body: AdminUserUpdate) -> Response:
    """Rename, deactivate (every open session revoked) or reactivate an account."""
    user = services.update_user(db.session, current_principal(), path.user_id, body)
    return json_response(AdminUserPublic.model_validate(user))


@bp.post("/parent-links", responses={201: ParentLinkPublic, **errors(404, 409, 422)})
@allow(Role.ADMIN)
def create_parent_link(body: ParentLinkCreate) -> Response:
    """Link a parent to a student without an invitation code."""
    link = links.admin_link(db.session, current_principal(), body.parent_id, body.student_id)
    return json_response(ParentLinkPublic.model_validate(link), 201)


@bp.get("/parent-links", responses={200: Page[ParentLinkPublic], **errors(422)})
@allow(Role.ADMIN)
def list_parent_links(query: ParentLinkQuery) -> Response:
    """Parent ↔ child links, filtered by parent or student."""
    items, total = links.list_links(db.session, query)
    return json_response(
        Page[ParentLinkPublic].of(
            [ParentLinkPublic.model_validate(link) for link in items], query, total
        )
    )


@bp.delete("/parent-links/<int:link_id>", responses={204: None, **errors(404)})
@allow(Role.ADMIN)
def delete_parent_link(path: ParentLinkPath) -> Response:
    """Remove a parent ↔ child link."""
    links.admin_unlink(db.session, current_principal(), path.link_id)
    return Response(status=204)


@bp.get("/revenue", responses={200: RevenueReport, **errors(422)})
@allow(Role.ADMIN)
def revenue_report(query: RevenueQuery) -> Response:
    """Invoiced, credited, net invoiced, collected (by method) and outstanding, per month."""
    end = query.date_to or paris_today()
    start = query.date_from or twelve_months_to(end)
    return json_response(revenue(db.session, start, end))

from __future__ import annotations

from flask import Response, current_app

from nexus.accounts.permissions import allow
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.aria.schemas.admin import UsageQuery, UsageReport
from nexus.aria.usage import usage_report
from nexus.db import db

bp = api_blueprint(
    "aria_admin",
    __name__,
    url_prefix="/api/v1/admin/aria",
    description="ARIA administration: usage and cost",
)


@bp.get("/usage", responses={200: UsageReport, **errors(422)})
@allow(Role.ADMIN)
def usage(query: UsageQuery) -> Response:
    """ARIA answers and tokens per Paris day and per user over [from, to] (default: 30 days)."""
    settings = current_app.extensions["settings"]
    return json_response(usage_report(db.session, settings, query.from_, query.to))

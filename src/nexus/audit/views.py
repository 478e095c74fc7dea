from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page
from nexus.audit import services
from nexus.audit.schemas import AuditEntryPublic, AuditQuery
from nexus.db import db

bp = api_blueprint(
    "audit", __name__, url_prefix="/api/v1/admin", description="Audit log of account actions"
)


@bp.get("/audit-log", responses={200: Page[AuditEntryPublic], **errors(422)})
@allow(Role.ADMIN)
def list_audit_log(query: AuditQuery) -> Response:
    """The audit log, newest first; filter by action, actor or target."""
    entries, total = services.list_entries(db.session, query)
    page = Page[AuditEntryPublic].of(
        [AuditEntryPublic.model_validate(e) for e in entries], query, total
    )
    return json_response(page)

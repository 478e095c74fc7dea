from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.db import db, writes
from nexus.privacy import erasure, export
from nexus.privacy.schemas import ErasureRequest, ErasureResult, FamilyExport, UserPath

bp = api_blueprint(
    "privacy",
    __name__,
    url_prefix="/api/v1/privacy",
    description="GDPR: export and erasure of a family's personal data",
)


@bp.get("/export", responses={200: FamilyExport, **errors(403)})
@allow(Role.PARENT, Role.STUDENT)
@writes  # the export is recorded in the audit log
def export_data() -> Response:
    """Everything kept about the caller and their children (parents, adult students)."""
    document = export.export_family(db.session, current_principal())
    filename = f"nexus-donnees-{document.requested_by}-{document.generated_at:%Y-%m-%d}.json"
    return json_response(
        document, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.post("/erasure", responses={200: ErasureResult, **errors(403, 422)})
@allow(Role.PARENT, Role.STUDENT)
def request_erasure(body: ErasureRequest) -> Response:
    """Erase the family's personal data now (minor children included); accounting is kept."""
    del body  # validated: {"confirm": "SUPPRIMER"}
    return json_response(erasure.erase_own_family(db.session, current_principal().user_id))


@bp.post("/users/<int:user_id>/erasure", responses={200: ErasureResult, **errors(404, 422)})
@allow(Role.ADMIN)
def erase_user(path: UserPath, body: ErasureRequest) -> Response:
    """Carry out a family's erasure request received by other means (audited)."""
    del body
    result = erasure.erase_on_behalf(db.session, current_principal().user_id, path.user_id)
    return json_response(result)

from __future__ import annotations

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors
from nexus.assessments.progress_schemas import PeriodQuery, StudentPath
from nexus.db import db
from nexus.reports import pdf, services

bp = api_blueprint(
    "reports",
    __name__,
    url_prefix="/api/v1/students",
    description="Progress reports (PDF, in French) for families",
)

PDF_RESPONSE = {
    "description": "The report as an A4 PDF attachment (bilan-<prénom>-<période>.pdf)",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@bp.get(
    "/<int:student_id>/report.pdf",
    responses={200: PDF_RESPONSE, **errors(404, 422)},
    description=services.PERIOD_RULE,
)
@allow()
def progress_report(path: StudentPath, query: PeriodQuery) -> Response:
    """Progress report over a period (default: the last 90 days): attendance, marks, chart."""
    data = services.gather(db.session, current_principal(), path.student_id, query.from_, query.to)
    return Response(
        pdf.render(data),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{data.filename}"',
            "Cache-Control": "private, no-store",
        },
    )

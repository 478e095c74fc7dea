from __future__ import annotations

import base64

from flask import Response

from nexus.accounts.permissions import allow, current_principal
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors
from nexus.assessments.schemas.progress import PeriodQuery, StudentPath
from nexus.cache import get_cache, key_of
from nexus.dashboards import freshness
from nexus.db import db, utcnow
from nexus.people.access import ensure_can_view_student
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
@allow(cached_read=True)
def progress_report(path: StudentPath, query: PeriodQuery) -> Response:
    """Progress report over a period (default: the last 90 days): attendance, marks, chart."""
    first_day, last_day = services.resolve_period(query.from_, query.to)
    student = ensure_can_view_student(db.session, current_principal(), path.student_id)

    def compute() -> tuple[str, float | None]:
        now = utcnow()
        data = services.gather(db.session, student, first_day, last_day, now)
        changes = services.next_change(db.session, student.id, first_day, last_day, now)
        document = base64.b64encode(pdf.render(data)).decode("ascii")
        return document, freshness.lifetime([changes] if changes else [], now)

    # Cached per student and period until a write the report shows (the same rows as the
    # student's dashboard: nexus.dashboards.freshness) or the next session of the period.
    document = get_cache().fetch_expiring(
        freshness.NAMESPACE,
        key_of("report", student.id, first_day, last_day),
        compute,
        scopes=(freshness.student_scope(student.id),),
    )
    name = services.filename(student.first_name, first_day, last_day)
    return Response(
        base64.b64decode(document),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )

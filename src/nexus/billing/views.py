"""Invoices and credit notes: a parent reads their family's, an admin every one."""

from __future__ import annotations

from flask import Response, current_app

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page
from nexus.billing import pdf, queries
from nexus.billing.schemas import DocumentPath, DocumentPublic, DocumentQuery
from nexus.db import db

bp = api_blueprint(
    "billing",
    __name__,
    url_prefix="/api/v1/billing/documents",
    description="Invoices and credit notes (factures, avoirs)",
)

PDF_RESPONSE = {
    "description": "The document as an A4 PDF attachment (<numéro>.pdf)",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@bp.get("", responses={200: Page[DocumentPublic], **errors(422)})
@allow(Role.PARENT, Role.ADMIN)
def list_documents(query: DocumentQuery) -> Response:
    """The family's invoices and credit notes (admins: all), newest first."""
    items, total = queries.list_documents(db.session, current_principal(), query)
    return json_response(
        Page[DocumentPublic].of([DocumentPublic.model_validate(d) for d in items], query, total)
    )


@bp.get("/<int:document_id>", responses={200: DocumentPublic, **errors(404)})
@allow(Role.PARENT, Role.ADMIN)
def get_document(path: DocumentPath) -> Response:
    """One invoice or credit note."""
    document = queries.get_document(db.session, current_principal(), path.document_id)
    return json_response(DocumentPublic.model_validate(document))


@bp.get("/<int:document_id>/document.pdf", responses={200: PDF_RESPONSE, **errors(404)})
@allow(Role.PARENT, Role.ADMIN)
def document_pdf(path: DocumentPath) -> Response:
    """The invoice or credit note as a French PDF with its legal mentions."""
    document = queries.get_document(db.session, current_principal(), path.document_id)
    context = pdf.DocumentContext(
        document,
        current_app.extensions["settings"].billing_business,
        queries.credited_number(db.session, document),
    )
    return Response(
        pdf.render(context),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{document.number}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )

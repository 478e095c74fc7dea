"""Invoices and credit notes: a parent reads their family's, an admin every one."""

from __future__ import annotations

from flask import Response, current_app

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page
from nexus.billing import certificates, payments, pdf, queries, statements
from nexus.billing.certificate_schemas import CertificatePath, CertificatePublic
from nexus.billing.schemas import (
    DocumentPath,
    DocumentPublic,
    DocumentQuery,
    FamilyPath,
    PaymentCreate,
    PaymentList,
    PaymentPath,
    PaymentPublic,
    PaymentReversalCreate,
    StatementLinePublic,
    StatementPublic,
    StatementQuery,
)
from nexus.billing.statement_pdf import render_statement
from nexus.clock import paris_today
from nexus.db import db
from nexus.language import force_locale

bp = api_blueprint(
    "billing",
    __name__,
    url_prefix="/api/v1/billing/documents",
    description="Invoices and credit notes (factures, avoirs)",
)

families_bp = api_blueprint(
    "billing_families",
    __name__,
    url_prefix="/api/v1/billing/families",
    description="A family's account statement (relevé de compte)",
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
    settled = payments.settlements(db.session, items)
    return json_response(
        Page[DocumentPublic].of([DocumentPublic.of(d, settled[d.id]) for d in items], query, total)
    )


@bp.get("/<int:document_id>", responses={200: DocumentPublic, **errors(404)})
@allow(Role.PARENT, Role.ADMIN)
def get_document(path: DocumentPath) -> Response:
    """One invoice or credit note."""
    document = queries.get_document(db.session, current_principal(), path.document_id)
    return json_response(DocumentPublic.of(document, payments.settlement(db.session, document)))


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


@bp.get("/<int:document_id>/payments", responses={200: PaymentList, **errors(404)})
@allow(Role.PARENT, Role.ADMIN)
def list_payments(path: DocumentPath) -> Response:
    """The payments and reversals of an invoice, oldest first, and what it still owes."""
    document = queries.get_document(db.session, current_principal(), path.document_id)
    settled = payments.settlement(db.session, document)
    return json_response(
        PaymentList(
            items=[
                PaymentPublic.model_validate(p)
                for p in payments.payments_of(db.session, document.id)
            ],
            paid_cents=settled.paid_cents if settled else 0,
            outstanding_cents=settled.outstanding_cents if settled else 0,
            status=settled.status if settled else None,
        )
    )


@bp.post("/<int:document_id>/payments", responses={201: PaymentPublic, **errors(404, 409, 422)})
@allow(Role.ADMIN)
def record_payment(path: DocumentPath, body: PaymentCreate) -> Response:
    """Record a (partial) payment of an invoice; refused beyond what it still owes (409)."""
    today = paris_today()
    payment = payments.record_payment(
        db.session,
        current_principal(),
        path.document_id,
        amount_cents=body.amount_cents,
        method=body.method,
        received_on=body.received_on or today,
        reference=body.reference,
        today=today,
    )
    return json_response(PaymentPublic.model_validate(payment), 201)


@bp.post(
    "/<int:document_id>/payments/<int:payment_id>/reversal",
    responses={201: PaymentPublic, **errors(404, 409, 422)},
)
@allow(Role.ADMIN)
def reverse_payment(path: PaymentPath, body: PaymentReversalCreate) -> Response:
    """Undo a mistaken payment with a negative reversal (payments are never changed)."""
    today = paris_today()
    reversal = payments.reverse_payment(
        db.session,
        current_principal(),
        path.document_id,
        path.payment_id,
        received_on=body.received_on or today,
        reference=body.reference,
        today=today,
    )
    return json_response(PaymentPublic.model_validate(reversal), 201)


STATEMENT_PDF = {
    "description": "With ?format=pdf: the statement as an A4 PDF (releve-<famille>.pdf)",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@families_bp.get("/<int:family_id>/statement", responses={200: StatementPublic, **errors(404, 422)})
@allow(Role.PARENT, Role.ADMIN)
def family_statement(path: FamilyPath, query: StatementQuery) -> Response:
    """Invoices (+), credit notes (−) and payments (−) in order, running balance, totals."""
    if query.format == "pdf":
        return _statement_pdf(path.family_id)
    statement = statements.family_statement(db.session, current_principal(), path.family_id)
    return json_response(
        StatementPublic(
            family_id=statement.family.id,
            family_name=statement.family.full_name,
            lines=[StatementLinePublic.model_validate(line) for line in statement.lines],
            invoiced_cents=statement.invoiced_cents,
            credited_cents=statement.credited_cents,
            paid_cents=statement.paid_cents,
            balance_cents=statement.balance_cents,
        )
    )


@families_bp.get("/<int:family_id>/statement.pdf", responses={200: STATEMENT_PDF, **errors(404)})
@allow(Role.PARENT, Role.ADMIN)
def family_statement_pdf(path: FamilyPath) -> Response:
    """The family's account statement as a French PDF."""
    return _statement_pdf(path.family_id)


def _statement_pdf(family_id: int) -> Response:
    # The PDF is French whatever the request's language, labels included.
    with force_locale("fr"):
        statement = statements.family_statement(db.session, current_principal(), family_id)
    data = render_statement(
        statement, current_app.extensions["settings"].billing_business, paris_today()
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="releve-{family_id}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


CERTIFICATE_PDF = {
    "description": "The attestation fiscale as an A4 PDF (attestation-fiscale-<année>.pdf)",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}
ANYONE = (Role.PARENT, Role.ADMIN, Role.STUDENT, Role.TEACHER)


@families_bp.get(
    "/<int:family_id>/tax-certificates/<int:year>",
    responses={200: CertificatePublic, **errors(404, 409, 422)},
)
@allow(*ANYONE)
def tax_certificate(path: CertificatePath) -> Response:
    """The attestation fiscale's figures for a past year (the family's parents and admins)."""
    settings = current_app.extensions["settings"]
    found = certificates.family_certificate(
        db.session, current_principal(), path.family_id, path.year, settings, paris_today()
    )
    return json_response(CertificatePublic.model_validate(found.public))


@families_bp.get(
    "/<int:family_id>/tax-certificates/<int:year>.pdf",
    responses={200: CERTIFICATE_PDF, **errors(404, 409, 422)},
)
@allow(*ANYONE)
def tax_certificate_pdf(path: CertificatePath) -> Response:
    """The attestation fiscale as a French PDF: the issued one, else drawn up today."""
    settings = current_app.extensions["settings"]
    data = certificates.family_certificate_pdf(
        db.session, current_principal(), path.family_id, path.year, settings, paris_today()
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": (
                f'attachment; filename="attestation-fiscale-{path.year}-{path.family_id}.pdf"'
            ),
            "Cache-Control": "private, no-store",
        },
    )

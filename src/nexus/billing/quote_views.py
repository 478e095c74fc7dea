"""Quotes (devis) and ad-hoc invoices: admins issue them, the family answers its quotes."""

from __future__ import annotations

from flask import Response, current_app

from nexus.accounts.permissions import allow, current_principal
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page, PageQuery
from nexus.billing import payments, quotes
from nexus.billing.charges import issue_charges
from nexus.billing.models import Quote, QuoteDecisionKind
from nexus.billing.quote_pdf import render_quote
from nexus.billing.quote_schemas import InvoiceCreate, QuoteCreate, QuotePath, QuotePublic
from nexus.billing.schemas import DocumentPublic
from nexus.billing.views import PDF_RESPONSE
from nexus.clock import paris_today
from nexus.config import BusinessIdentity
from nexus.db import db

quotes_bp = api_blueprint(
    "billing_quotes",
    __name__,
    url_prefix="/api/v1/billing/quotes",
    description="Quotes (devis): free, valid until a date, accepted or declined by the family",
)

invoices_bp = api_blueprint(
    "billing_invoices",
    __name__,
    url_prefix="/api/v1/billing/invoices",
    description="Ad-hoc invoices (travel costs, material…) in the invoices' sequence",
)


def _seller() -> BusinessIdentity:
    seller: BusinessIdentity = current_app.extensions["settings"].billing_business
    return seller


def _public(quote: Quote) -> QuotePublic:
    return QuotePublic.of(quote, quotes.status(quote, paris_today()))


@quotes_bp.post("", responses={201: QuotePublic, **errors(404, 409, 422)})
@allow(Role.ADMIN)
def create_quote(body: QuoteCreate) -> Response:
    """Issue a quote for an offer or a custom bundle of lines (numbered D-YYYY-NNNNN)."""
    quote = quotes.create_quote(
        db.session,
        current_principal(),
        family_id=body.family_id,
        student_id=body.student_id,
        offer_id=body.offer_id,
        lines=[line.to_line() for line in body.lines] if body.lines is not None else None,
        valid_until=body.valid_until,
        seller=_seller(),
        today=paris_today(),
    )
    return json_response(_public(quote), 201)


@quotes_bp.get("", responses={200: Page[QuotePublic], **errors(422)})
@allow(Role.PARENT, Role.ADMIN)
def list_quotes(query: PageQuery) -> Response:
    """The family's quotes (admins: all), newest first."""
    items, total = quotes.list_quotes(db.session, current_principal(), query)
    return json_response(Page[QuotePublic].of([_public(q) for q in items], query, total))


@quotes_bp.get("/<int:quote_id>", responses={200: QuotePublic, **errors(404)})
@allow(Role.PARENT, Role.ADMIN)
def get_quote(path: QuotePath) -> Response:
    """One quote with its lines and status."""
    return json_response(_public(quotes.get_quote(db.session, current_principal(), path.quote_id)))


@quotes_bp.get("/<int:quote_id>/document.pdf", responses={200: PDF_RESPONSE, **errors(404)})
@allow(Role.PARENT, Role.ADMIN)
def quote_pdf(path: QuotePath) -> Response:
    """The quote as a French PDF with the mentions of a devis."""
    quote = quotes.get_quote(db.session, current_principal(), path.quote_id)
    return Response(
        render_quote(quote, _seller()),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{quote.number}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


def _decide(quote_id: int, decision: QuoteDecisionKind) -> Response:
    quote = quotes.decide(
        db.session,
        current_principal(),
        quote_id,
        decision,
        seller=_seller(),
        today=paris_today(),
    )
    return json_response(_public(quote))


@quotes_bp.post("/<int:quote_id>/accept", responses={200: QuotePublic, **errors(404, 409)})
@allow(Role.PARENT)
def accept_quote(path: QuotePath) -> Response:
    """Accept the family's quote while valid: enrols (offer) or invoices (custom lines)."""
    return _decide(path.quote_id, QuoteDecisionKind.ACCEPTED)


@quotes_bp.post("/<int:quote_id>/decline", responses={200: QuotePublic, **errors(404, 409)})
@allow(Role.PARENT)
def decline_quote(path: QuotePath) -> Response:
    """Decline the family's quote while valid."""
    return _decide(path.quote_id, QuoteDecisionKind.DECLINED)


@invoices_bp.post("", responses={201: DocumentPublic, **errors(422)})
@allow(Role.ADMIN)
def create_invoice(body: InvoiceCreate) -> Response:
    """Issue an ad-hoc invoice for a family (custom lines, eligibility per the SAP rules)."""
    invoice = issue_charges(
        db.session,
        current_principal(),
        family_id=body.family_id,
        lines=[line.to_line() for line in body.lines],
        seller=_seller(),
        today=paris_today(),
    )
    return json_response(DocumentPublic.of(invoice, payments.settlement(db.session, invoice)), 201)

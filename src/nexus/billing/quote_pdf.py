"""A quote (devis) as a French A4 PDF, with the mentions a devis must carry.

Mentions (arrêté du 17 mars 2015 for services à la personne, and the general devis
practice): date, validity, the business's identity with its SIREN, the client, the detailed
lines with quantities and unit prices, totals HT/TVA/TTC or the VAT exemption mention, that
the quote is free ("Devis gratuit"), and a "Bon pour accord" signature block. Built from the
invoice PDF's helpers (:mod:`nexus.billing.pdf`).
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from nexus.billing.models import Quote
from nexus.billing.pdf import (
    LINE,
    MARGIN,
    SMALL,
    TITLE,
    _money,
    _para,
    lines_table,
    parties_table,
    totals_table,
)
from nexus.config import BusinessIdentity
from nexus.language import formats


def render_quote(quote: Quote, seller: BusinessIdentity) -> bytes:
    buffer = BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Devis {quote.number}",
        author=seller.legal_name,
    )
    width = pdf.width
    story: list[object] = [
        _para(f"Devis n° {quote.number}", TITLE),
        _para(f"Date du devis : {formats.short_date(quote.issued_on, 'fr')}"),
        _para(f"Valable jusqu'au : {formats.short_date(quote.valid_until, 'fr')} — Devis gratuit"),
        Spacer(1, 6 * mm),
        parties_table(seller, quote.buyer_name, quote.buyer_address, width),
        Spacer(1, 8 * mm),
        lines_table(quote, width),
        Spacer(1, 4 * mm),
        totals_table(quote, width),
        Spacer(1, 6 * mm),
    ]
    for text in _mentions(quote, seller):
        story.append(_para(text, SMALL))
    story += [Spacer(1, 10 * mm), _signature(width)]
    pdf.build(story)
    return buffer.getvalue()


def _mentions(quote: Quote, seller: BusinessIdentity) -> list[str]:
    texts = []
    if seller.vat_rate_bp == 0:
        texts.append(seller.vat_exemption_mention)
    texts += [
        "Devis gratuit, établi sans engagement de la part du client.",
        f"Offre valable jusqu'au {formats.short_date(quote.valid_until, 'fr')} ; les prix "
        "sont exprimés en euros toutes taxes comprises (TTC).",
        "La prestation sera facturée à l'acceptation du devis.",
    ]
    if quote.eligible_cents:
        texts.append(
            f"Dont {_money(quote.eligible_cents)} au titre des services à la personne, "
            "susceptibles d'ouvrir droit au crédit d'impôt de l'article 199 sexdecies du CGI "
            "(50 % des sommes effectivement payées), sous réserve des conditions légales."
        )
    return texts


def _signature(width: float) -> Table:
    rows = [
        [_para("Bon pour accord"), ""],
        [_para("Date et signature du client, précédées de la mention « Bon pour accord » :"), ""],
        ["", ""],
    ]
    table = Table(rows, colWidths=[width * 0.6, width * 0.4], rowHeights=[None, None, 25 * mm])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, LINE)]))
    return table

"""Invoices and credit notes as French A4 PDFs, with every mention the law requires.

The mentions and their sources are listed in docs/billing.md (Code de commerce L441-9 and
R123-237, CGI art. 242 nonies A of annexe II, Code du travail D7233-1 for the tax-credit
information of "services à la personne"). Standard PDF fonts (WinAnsi) cover French text.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from nexus.billing.models import BillingDocument, DocumentKind, Quote
from nexus.config import BusinessIdentity
from nexus.language import formats

NAVY = colors.HexColor("#1F3A5F")
LINE = colors.HexColor("#D9E1EA")
MARGIN = 18 * mm
_BASE = getSampleStyleSheet()
TITLE = ParagraphStyle("title", _BASE["Title"], fontSize=18, textColor=NAVY, alignment=0)
BODY = ParagraphStyle("body", _BASE["Normal"], fontSize=9.5, leading=13)
SMALL = ParagraphStyle("small", _BASE["Normal"], fontSize=8, leading=10.5)


def _money(cents: int) -> str:
    # Babel's narrow no-break space is not in WinAnsi; the plain no-break space is.
    return formats.money(cents, "fr").replace("\u202f", "\u00a0")


def _rate(basis_points: int) -> str:
    return f"{formats.number(basis_points / 100, 1, 'fr')} %"


def _quantity(hundredths: int) -> str:
    return formats.number(hundredths / 100, 2, "fr")


@dataclass(frozen=True)
class DocumentContext:
    document: BillingDocument
    seller: BusinessIdentity
    credited_number: str | None = None


def _para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def render(context: DocumentContext) -> bytes:
    document, seller = context.document, context.seller
    title = "Facture" if document.kind == DocumentKind.INVOICE else "Avoir"
    buffer = BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{title} {document.number}",
        author=seller.legal_name,
    )
    pdf.build(_story(context, title, pdf.width))
    return buffer.getvalue()


def _parties(context: DocumentContext, width: float) -> Table:
    document = context.document
    return parties_table(context.seller, document.buyer_name, document.buyer_address, width)


def parties_table(
    seller: BusinessIdentity, buyer_name: str, buyer_address: str, width: float
) -> Table:
    """The seller's identity (SIREN, SIRET, VAT or exemption, SAP) beside the client's."""
    vat = (
        f"N° TVA intracommunautaire : {seller.vat_number}"
        if seller.vat_number
        else seller.vat_exemption_mention
    )
    left = (
        f"{seller.legal_name}\n{seller.address}\nSIREN : {seller.siren} — SIRET : {seller.siret}"
        f"\n{vat}\nDéclaration SAP n° {seller.sap_declaration_number} du "
        f"{formats.short_date(seller.sap_declaration_date, 'fr')}"
    )
    right = f"Client :\n{buyer_name}\n{buyer_address}"
    table = Table([[_para(left), _para(right)]], colWidths=[width * 0.55, width * 0.45])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def lines_table(document: BillingDocument | Quote, width: float) -> Table:
    rows: list[list[object]] = [
        ["Désignation", "Quantité", "Prix unitaire HT", "Taux TVA", "Total HT", "Total TTC"]
    ]
    for line in document.lines:
        rows.append(
            [
                _para(line.designation, SMALL),
                _quantity(line.quantity_hundredths),
                _money(line.unit_price_ht_cents),
                _rate(line.vat_rate_bp),
                _money(line.total_ht_cents),
                _money(line.total_ttc_cents),
            ]
        )
    table = Table(rows, colWidths=[width * f for f in (0.34, 0.1, 0.16, 0.1, 0.15, 0.15)])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def totals_table(document: BillingDocument | Quote, width: float) -> Table:
    rows = [
        ["Total HT", _money(document.total_ht_cents)],
        ["Total TVA", _money(document.total_vat_cents)],
        ["Total TTC", _money(document.total_ttc_cents)],
    ]
    table = Table(rows, colWidths=[width * 0.2, width * 0.15], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("FONT", (0, 2), (-1, 2), "Helvetica-Bold", 9.5),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ]
        )
    )
    return table


def _conditions(context: DocumentContext) -> list[Paragraph]:
    document, seller = context.document, context.seller
    texts = [
        f"Date d'échéance du paiement : {formats.short_date(document.due_on, 'fr')} "
        f"({seller.payment_term_days} jours).",
        seller.early_payment_discount,
        f"Pénalités de retard : taux annuel de {_rate(seller.late_penalty_rate_bp)} appliqué "
        "aux sommes restant dues après la date d'échéance.",
        "Indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 et D441-5 du "
        "Code de commerce) : due par les seuls clients professionnels.",
    ]
    if document.eligible_cents:
        texts.append(
            f"Dont {_money(document.eligible_cents)} au titre des services à la personne "
            "ouvrant droit au crédit d'impôt de l'article 199 sexdecies du CGI (50 % des "
            "sommes effectivement payées, hors CESU préfinancé), sous réserve des conditions "
            "légales ; une attestation fiscale annuelle vous sera adressée."
        )
    return [_para(text, SMALL) for text in texts]


def _story(context: DocumentContext, title: str, width: float) -> list[object]:
    document = context.document
    heading = f"{title} n° {document.number}"
    dated = f"Date d'émission : {formats.short_date(document.issued_on, 'fr')}"
    story: list[object] = [_para(heading, TITLE), _para(dated)]
    if context.credited_number:
        story.append(_para(f"Avoir sur la facture n° {context.credited_number}"))
    story += [Spacer(1, 6 * mm), _parties(context, width), Spacer(1, 8 * mm)]
    story += [lines_table(document, width), Spacer(1, 4 * mm), totals_table(document, width)]
    story.append(Spacer(1, 8 * mm))
    story += _conditions(context)
    return story

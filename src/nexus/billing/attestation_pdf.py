"""The attestation fiscale as a French A4 PDF (the invoice helpers), with the mentions of the
model attestation of services à la personne (Code du travail D7233-1; docs/billing.md)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from nexus.billing.attestations import CertificateFigures
from nexus.billing.pdf import BODY, LINE, MARGIN, SMALL, TITLE, _money, _para
from nexus.config import BusinessIdentity
from nexus.language import formats

HEADING = ParagraphStyle("heading", BODY, fontName="Helvetica-Bold", spaceAfter=2)
TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _hours(minutes: int) -> str:
    return formats.hours(minutes, "fr").replace("\u202f", "\u00a0")


def render_certificate(
    figures: CertificateFigures, seller: BusinessIdentity, issued_on: date
) -> bytes:
    buffer = BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Attestation fiscale {figures.year} — {figures.client_name}",
        author=seller.legal_name,
    )
    pdf.build(_story(figures, seller, issued_on, pdf.width))
    return buffer.getvalue()


def _story(
    figures: CertificateFigures, seller: BusinessIdentity, issued_on: date, width: float
) -> list[object]:
    year, amount = figures.year, _money(figures.amount_cents)
    organisation = (
        f"{seller.legal_name}\n{seller.address}\nSIREN : {seller.siren}\n"
        f"Déclaration de services à la personne n° {seller.sap_declaration_number} du "
        f"{formats.short_date(seller.sap_declaration_date, 'fr')}"
    )
    client = f"Client :\n{figures.client_name}\n{figures.client_address or 'Adresse : —'}"
    parties = Table([[_para(organisation), _para(client)]], colWidths=[width * 0.55, width * 0.45])
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[object] = [
        _para(f"Attestation fiscale annuelle — année {year}", TITLE),
        _para(
            "Services à la personne : soutien scolaire à domicile (art. D. 7233-1 du code du "
            "travail ; art. 199 sexdecies du code général des impôts)",
            SMALL,
        ),
        Spacer(1, 6 * mm),
        parties,
        Spacer(1, 6 * mm),
        _para(
            f"{seller.legal_name} atteste que {figures.client_name} a bénéficié de services à "
            f"la personne (soutien scolaire à domicile) et a effectivement payé, du 1er janvier "
            f"au 31 décembre {year}, la somme de {amount} au titre de ces services."
        ),
        Spacer(1, 3 * mm),
        _para(
            f"Montant total payé en {year} ouvrant droit à l'avantage fiscal : {amount}",
            HEADING,
        ),
    ]
    if figures.excluded_cents:
        story.append(
            _para(
                f"Sommes réglées par CESU préfinancé ou par l'avance immédiate, exclues du "
                f"montant ci-dessus : {_money(figures.excluded_cents)}",
                SMALL,
            )
        )
    story += [Spacer(1, 5 * mm), _para("Interventions réalisées", HEADING)]
    story += [_interventions(figures, width), Spacer(1, 5 * mm)]
    story += [_para("Factures et paiements de l'année", HEADING), _invoices(figures, width)]
    story += [
        Spacer(1, 6 * mm),
        _para(
            "Cette attestation permet de bénéficier du crédit d'impôt de 50 % des sommes "
            "effectivement payées (article 199 sexdecies du code général des impôts), dans la "
            "limite des plafonds légaux. Les sommes payées par CESU préfinancé (aide de "
            "l'employeur ou du comité social et économique) et celles versées par l'avance "
            "immédiate du crédit d'impôt n'y ouvrent pas droit et ne sont pas comptées.",
            SMALL,
        ),
        Spacer(1, 8 * mm),
        _para(f"Fait le {formats.long_date(issued_on, 'fr')}, pour {seller.legal_name}"),
        Spacer(1, 4 * mm),
        _para("Nom, qualité et signature du représentant : ______________________________"),
    ]
    return story


def _interventions(figures: CertificateFigures, width: float) -> Table:
    rows: list[list[object]] = [["Date", "Intervenant", "Élève", "Durée"]]
    for item in figures.interventions:
        rows.append(
            [
                formats.short_date(item.on, "fr"),
                _para(item.teacher, SMALL),
                _para(item.student, SMALL),
                _hours(item.minutes),
            ]
        )
    rows.append(["Total", "", "", _hours(figures.minutes)])
    table = Table(rows, colWidths=[width * f for f in (0.18, 0.35, 0.32, 0.15)], repeatRows=1)
    table.setStyle(TABLE_STYLE)
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5),
            ]
        )
    )
    return table


def _invoices(figures: CertificateFigures, width: float) -> Table:
    rows: list[list[object]] = [
        ["Facture", "Total TTC", "Dont éligible", "Payé dans l'année", "Exclu", "Part éligible"]
    ]
    for share in figures.invoices:
        rows.append(
            [
                share.number,
                _money(share.total_ttc_cents),
                _money(share.eligible_cents),
                _money(share.paid_in_year_cents),
                _money(share.excluded_cents),
                _money(share.eligible_paid_cents),
            ]
        )
    paid = sum(share.paid_in_year_cents for share in figures.invoices)
    rows.append(
        [
            "Total",
            "",
            "",
            _money(paid),
            _money(figures.excluded_cents),
            _money(figures.amount_cents),
        ]
    )
    table = Table(rows, colWidths=[width * f for f in (0.2, 0.16, 0.16, 0.18, 0.14, 0.16)])
    table.setStyle(TABLE_STYLE)
    table.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5),
            ]
        )
    )
    return table

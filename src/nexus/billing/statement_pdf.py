"""A family's account statement ("relevé de compte") as a French A4 PDF (the invoice helpers)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from nexus.billing.pdf import LINE, MARGIN, SMALL, TITLE, _money, _para
from nexus.billing.statements import Statement
from nexus.config import BusinessIdentity
from nexus.language import formats


def render_statement(statement: Statement, seller: BusinessIdentity, today: date) -> bytes:
    buffer = BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Relevé de compte — {statement.family.full_name}",
        author=seller.legal_name,
    )
    width = pdf.width
    story: list[object] = [
        _para("Relevé de compte", TITLE),
        _para(f"{seller.legal_name} — {seller.address}", SMALL),
        _para(f"Client : {statement.family.full_name}"),
        _para(f"Établi le {formats.short_date(today, 'fr')}"),
        Spacer(1, 6 * mm),
        _lines(statement, width),
        Spacer(1, 6 * mm),
        _totals(statement, width),
    ]
    pdf.build(story)
    return buffer.getvalue()


def _lines(statement: Statement, width: float) -> Table:
    rows: list[list[object]] = [["Date", "Libellé", "Débit", "Crédit", "Solde"]]
    for line in statement.lines:
        debit = _money(line.amount_cents) if line.amount_cents > 0 else ""
        credit = _money(-line.amount_cents) if line.amount_cents < 0 else ""
        rows.append(
            [
                formats.short_date(line.on, "fr"),
                _para(line.label, SMALL),
                debit,
                credit,
                _money(line.balance_cents),
            ]
        )
    table = Table(rows, colWidths=[width * f for f in (0.14, 0.41, 0.15, 0.15, 0.15)])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5),
                ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _totals(statement: Statement, width: float) -> Table:
    rows = [
        ["Total facturé", _money(statement.invoiced_cents)],
        ["Total des avoirs", _money(statement.credited_cents)],
        ["Total des paiements", _money(statement.paid_cents)],
        ["Solde dû", _money(statement.balance_cents)],
    ]
    table = Table(rows, colWidths=[width * 0.25, width * 0.15], hAlign="RIGHT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
                ("FONT", (0, 3), (-1, 3), "Helvetica-Bold", 9.5),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ]
        )
    )
    return table

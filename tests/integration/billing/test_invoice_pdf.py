"""The invoice PDF carries every mandatory mention (read back from the PDF's text)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy.orm import Session

from nexus.billing import pdf
from nexus.billing.services import LineInput, issue_credit_note, issue_invoice
from nexus.config import BusinessIdentity


def _text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").split())


def _issue(session: Session) -> pdf.DocumentContext:
    invoice = issue_invoice(
        session,
        buyer_name="Famille Martin",
        buyer_address="8 avenue Foch, 69006 Lyon",
        lines=[
            LineInput("Cours particulier de mathématiques à domicile", 150, 4000, eligible=True),
            LineInput("Frais de déplacement", 100, 500),
        ],
        issued_on=date(2026, 12, 3),
    )
    return pdf.DocumentContext(invoice, BusinessIdentity())


def test_invoice_pdf_has_every_mandatory_mention(session: Session) -> None:
    context = _issue(session)
    seller = context.seller
    text = _text(pdf.render(context))
    expected = [
        f"Facture n° {context.document.number}",  # unique number in an unbroken sequence
        "Date d'émission : 03/12/2026",  # issue date
        seller.legal_name,  # seller's name
        seller.address,  # and address
        f"SIREN : {seller.siren}",
        f"SIRET : {seller.siret}",
        "TVA non applicable, art. 293 B du CGI",  # VAT number or exemption mention
        f"Déclaration SAP n° {seller.sap_declaration_number} du 01/09/2024",
        "Famille Martin",  # buyer's name
        "8 avenue Foch, 69006 Lyon",  # and address
        "Cours particulier de mathématiques à domicile",  # designation
        "Quantité",
        "1,5",  # quantity
        "Prix unitaire HT",
        "40,00 €",  # unit price HT
        "Taux TVA",
        "0 %",  # VAT rate
        "Total HT 65,00 €",
        "Total TVA 0,00 €",
        "Total TTC 65,00 €",
        "Date d'échéance du paiement : 02/01/2027",  # payment due date
        "Pas d'escompte pour paiement anticipé.",  # discount conditions
        "Pénalités de retard : taux annuel de 15 %",  # late-payment penalty rate
        "Indemnité forfaitaire pour frais de recouvrement de 40 €",
        "Dont 60,00 € au titre des services à la personne",  # eligible share
        "199 sexdecies",
    ]
    missing = [mention for mention in expected if mention not in text]
    assert not missing, text


def test_credit_note_pdf_references_the_invoice(session: Session) -> None:
    context = _issue(session)
    note = issue_credit_note(
        session,
        context.document.id,
        lines=[LineInput("Annulation des frais de déplacement", 100, 500)],
        issued_on=date(2026, 12, 4),
    )
    text = _text(pdf.render(pdf.DocumentContext(note, context.seller, context.document.number)))
    assert f"Avoir n° {note.number}" in text
    assert f"Avoir sur la facture n° {context.document.number}" in text
    assert "Total TTC 5,00 €" in text

"""A family's statement over HTTP: line order, exact running balance, totals, PDF, access."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from tests.factories.people import ParentLinkFactory
from tests.integration.billing.helpers import credit, invoice
from tests.support.api import Actor, Api


def _pay(api: Api, admin: Actor, document_id: int, cents: int, on: str) -> dict[str, object]:
    response = api.post(
        f"/api/v1/billing/documents/{document_id}/payments",
        admin,
        json={"amount_cents": cents, "method": "card", "received_on": on},
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, object] = response.get_json()
    return body


def test_statement_lines_and_running_balance_are_exact(api: Api, session: Session) -> None:
    admin, parent, other = api.actor(Role.ADMIN), api.actor(Role.PARENT), api.actor(Role.PARENT)
    first = invoice(session, parent.id, 45_000, date(2026, 10, 1))
    second = invoice(session, parent.id, 12_345, date(2026, 11, 3))
    invoice(session, other.id, 99_900, date(2026, 10, 2))  # another family: not on this one
    note = credit(session, first.id, 5_000, date(2026, 10, 15))
    _pay(api, admin, first.id, 30_000, "2026-10-10")
    mistaken = _pay(api, admin, second.id, 12_345, "2026-11-05")
    reversal = api.post(
        f"/api/v1/billing/documents/{second.id}/payments/{mistaken['id']}/reversal",
        admin,
        json={"received_on": "2026-11-06"},
    )
    assert reversal.status_code == 201
    _pay(api, admin, second.id, 2_345, "2026-11-06")

    response = api.get(f"/api/v1/billing/families/{parent.id}/statement", parent)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [
        (line["on"], line["kind"], line["amount_cents"], line["balance_cents"])
        for line in body["lines"]
    ] == [
        ("2026-10-01", "invoice", 45_000, 45_000),
        ("2026-10-10", "payment", -30_000, 15_000),
        ("2026-10-15", "credit_note", -5_000, 10_000),
        ("2026-11-03", "invoice", 12_345, 22_345),
        ("2026-11-05", "payment", -12_345, 10_000),
        ("2026-11-06", "reversal", 12_345, 22_345),
        ("2026-11-06", "payment", -2_345, 20_000),
    ]
    assert body["lines"][0]["label"] == f"Facture {first.number}"
    assert body["lines"][2]["label"] == f"Avoir {note.number}"
    assert (
        body["invoiced_cents"],
        body["credited_cents"],
        body["paid_cents"],
        body["balance_cents"],
    ) == (57_345, 5_000, 32_345, 20_000)
    assert body["family_id"] == parent.id

    pdf = api.get(f"/api/v1/billing/families/{parent.id}/statement?format=pdf", parent)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(
        "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.data)).pages)
        .replace("\u00a0", " ")
        .split()
    )
    assert "Relevé de compte" in text
    assert f"Facture {first.number}" in text
    assert "Solde dû 200,00 €" in text
    same = api.get(f"/api/v1/billing/families/{parent.id}/statement.pdf", admin)
    assert same.status_code == 200 and same.mimetype == "application/pdf"


def test_statement_access_matrix(api: Api, session: Session) -> None:
    admin, parent, other = api.actor(Role.ADMIN), api.actor(Role.PARENT), api.actor(Role.PARENT)
    child, teacher = api.actor(Role.STUDENT), api.actor(Role.TEACHER)
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    invoice(session, parent.id, 10_000)
    path = f"/api/v1/billing/families/{parent.id}/statement"
    assert api.get(path, admin).get_json()["balance_cents"] == 10_000
    assert api.get(path, parent).status_code == 200
    assert api.get(path, other).status_code == 404
    assert api.get(f"{path}?format=pdf", other).status_code == 404
    assert api.get(f"/api/v1/billing/families/{parent.id}/statement.pdf", other).status_code == 404
    assert api.get(path, child).status_code == 403
    assert api.get(path, teacher).status_code == 403
    assert api.get(path).status_code == 401
    assert api.get("/api/v1/billing/families/999999/statement", admin).status_code == 404
    assert api.get(f"{path}?format=xml", admin).status_code == 422
    empty = api.get(f"/api/v1/billing/families/{other.id}/statement", other).get_json()
    assert (empty["lines"], empty["balance_cents"]) == ([], 0)

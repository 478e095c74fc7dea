"""Quotes (devis) over HTTP: numbering, access, accept/decline/expiry, validation, PDF, trigger."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.billing import quotes
from nexus.billing.charges import ChargeLine
from nexus.billing.eligibility import LineKind
from nexus.billing.models import BillingDocument
from nexus.clock import paris_today
from nexus.config import BusinessIdentity
from nexus.offers.models import Enrollment, OfferKind
from tests.factories.offers import OfferFactory
from tests.factories.people import ParentLinkFactory
from tests.integration.billing.helpers import invoice
from tests.support.api import Actor, Api

QUOTES = "/api/v1/billing/quotes"
BUNDLE = [
    {
        "designation": "Cours particulier de physique à domicile",
        "kind": "home_tutoring",
        "quantity_hundredths": 400,
        "unit_price_ttc_cents": 4_000,
    },
    {
        "designation": "Frais de déplacement",
        "kind": "travel",
        "quantity_hundredths": 400,
        "unit_price_ht_cents": 500,
    },
    {
        "designation": "Cahier d'exercices",
        "kind": "material",
        "quantity_hundredths": 100,
        "unit_price_ttc_cents": 1_250,
    },
]


def _text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    content = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(content.replace("\u00a0", " ").split())


def _quote(api: Api, admin: Actor, family: Actor, **body: Any) -> dict[str, Any]:
    body.setdefault("lines", BUNDLE)
    if body["lines"] is None:
        del body["lines"]
    response = api.post(QUOTES, admin, json={"family_id": family.id, **body})
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def test_custom_quote_is_priced_numbered_apart_from_invoices_and_accepted_into_an_invoice(
    api: Api, session: Session
) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    before = invoice(session, parent.id, 1_000, issued_on=paris_today())
    first = _quote(api, admin, parent)
    second = _quote(api, admin, parent)
    year = paris_today().year
    first_sequence = int(first["number"].rsplit("-", 1)[1])
    assert first["number"] == f"D-{year}-{first_sequence:05d}"
    assert second["number"] == f"D-{year}-{first_sequence + 1:05d}"  # unbroken, own series
    assert first["status"] == "issued"
    assert first["free_of_charge"] is True
    assert first["valid_until"] == (paris_today() + timedelta(days=30)).isoformat()
    # 4 h x 40 € (exempt: HT = TTC) eligible; travel with it eligible; material never.
    assert [line["eligible_cents"] for line in first["lines"]] == [16_000, 2_000, 0]
    assert (first["total_ttc_cents"], first["eligible_cents"]) == (19_250, 18_000)

    accepted = api.post(f"{QUOTES}/{first['id']}/accept", parent)
    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    assert body["status"] == "accepted"
    assert body["enrollment_id"] is None
    issued = api.get(f"/api/v1/billing/documents/{body['invoice_id']}", parent).get_json()
    # The invoice continues the invoices' sequence; quotes took no invoice number.
    assert issued["number"] == f"F-{year}-{before.sequence + 1:05d}"
    assert issued["total_ttc_cents"] == 19_250
    assert [line["eligible_cents"] for line in issued["lines"]] == [16_000, 2_000, 0]
    assert issued["family_id"] == parent.id

    again = api.post(f"{QUOTES}/{first['id']}/accept", parent)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "quote_decided"
    assert again.get_json()["error"]["message"] == "Ce devis a déjà reçu une réponse."
    assert api.post(f"{QUOTES}/{first['id']}/decline", parent).status_code == 409

    declined = api.post(f"{QUOTES}/{second['id']}/decline", parent)
    assert declined.status_code == 200
    assert (declined.get_json()["status"], declined.get_json()["invoice_id"]) == ("declined", None)


def test_offer_quote_acceptance_enrols_and_invoices_the_normal_way(
    api: Api, session: Session
) -> None:
    admin, parent, child = api.actor(Role.ADMIN), api.actor(Role.PARENT), api.actor(Role.STUDENT)
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    offer = OfferFactory(
        name="Coaching individuel — 10 h", kind=OfferKind.INDIVIDUAL, hours=10, price_cents=45_000
    )
    session.commit()
    quote = _quote(api, admin, parent, lines=None, offer_id=offer.id, student_id=child.id)
    assert quote["lines"][0]["designation"] == "Coaching individuel — 10 h — 10 h"
    assert (quote["total_ttc_cents"], quote["eligible_cents"]) == (45_000, 45_000)

    accepted = api.post(f"{QUOTES}/{quote['id']}/accept", parent)
    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    enrollment = session.get_one(Enrollment, body["enrollment_id"])
    assert (enrollment.student_id, enrollment.offer_id) == (child.id, offer.id)
    document = session.get_one(BillingDocument, body["invoice_id"])
    assert (document.enrollment_id, document.total_ttc_cents) == (enrollment.id, 45_000)


def test_offer_quote_is_refused_when_the_price_changed(api: Api, session: Session) -> None:
    admin, parent, child = api.actor(Role.ADMIN), api.actor(Role.PARENT), api.actor(Role.STUDENT)
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    offer = OfferFactory(hours=10, price_cents=45_000)
    session.commit()
    quote = _quote(api, admin, parent, lines=None, offer_id=offer.id, student_id=child.id)
    offer.price_cents = 50_000
    session.commit()
    refused = api.post(f"{QUOTES}/{quote['id']}/accept", parent)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "quote_price_changed"
    count = session.scalar(select(Enrollment.id).where(Enrollment.offer_id == offer.id))
    assert count is None


def test_expired_quote_cannot_be_answered(api: Api, session: Session) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    old = quotes.create_quote(
        session,
        Principal(user_id=admin.id, role=Role.ADMIN, session_id="test"),
        family_id=parent.id,
        student_id=None,
        offer_id=None,
        lines=[ChargeLine("Stage", LineKind.SERVICE, 100, unit_price_ttc_cents=20_000)],
        valid_until=date(2026, 1, 31),
        seller=BusinessIdentity(),
        today=date(2026, 1, 2),
    )
    session.commit()
    shown = api.get(f"{QUOTES}/{old.id}", parent).get_json()
    assert shown["status"] == "expired"
    for action in ("accept", "decline"):
        refused = api.post(f"{QUOTES}/{old.id}/{action}", parent)
        assert refused.status_code == 409
        error = refused.get_json()["error"]
        assert error["code"] == "quote_expired"
        assert error["message"] == "Ce devis a expiré le 2026-01-31 : demandez-en un nouveau."
    assert api.get(f"{QUOTES}/{old.id}", parent).get_json()["status"] == "expired"


def test_access_matrix(api: Api, session: Session) -> None:
    admin, parent, other = api.actor(Role.ADMIN), api.actor(Role.PARENT), api.actor(Role.PARENT)
    student, teacher = api.actor(Role.STUDENT), api.actor(Role.TEACHER)
    quote = _quote(api, admin, parent)
    path = f"{QUOTES}/{quote['id']}"
    for actor in (admin, parent):
        assert api.get(path, actor).status_code == 200
        assert api.get(f"{path}/document.pdf", actor).status_code == 200
    assert [q["id"] for q in api.get(QUOTES, parent).get_json()["items"]] == [quote["id"]]
    assert api.get(QUOTES, other).get_json()["items"] == []
    assert quote["id"] in [q["id"] for q in api.get(QUOTES, admin).get_json()["items"]]
    for suffix in ("", "/document.pdf"):
        assert api.get(f"{path}{suffix}", other).status_code == 404
    for action in ("accept", "decline"):
        assert api.post(f"{path}/{action}", other).status_code == 404
        assert api.post(f"{path}/{action}", admin).status_code == 403
        assert api.post(f"{path}/{action}", student).status_code == 403
    for actor in (student, teacher):
        assert api.get(path, actor).status_code == 403
        assert api.get(QUOTES, actor).status_code == 403
    for actor in (parent, student, teacher):
        assert (
            api.post(QUOTES, actor, json={"family_id": parent.id, "lines": BUNDLE}).status_code
            == 403
        )
    assert api.get(f"{QUOTES}/999999", admin).status_code == 404
    assert api.get(path, parent).get_json()["status"] == "issued"  # nothing was decided


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"valid_until": "2020-01-01"}, "valid_until"),
        ({"lines": []}, "lines"),
        ({"lines": [{**BUNDLE[0], "unit_price_ht_cents": 100}]}, None),  # two prices
        ({"lines": [{**BUNDLE[0], "quantity_hundredths": 0}]}, "lines.0.quantity_hundredths"),
        ({"lines": [{**BUNDLE[0], "kind": "gift"}]}, "lines.0.kind"),
        ({"offer_id": 1}, None),  # both offer and lines
        ({"lines": None, "offer_id": 1}, None),  # offer without student
        ({"family_id": "student"}, "family_id"),  # a student is not a family
        ({"student_id": "stranger"}, "student_id"),  # not a child of the family
    ],
)
def test_validation_errors_are_422_in_the_error_shape(
    api: Api, session: Session, change: dict[str, Any], field: str | None
) -> None:
    admin, parent, student = api.actor(Role.ADMIN), api.actor(Role.PARENT), api.actor(Role.STUDENT)
    body: dict[str, Any] = {"family_id": parent.id, "lines": BUNDLE, **change}
    if body.get("family_id") == "student":
        body["family_id"] = student.id
    if body.get("student_id") == "stranger":
        body["student_id"] = student.id
    if body.get("lines") is None:
        body.pop("lines")
    response = api.post(QUOTES, admin, json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["status"] == 422 and error["message"] and "request_id" in error
    if field is not None:
        assert field in [item["field"] for item in error["fields"]], error
    assert api.get(QUOTES, admin).get_json()["total"] == 0  # no number taken


def test_quote_pdf_has_every_mention(api: Api, session: Session) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(
        Role.PARENT, first_name="Claire", last_name="Martin"
    )
    quote = _quote(api, admin, parent, valid_until="2099-06-30")
    response = api.get(f"{QUOTES}/{quote['id']}/document.pdf", parent)
    assert response.mimetype == "application/pdf"
    assert quote["number"] in response.headers["Content-Disposition"]
    seller = BusinessIdentity()
    content = _text(response.data)
    issued = date.fromisoformat(quote["issued_on"]).strftime("%d/%m/%Y")
    expected = [
        f"Devis n° {quote['number']}",
        f"Date du devis : {issued}",
        "Valable jusqu'au : 30/06/2099",
        "Devis gratuit",
        seller.legal_name,
        seller.address,
        f"SIREN : {seller.siren}",
        "TVA non applicable, art. 293 B du CGI",
        "Client : Claire Martin",
        "Cours particulier de physique à domicile",
        "Frais de déplacement",
        "Cahier d'exercices",
        "Quantité",
        "Prix unitaire HT",
        "Taux TVA",
        "Total HT 192,50 €",
        "Total TVA 0,00 €",
        "Total TTC 192,50 €",
        "Dont 180,00 € au titre des services à la personne",
        "Bon pour accord",
        "Date et signature du client",
    ]
    missing = [mention for mention in expected if mention not in content]
    assert not missing, content


STATEMENTS = [
    "UPDATE billing_quotes SET total_ttc_cents = 1 WHERE id = :id",
    "UPDATE billing_quotes SET valid_until = '2099-01-01' WHERE id = :id",
    "DELETE FROM billing_quotes WHERE id = :id",
    "UPDATE billing_quote_lines SET unit_price_ht_cents = 1 WHERE quote_id = :id",
    "DELETE FROM billing_quote_lines WHERE quote_id = :id",
    "UPDATE billing_quote_decisions SET decision = 'declined' WHERE quote_id = :id",
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_raw_sql_cannot_change_a_quote(api: Api, session: Session, statement: str) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    quote = _quote(api, admin, parent)
    assert api.post(f"{QUOTES}/{quote['id']}/accept", parent).status_code == 200
    with pytest.raises(DBAPIError, match="immutable"):
        with session.begin_nested():
            session.execute(text(statement), {"id": quote["id"]})
    row = session.execute(
        text("SELECT total_ttc_cents FROM billing_quotes WHERE id = :id"), {"id": quote["id"]}
    ).scalar_one()
    assert row == quote["total_ttc_cents"]
    assert api.get(f"{QUOTES}/{quote['id']}", parent).get_json()["status"] == "accepted"

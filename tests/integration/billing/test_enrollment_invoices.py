"""An enrollment issues its invoice in the same transaction; families see only their own."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.billing.models import BillingDocument
from nexus.offers.models import Enrollment, OfferKind
from tests.factories.offers import OfferFactory
from tests.factories.people import ParentLinkFactory
from tests.support.api import Api


def test_parent_enrolment_issues_an_invoice_the_family_can_read(api: Api, session: Session) -> None:
    child, parent, other = api.actor(Role.STUDENT), api.actor(Role.PARENT), api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    coaching = OfferFactory(name="Coaching individuel — 10 h", hours=10, price_cents=45_000)
    session.commit()
    enrolled = api.post(
        "/api/v1/enrollments", parent, json={"student_id": child.id, "offer_id": coaching.id}
    )
    assert enrolled.status_code == 201, enrolled.get_json()

    listed = api.get("/api/v1/billing/documents", parent)
    assert listed.status_code == 200
    (invoice,) = listed.get_json()["items"]
    assert invoice["enrollment_id"] == enrolled.get_json()["id"]
    assert invoice["family_id"] == parent.id
    assert invoice["number"].startswith("F-")
    assert (invoice["total_ttc_cents"], invoice["eligible_cents"]) == (45_000, 45_000)
    assert invoice["lines"][0]["unit_price_ht_cents"] == 4_500

    path = f"/api/v1/billing/documents/{invoice['id']}"
    assert api.get(path, other).status_code == 404
    assert api.get(f"{path}/document.pdf", other).status_code == 404
    assert api.get("/api/v1/billing/documents", other).get_json()["items"] == []
    assert api.get(path, child).status_code == 403

    document = api.get(f"{path}/document.pdf", parent)
    assert document.status_code == 200
    assert document.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(document.data)).pages)
    assert f"Facture n° {invoice['number']}" in text


def test_online_offers_are_invoiced_without_tax_credit(api: Api, session: Session) -> None:
    child, admin = api.actor(Role.STUDENT), api.actor(Role.ADMIN)
    aria = OfferFactory(kind=OfferKind.ARIA_ONLINE, hours=1, price_cents=1_990)
    session.commit()
    enrolled = api.post(
        "/api/v1/enrollments", admin, json={"student_id": child.id, "offer_id": aria.id}
    )
    assert enrolled.status_code == 201
    invoice = session.scalars(
        select(BillingDocument).where(BillingDocument.enrollment_id == enrolled.get_json()["id"])
    ).one()
    # No linked parent: the student is the buyer.
    assert (invoice.family_id, invoice.total_ttc_cents, invoice.eligible_cents) == (
        child.id,
        1_990,
        0,
    )


def test_a_refused_enrolment_issues_no_invoice(api: Api, session: Session) -> None:
    child, parent = api.actor(Role.STUDENT), api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    retired = OfferFactory(is_active=False)
    session.commit()
    before = session.scalar(select(func.count()).select_from(BillingDocument))
    response = api.post(
        "/api/v1/enrollments", parent, json={"student_id": child.id, "offer_id": retired.id}
    )
    assert response.status_code == 409
    assert session.scalar(select(func.count()).select_from(BillingDocument)) == before
    assert session.scalar(select(func.count()).select_from(Enrollment)) == 0


def test_the_invoice_is_made_out_to_the_address_the_parent_gave(api: Api, session: Session) -> None:
    child, parent = api.actor(Role.STUDENT), api.actor(Role.PARENT, first_name="Claire")
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    coaching = OfferFactory(name="Coaching individuel — 10 h", hours=10, price_cents=45_000)
    session.commit()
    url = "/api/v1/auth/me/postal-address"
    assert api.get(url, parent).get_json() == {"postal_address": ""}
    for bad in ({"postal_address": "   \n  "}, {"postal_address": "x" * 301}, {}):
        refused = api.put(url, parent, json=bad)
        assert refused.status_code == 422, refused.get_json()
        assert refused.get_json()["error"]["fields"][0]["field"] == "postal_address"
    given = api.put(url, parent, json={"postal_address": "  8 rue des Lilas \n\n 69003  Lyon "})
    assert given.get_json() == {"postal_address": "8 rue des Lilas\n69003 Lyon"}
    api.post("/api/v1/enrollments", parent, json={"student_id": child.id, "offer_id": coaching.id})

    (invoice,) = api.get("/api/v1/billing/documents", parent).get_json()["items"]
    document = api.get(f"/api/v1/billing/documents/{invoice['id']}/document.pdf", parent)
    text = " ".join(
        "".join(page.extract_text() for page in PdfReader(BytesIO(document.data)).pages).split()
    )
    assert "8 rue des Lilas" in text and "69003 Lyon" in text

    erased = api.post("/api/v1/privacy/erasure", parent, json={"confirm": "SUPPRIMER"})
    assert erased.status_code == 200, erased.get_json()
    session.expire_all()
    kept = session.get(BillingDocument, invoice["id"])
    assert kept is not None and kept.buyer_address == "8 rue des Lilas\n69003 Lyon"
    account = session.get(User, parent.id)
    assert account is not None and account.postal_address == ""  # anonymised

"""GDPR erasure against the accounting: invoices, credit notes and payments are legal records
kept intact for ten years (Code de commerce L123-22) while the person is anonymised; the
family's export holds them (right of access)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.billing.models import BillingDocument, Payment
from tests.integration.billing.helpers import credit, invoice
from tests.support.api import Api


def _accounting(session: Session, family_id: int) -> list[tuple[object, ...]]:
    session.expire_all()
    documents = session.scalars(
        select(BillingDocument).where(BillingDocument.family_id == family_id)
    ).all()
    payments = session.scalars(select(Payment).where(Payment.family_id == family_id)).all()
    return [
        *((d.number, d.buyer_name, d.buyer_address, d.total_ttc_cents) for d in documents),
        *((p.document_id, p.amount_cents, p.method.value) for p in payments),
    ]


def test_erasure_anonymises_the_parent_and_keeps_the_accounting(
    api: Api, session: Session
) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT, first_name="Claire")
    bill = invoice(session, parent.id, 45_000)
    credit(session, bill.id, 5_000)
    paid = api.post(
        f"/api/v1/billing/documents/{bill.id}/payments",
        admin,
        json={"amount_cents": 20_000, "method": "transfer", "received_on": "2026-11-10"},
    )
    assert paid.status_code == 201, paid.get_json()

    exported = api.get("/api/v1/privacy/export", parent).get_json()
    (me,) = [p for p in exported["people"] if p["account"]["id"] == parent.id]
    assert [d["kind"] for d in me["billing_documents"]] == ["invoice", "credit_note"]
    assert [p["amount_cents"] for p in me["billing_payments"]] == [20_000]
    before = _accounting(session, parent.id)
    assert len(before) == 3

    erased = api.post("/api/v1/privacy/erasure", parent, json={"confirm": "SUPPRIMER"})
    assert erased.status_code == 200, erased.get_json()
    body = erased.get_json()
    assert (body["kept_billing_documents"], body["kept_billing_payments"]) == (2, 1)
    assert body["message"].endswith("la comptabilité est conservée.")
    assert _accounting(session, parent.id) == before  # the invoice names its buyer, as issued
    account = session.get(User, parent.id)
    assert account is not None and account.first_name == "Parent" and not account.is_active
    statement = api.get(f"/api/v1/billing/families/{parent.id}/statement", admin)
    assert statement.status_code == 200, statement.get_json()
    assert statement.get_json()["balance_cents"] == 45_000 - 5_000 - 20_000

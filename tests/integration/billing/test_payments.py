"""Payments over HTTP: partial payments and statuses, refusals, credit notes, reversals."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from tests.factories.people import ParentLinkFactory
from tests.integration.billing.helpers import credit, invoice
from tests.support.api import Actor, Api


def _pay(api: Api, admin: Actor, document_id: int, cents: int, method: str = "transfer") -> object:
    return api.post(
        f"/api/v1/billing/documents/{document_id}/payments",
        admin,
        json={"amount_cents": cents, "method": method, "received_on": "2026-11-10"},
    )


def _document(api: Api, actor: Actor, document_id: int) -> dict[str, object]:
    response = api.get(f"/api/v1/billing/documents/{document_id}", actor)
    assert response.status_code == 200, response.get_json()
    body: dict[str, object] = response.get_json()
    return body


def test_partial_payments_move_the_invoice_through_its_statuses(api: Api, session: Session) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    bill = invoice(session, parent.id, 45_000)
    state = _document(api, parent, bill.id)
    assert (state["paid_cents"], state["outstanding_cents"], state["status"]) == (
        0,
        45_000,
        "unpaid",
    )
    assert state["due_on"] == "2026-12-02"  # issued 2026-11-02 + the 30-day payment term

    first = _pay(api, admin, bill.id, 20_000, "cheque")
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["method"] == "cheque"
    assert first.get_json()["recorded_by_id"] == admin.id
    state = _document(api, parent, bill.id)
    assert (state["paid_cents"], state["outstanding_cents"], state["status"]) == (
        20_000,
        25_000,
        "partially_paid",
    )
    assert _pay(api, admin, bill.id, 25_000, "cesu_prefinanced").status_code == 201
    state = _document(api, parent, bill.id)
    assert (state["paid_cents"], state["outstanding_cents"], state["status"]) == (45_000, 0, "paid")

    listed = api.get(f"/api/v1/billing/documents/{bill.id}/payments", parent)
    assert listed.status_code == 200
    body = listed.get_json()
    assert [p["amount_cents"] for p in body["items"]] == [20_000, 25_000]
    assert (body["paid_cents"], body["outstanding_cents"], body["status"]) == (45_000, 0, "paid")
    page = api.get("/api/v1/billing/documents", parent).get_json()["items"]
    assert [(d["id"], d["status"]) for d in page] == [(bill.id, "paid")]


def test_a_payment_beyond_the_outstanding_amount_is_refused_in_french(
    api: Api, session: Session
) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    bill = invoice(session, parent.id, 10_000)
    assert _pay(api, admin, bill.id, 6_000).status_code == 201
    refused = _pay(api, admin, bill.id, 4_001)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "payment_exceeds_outstanding"
    assert error["message"] == "Ce paiement dépasse le reste dû de la facture (40,00\xa0€)."
    assert _document(api, parent, bill.id)["paid_cents"] == 6_000


def test_a_credit_note_reduces_what_remains_due(api: Api, session: Session) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    bill = invoice(session, parent.id, 30_000)
    note = credit(session, bill.id, 10_000)
    state = _document(api, parent, bill.id)
    assert (state["outstanding_cents"], state["status"]) == (20_000, "unpaid")
    assert _pay(api, admin, bill.id, 20_001).status_code == 409
    assert _pay(api, admin, bill.id, 20_000).status_code == 201
    assert _document(api, parent, bill.id)["status"] == "paid"
    # A credit note has no settlement and takes no payment.
    assert _document(api, parent, note.id)["status"] is None
    on_note = _pay(api, admin, note.id, 100)
    assert on_note.status_code == 409
    assert on_note.get_json()["error"]["code"] == "payment_on_credit_note"

    full = invoice(session, parent.id, 5_000)
    credit(session, full.id, 5_000)
    state = _document(api, parent, full.id)
    assert (state["outstanding_cents"], state["status"]) == (0, "credited")


def test_a_reversal_undoes_a_payment_once(api: Api, session: Session) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    bill = invoice(session, parent.id, 10_000)
    paid = _pay(api, admin, bill.id, 10_000, "cheque").get_json()
    path = f"/api/v1/billing/documents/{bill.id}/payments/{paid['id']}/reversal"
    reversed_ = api.post(path, admin, json={"reference": "Chèque rejeté"})
    assert reversed_.status_code == 201, reversed_.get_json()
    body = reversed_.get_json()
    assert (body["amount_cents"], body["method"], body["reverses_id"]) == (
        -10_000,
        "cheque",
        paid["id"],
    )
    state = _document(api, parent, bill.id)
    assert (state["paid_cents"], state["status"]) == (0, "unpaid")
    again = api.post(path, admin, json={})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "payment_already_reversed"
    of_reversal = api.post(
        f"/api/v1/billing/documents/{bill.id}/payments/{body['id']}/reversal", admin, json={}
    )
    assert of_reversal.get_json()["error"]["code"] == "reversal_of_reversal"
    assert (
        api.post(
            f"/api/v1/billing/documents/{bill.id}/payments/999999/reversal", admin, json={}
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "body",
    [
        {"amount_cents": 0, "method": "cash"},
        {"amount_cents": -5, "method": "cash"},
        {"amount_cents": 100, "method": "bitcoin"},
        {"amount_cents": 100, "method": "cash", "received_on": "2099-01-01"},
        {"amount_cents": 100, "method": "cash", "provider": "stripe"},
    ],
)
def test_invalid_payments_are_422(api: Api, session: Session, body: dict[str, object]) -> None:
    admin = api.actor(Role.ADMIN)
    bill = invoice(session, None, 10_000)
    response = api.post(f"/api/v1/billing/documents/{bill.id}/payments", admin, json=body)
    assert response.status_code == 422, response.get_json()


def test_payment_access_matrix(api: Api, session: Session) -> None:
    admin, parent, other = api.actor(Role.ADMIN), api.actor(Role.PARENT), api.actor(Role.PARENT)
    child, teacher = api.actor(Role.STUDENT), api.actor(Role.TEACHER)
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    bill = invoice(session, parent.id, 10_000)
    path = f"/api/v1/billing/documents/{bill.id}/payments"
    for actor in (parent, other, child, teacher):
        assert _pay(api, actor, bill.id, 100).status_code == 403
    assert api.get(path, admin).status_code == 200
    assert api.get(path, parent).status_code == 200
    assert api.get(path, other).status_code == 404
    assert api.get(path, child).status_code == 403
    assert api.get(path, teacher).status_code == 403
    assert api.get(path).status_code == 401
    assert _pay(api, admin, 999_999, 100).status_code == 404


def test_a_recorded_payment_cannot_be_changed_at_the_database(api: Api, session: Session) -> None:
    admin = api.actor(Role.ADMIN)
    bill = invoice(session, None, 10_000)
    payment_id = _pay(api, admin, bill.id, 4_000).get_json()["id"]
    for statement in (
        "UPDATE billing_payments SET amount_cents = 1 WHERE id = :id",
        "UPDATE billing_payments SET reference = 'autre' WHERE id = :id",
        "DELETE FROM billing_payments WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="immutable"):
            with session.begin_nested():
                session.execute(text(statement), {"id": payment_id})
    stored = session.execute(
        text("SELECT amount_cents FROM billing_payments WHERE id = :id"), {"id": payment_id}
    ).scalar_one()
    assert stored == 4_000

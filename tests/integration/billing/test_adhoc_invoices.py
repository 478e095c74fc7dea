"""Ad-hoc invoices (travel, material…) over HTTP: numbering, eligibility, access, validation."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.clock import paris_today
from tests.integration.billing.helpers import invoice
from tests.support.api import Api

INVOICES = "/api/v1/billing/invoices"
TRAVEL = {
    "designation": "Frais de déplacement",
    "kind": "travel",
    "quantity_hundredths": 300,
    "unit_price_ttc_cents": 600,
}
MATERIAL = {
    "designation": "Calculatrice graphique",
    "kind": "material",
    "quantity_hundredths": 100,
    "unit_price_ht_cents": 8_990,
}
LESSON = {
    "designation": "Cours particulier à domicile",
    "kind": "home_tutoring",
    "quantity_hundredths": 150,
    "unit_price_ttc_cents": 4_000,
}


def test_adhoc_invoice_continues_the_invoice_sequence(api: Api, session: Session) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    before = invoice(session, parent.id, 1_000, issued_on=paris_today())
    created = api.post(
        INVOICES, admin, json={"family_id": parent.id, "lines": [LESSON, TRAVEL, MATERIAL]}
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["kind"] == "invoice"
    assert body["number"] == f"F-{before.year}-{before.sequence + 1:05d}"
    # Travel billed with an eligible service is eligible; material never is.
    assert [line["eligible_cents"] for line in body["lines"]] == [6_000, 1_800, 0]
    assert (body["total_ttc_cents"], body["eligible_cents"]) == (16_790, 7_800)
    assert (body["status"], body["outstanding_cents"]) == ("unpaid", 16_790)

    alone = api.post(INVOICES, admin, json={"family_id": parent.id, "lines": [TRAVEL]})
    assert alone.status_code == 201
    assert alone.get_json()["eligible_cents"] == 0  # travel without an eligible service
    assert (
        int(alone.get_json()["number"].rsplit("-", 1)[1])
        == int(body["number"].rsplit("-", 1)[1]) + 1
    )

    seen = api.get(f"/api/v1/billing/documents/{body['id']}", parent)
    assert seen.status_code == 200
    with pytest.raises(DBAPIError, match="immutable"):
        with session.begin_nested():
            session.execute(
                text("UPDATE billing_documents SET total_ttc_cents = 1 WHERE id = :id"),
                {"id": body["id"]},
            )


def test_adhoc_invoice_is_admin_only_and_validated(api: Api, session: Session) -> None:
    admin, parent, student = api.actor(Role.ADMIN), api.actor(Role.PARENT), api.actor(Role.STUDENT)
    payload = {"family_id": parent.id, "lines": [TRAVEL]}
    assert api.post(INVOICES, parent, json=payload).status_code == 403
    assert api.post(INVOICES, student, json=payload).status_code == 403
    for body in (
        {"family_id": parent.id, "lines": []},
        {"family_id": parent.id, "lines": [{**TRAVEL, "unit_price_ht_cents": 500}]},
        {"family_id": parent.id, "lines": [{**TRAVEL, "designation": ""}]},
        {"family_id": student.id, "lines": [TRAVEL]},
        {"family_id": parent.id, "lines": [TRAVEL], "total": 1},
    ):
        refused = api.post(INVOICES, admin, json=body)
        assert refused.status_code == 422, (body, refused.get_json())
        assert refused.get_json()["error"]["status"] == 422
    assert api.get("/api/v1/billing/documents", admin).get_json()["total"] == 0

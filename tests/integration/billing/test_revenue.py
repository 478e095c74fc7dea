"""GET /api/v1/admin/revenue: figures from invoices, credit notes and payments, per month."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.billing.revenue import twelve_months_to
from tests.integration.billing.helpers import credit, invoice
from tests.support.api import Actor, Api

NO_METHOD = {
    "card": 0,
    "transfer": 0,
    "cheque": 0,
    "cesu_prefinanced": 0,
    "cash": 0,
    "avance_immediate": 0,
}


def _pay(api: Api, admin: Actor, document_id: int, cents: int, method: str, on: str) -> int:
    response = api.post(
        f"/api/v1/billing/documents/{document_id}/payments",
        admin,
        json={"amount_cents": cents, "method": method, "received_on": on},
    )
    assert response.status_code == 201, response.get_json()
    payment_id: int = response.get_json()["id"]
    return payment_id


def test_revenue_figures_are_exact_per_month(api: Api, session: Session) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    october = invoice(session, parent.id, 45_000, date(2026, 10, 5))
    november = invoice(session, parent.id, 20_000, date(2026, 11, 30))
    invoice(session, parent.id, 7_000, date(2026, 9, 30))  # before the period
    credit(session, october.id, 5_000, date(2026, 11, 2))
    _pay(api, admin, october.id, 10_000, "card", "2026-10-06")
    _pay(api, admin, october.id, 15_000, "cesu_prefinanced", "2026-11-03")
    cheque = _pay(api, admin, november.id, 20_000, "cheque", "2026-11-30")
    reversal = api.post(
        f"/api/v1/billing/documents/{november.id}/payments/{cheque}/reversal",
        admin,
        json={"received_on": "2026-12-01"},
    )
    assert reversal.status_code == 201

    response = api.get("/api/v1/admin/revenue?from=2026-10-01&to=2026-12-31", admin)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["from"], body["to"]) == ("2026-10-01", "2026-12-31")
    months = {m["month"]: m for m in body["months"]}
    assert list(months) == ["2026-10", "2026-11", "2026-12"]
    assert months["2026-10"] == {
        "month": "2026-10",
        "invoiced_cents": 45_000,
        "credited_cents": 0,
        "net_invoiced_cents": 45_000,
        "collected_cents": 10_000,
        "collected_by_method": {**NO_METHOD, "card": 10_000},
        # 450 € − 50 € credited − 100 € − 150 € paid, whenever that happened.
        "outstanding_cents": 15_000,
    }
    assert months["2026-11"] == {
        "month": "2026-11",
        "invoiced_cents": 20_000,
        "credited_cents": 5_000,
        "net_invoiced_cents": 15_000,
        "collected_cents": 35_000,
        "collected_by_method": {**NO_METHOD, "cesu_prefinanced": 15_000, "cheque": 20_000},
        "outstanding_cents": 20_000,  # the cheque was reversed in December
    }
    assert months["2026-12"]["collected_by_method"] == {**NO_METHOD, "cheque": -20_000}
    assert (
        body["invoiced_cents"],
        body["credited_cents"],
        body["net_invoiced_cents"],
        body["collected_cents"],
        body["outstanding_cents"],
    ) == (65_000, 5_000, 60_000, 25_000, 35_000)
    assert body["collected_by_method"] == {
        **NO_METHOD,
        "card": 10_000,
        "cesu_prefinanced": 15_000,
    }

    # The period cuts the months at its ends.
    cut = api.get("/api/v1/admin/revenue?from=2026-10-06&to=2026-11-29", admin).get_json()
    assert [(m["month"], m["invoiced_cents"], m["collected_cents"]) for m in cut["months"]] == [
        ("2026-10", 0, 10_000),
        ("2026-11", 0, 15_000),
    ]


def test_revenue_defaults_access_and_validation(api: Api) -> None:
    admin, parent, teacher = api.actor(Role.ADMIN), api.actor(Role.PARENT), api.actor(Role.TEACHER)
    default = api.get("/api/v1/admin/revenue", admin)
    assert default.status_code == 200
    assert len(default.get_json()["months"]) == 12
    assert twelve_months_to(date(2026, 12, 4)) == date(2026, 1, 1)
    assert twelve_months_to(date(2026, 11, 30)) == date(2025, 12, 1)
    assert api.get("/api/v1/admin/revenue", parent).status_code == 403
    assert api.get("/api/v1/admin/revenue", teacher).status_code == 403
    backwards = api.get("/api/v1/admin/revenue?from=2026-12-01&to=2026-11-01", admin)
    assert backwards.status_code == 422
    assert backwards.get_json()["error"]["message"] == "La période commence après sa fin."
    assert api.get("/api/v1/admin/revenue?from=2000-01-01&to=2026-01-01", admin).status_code == 422
    assert api.get("/api/v1/admin/revenue?from=hier", admin).status_code == 422

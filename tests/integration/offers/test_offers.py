"""The offer catalogue: admins manage it, every signed-in user reads the active part."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.audit.models import AuditEntry
from nexus.offers.models import OfferKind
from tests.factories.offers import EnrollmentFactory, OfferFactory
from tests.support.api import Api

NEW_OFFER = {
    "code": "stage-intensif-toussaint",
    "name": "Stage intensif — vacances de la Toussaint",
    "kind": "holiday_intensive",
    "description": "Cinq matinées de révisions en petit groupe.",
    "price_cents": 32_000,
    "hours": 15,
    "max_group_size": 6,
}


def test_everyone_signed_in_lists_active_offers_cheapest_first(api: Api, session: Session) -> None:
    parent = api.actor(Role.PARENT)
    OfferFactory(name="Cher", price_cents=90_000)
    OfferFactory(name="Bon marché", price_cents=9_900, kind=OfferKind.ARIA_ONLINE)
    OfferFactory(name="Retiré", price_cents=1_000, is_active=False)
    session.commit()
    listed = api.get("/api/v1/offers", parent).get_json()
    assert [o["name"] for o in listed["items"]] == ["Bon marché", "Cher"]
    asked = api.get("/api/v1/offers?include_inactive=true", parent).get_json()
    assert asked["total"] == 2  # the flag is for admins only
    by_kind = api.get("/api/v1/offers?kind=aria_online&sort=-price_cents", parent).get_json()
    assert [o["name"] for o in by_kind["items"]] == ["Bon marché"]
    bad_sort = api.get("/api/v1/offers?sort=colour", parent)
    assert bad_sort.status_code == 422
    assert bad_sort.get_json()["error"]["fields"][0]["field"] == "sort"
    assert api.get("/api/v1/offers").status_code == 401


def test_inactive_offers_are_visible_to_admins_only(api: Api, session: Session) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    retired = OfferFactory(name="Ancienne formule", is_active=False)
    session.commit()
    assert api.get(f"/api/v1/offers/{retired.id}", parent).status_code == 404
    assert api.get(f"/api/v1/offers/{retired.id}", admin).get_json()["is_active"] is False
    listed = api.get("/api/v1/offers?include_inactive=true&sort=name", admin).get_json()
    assert "Ancienne formule" in [o["name"] for o in listed["items"]]


def test_admin_creates_updates_and_deletes_an_offer(api: Api, session: Session) -> None:
    admin = api.actor(Role.ADMIN)
    created = api.post("/api/v1/offers", admin, json=NEW_OFFER)
    assert created.status_code == 201, created.get_json()
    offer_id = created.get_json()["id"]
    assert created.get_json()["is_active"] is True

    duplicate = api.post("/api/v1/offers", admin, json=NEW_OFFER)
    assert duplicate.status_code == 409
    assert duplicate.get_json()["error"]["fields"][0]["field"] == "code"

    patched = api.patch(
        f"/api/v1/offers/{offer_id}", admin, json={"price_cents": 30_000, "is_active": False}
    )
    assert patched.status_code == 200
    assert patched.get_json()["price_cents"] == 30_000
    assert patched.get_json()["is_active"] is False
    assert patched.get_json()["name"] == NEW_OFFER["name"]
    null = api.patch(f"/api/v1/offers/{offer_id}", admin, json={"name": None})
    assert null.status_code == 422
    assert null.get_json()["error"]["fields"][0]["field"] == "name"
    unchanged = api.patch(f"/api/v1/offers/{offer_id}", admin, json={})
    assert unchanged.get_json()["name"] == NEW_OFFER["name"]

    assert api.delete(f"/api/v1/offers/{offer_id}", admin).status_code == 204
    assert api.get(f"/api/v1/offers/{offer_id}", admin).status_code == 404
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.target_id == offer_id).order_by(AuditEntry.id)
    ).all()
    assert actions == ["offer.create", "offer.update", "offer.update", "offer.delete"]


def test_an_offer_with_enrollments_is_deactivated_not_deleted(api: Api, session: Session) -> None:
    admin = api.actor(Role.ADMIN)
    student = api.actor(Role.STUDENT)
    bought = OfferFactory()
    EnrollmentFactory(student_id=student.id, offer=bought)
    session.commit()
    response = api.delete(f"/api/v1/offers/{bought.id}", admin)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "offer_in_use"


def test_offer_input_is_validated(api: Api) -> None:
    admin = api.actor(Role.ADMIN)
    cases = [
        ({**NEW_OFFER, "price_cents": -1}, "price_cents"),
        ({**NEW_OFFER, "code": "Pas Un Slug"}, "code"),
        ({**NEW_OFFER, "kind": "magic"}, "kind"),
        ({**NEW_OFFER, "max_group_size": 0}, "max_group_size"),
    ]
    for payload, field in cases:
        response = api.post("/api/v1/offers", admin, json=payload)
        assert response.status_code == 422
        assert response.get_json()["error"]["fields"][0]["field"] == field
    assert api.patch("/api/v1/offers/999999", admin, json={"hours": 2}).status_code == 404


def test_only_admins_manage_the_catalogue(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER)
    item = OfferFactory()
    session.commit()
    assert api.post("/api/v1/offers", teacher, json=NEW_OFFER).status_code == 403
    assert api.patch(f"/api/v1/offers/{item.id}", teacher, json={"hours": 1}).status_code == 403
    assert api.delete(f"/api/v1/offers/{item.id}", teacher).status_code == 403


def test_signed_in_offer_json_carries_the_same_prices_as_the_catalogue(
    api: Api, session: Session
) -> None:
    parent = api.actor(Role.PARENT)
    offer = OfferFactory(price_cents=45_000, hours=10)
    session.commit()
    signed_in = api.get(f"/api/v1/offers/{offer.id}", parent).get_json()
    public = api.get(f"/api/v1/catalogue/offers/{offer.id}").get_json()
    assert signed_in["prices"] == public["prices"]
    assert signed_in["prices"]["total_ttc_cents"] == 45_000
    assert signed_in["prices"]["tax_credit"]["after_credit_cents"] == 22_500
    listed = api.get("/api/v1/offers", parent).get_json()["items"]
    assert listed[0]["prices"] == public["prices"]

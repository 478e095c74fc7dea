"""The public catalogue over HTTP: anonymous, nothing private, inactive hidden, exact prices."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from nexus import create_app
from nexus.accounts.roles import Role
from nexus.billing.prices import TAX_CREDIT_NOTE
from nexus.config import BusinessIdentity, Settings
from nexus.offers.models import OfferKind
from tests.factories.accounts import UserFactory
from tests.factories.offers import OfferFactory
from tests.factories.people import ParentLinkFactory, TeacherProfileFactory
from tests.support.api import Api

OFFERS = "/api/v1/catalogue/offers"
TEACHERS = "/api/v1/catalogue/teachers"
OFFER_KEYS = {"id", "code", "name", "kind", "description", "hours", "max_group_size", "prices"}
PRICE_KEYS = {
    "total_ht_cents",
    "total_vat_cents",
    "total_ttc_cents",
    "per_hour_ht_cents",
    "per_hour_ttc_cents",
    "vat_rate_bp",
    "vat_exemption_mention",
    "tax_credit",
}
TEACHER_KEYS = {"first_name", "last_name_initial", "subjects", "levels", "bio"}


def _app_with(settings: Settings, connection: Any, **overrides: Any) -> Iterator[Flask]:
    app = create_app(settings.model_copy(update=overrides), bind=connection)
    app.testing = True
    yield app


@pytest.fixture(name="vat_client")
def _vat_client(settings: Settings, connection: Any) -> Iterator[FlaskClient]:
    seller = BusinessIdentity(vat_rate_bp=1000, vat_number="FR40732829320")
    for app in _app_with(settings, connection, billing_business=seller):
        yield app.test_client()


@pytest.fixture(name="tight_client")
def _tight_client(settings: Settings, connection: Any) -> Iterator[FlaskClient]:
    for app in _app_with(settings, connection, catalogue_limit_per_address="3 per minute"):
        yield app.test_client()


def test_anonymous_callers_read_active_offers_with_exempt_prices(
    api: Api, session: Session
) -> None:
    coaching = OfferFactory(name="Coaching", price_cents=45_000, hours=10)
    OfferFactory(name="ARIA", kind=OfferKind.ARIA_ONLINE, price_cents=2_900, hours=0)
    retired = OfferFactory(name="Retirée", price_cents=1_000, is_active=False)
    session.commit()

    listed = api.get(OFFERS)
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["total"] == 2
    assert [o["name"] for o in body["items"]] == ["ARIA", "Coaching"]
    first = body["items"][1]
    assert set(first) == OFFER_KEYS
    assert set(first["prices"]) == PRICE_KEYS
    assert first["prices"] == {
        "total_ht_cents": 45_000,
        "total_vat_cents": 0,
        "total_ttc_cents": 45_000,
        "per_hour_ht_cents": 4_500,
        "per_hour_ttc_cents": 4_500,
        "vat_rate_bp": 0,
        "vat_exemption_mention": "TVA non applicable, art. 293 B du CGI",
        "tax_credit": {
            "rate_bp": 5000,
            "credit_cents": 22_500,
            "after_credit_cents": 22_500,
            "after_credit_per_hour_cents": 2_250,
            "note": TAX_CREDIT_NOTE,
        },
    }
    aria = body["items"][0]["prices"]
    assert aria["tax_credit"] is None and aria["per_hour_ttc_cents"] is None

    one = api.get(f"{OFFERS}/{coaching.id}")
    assert one.status_code == 200 and one.get_json() == first
    hidden = api.get(f"{OFFERS}/{retired.id}")
    assert hidden.status_code == 404
    assert hidden.get_json()["error"]["code"] == "not_found"
    assert api.get(f"{OFFERS}/999999").status_code == 404


def test_a_vat_registered_seller_shows_the_invoiced_ttc(
    vat_client: FlaskClient, session: Session
) -> None:
    coaching = OfferFactory(price_cents=45_000, hours=10)
    group = OfferFactory(kind=OfferKind.SMALL_GROUP, price_cents=32_000, hours=15)
    session.commit()
    prices = vat_client.get(f"{OFFERS}/{coaching.id}").get_json()["prices"]
    assert prices == {
        "total_ht_cents": 40_910,
        "total_vat_cents": 4_091,
        "total_ttc_cents": 45_001,
        "per_hour_ht_cents": 4_091,
        "per_hour_ttc_cents": 4_500,
        "vat_rate_bp": 1000,
        "vat_exemption_mention": None,
        "tax_credit": {
            "rate_bp": 5000,
            "credit_cents": 22_500,
            "after_credit_cents": 22_501,
            "after_credit_per_hour_cents": 2_250,
            "note": TAX_CREDIT_NOTE,
        },
    }
    grouped = vat_client.get(f"{OFFERS}?kind=small_group").get_json()
    assert [o["id"] for o in grouped["items"]] == [group.id]
    # 2 133.33… € TTC an hour is 19.3939… € HT -> 19.39 €; 15 h: 290.85 € + 29.09 € TVA.
    assert grouped["items"][0]["prices"]["total_ttc_cents"] == 31_994
    assert grouped["items"][0]["prices"]["tax_credit"] is None


def test_the_displayed_ttc_is_what_the_enrollment_invoice_charges(
    vat_client: FlaskClient, api: Api, session: Session
) -> None:
    child, parent = api.actor(Role.STUDENT), api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    offer = OfferFactory(price_cents=45_000, hours=10)
    session.commit()
    shown = vat_client.get(f"{OFFERS}/{offer.id}").get_json()["prices"]
    enrolled = vat_client.post(
        "/api/v1/enrollments",
        headers=parent.headers,
        json={"student_id": child.id, "offer_id": offer.id},
    )
    assert enrolled.status_code == 201, enrolled.get_json()
    (invoice,) = vat_client.get("/api/v1/billing/documents", headers=parent.headers).get_json()[
        "items"
    ]
    assert (invoice["total_ht_cents"], invoice["total_ttc_cents"]) == (
        shown["total_ht_cents"],
        shown["total_ttc_cents"],
    )
    assert invoice["eligible_cents"] == shown["total_ttc_cents"] == 45_001
    assert invoice["lines"][0]["unit_price_ht_cents"] == shown["per_hour_ht_cents"]


def test_offers_are_paginated_and_queries_validated(api: Api, session: Session) -> None:
    for n in range(5):
        OfferFactory(name=f"Offre {n}", price_cents=1_000 * (n + 1))
    session.commit()
    page = api.get(f"{OFFERS}?page=2&page_size=2&sort=-price_cents").get_json()
    assert (page["page"], page["page_size"], page["total"]) == (2, 2, 5)
    assert [o["name"] for o in page["items"]] == ["Offre 2", "Offre 1"]
    for bad, field in (
        ("page_size=101", "page_size"),
        ("sort=colour", "sort"),
        ("kind=magic", "kind"),
        ("include_inactive=true", "include_inactive"),
    ):
        refused = api.get(f"{OFFERS}?{bad}")
        assert refused.status_code == 422, bad
        error = refused.get_json()["error"]
        assert error["code"] == "validation_error"
        assert error["fields"][0]["field"] == field
    assert api.get(f"{TEACHERS}?subject=astrologie").status_code == 422


def test_teachers_show_public_fields_only(api: Api, session: Session) -> None:
    sophie = UserFactory(role=Role.TEACHER, first_name="Sophie", last_name="bernard")
    TeacherProfileFactory(
        user_id=sophie.id,
        subjects=["mathematiques"],
        levels=["premiere", "terminale"],
        bio="Agrégée de mathématiques. " * 20,
        weekly_availability=[{"weekday": 1, "start": "17:00", "end": "20:00"}],
    )
    gone = UserFactory(role=Role.TEACHER, first_name="Partie", is_active=False)
    TeacherProfileFactory(user_id=gone.id)
    UserFactory(role=Role.STUDENT, first_name="Élève")
    bare = UserFactory(role=Role.TEACHER, first_name="Paul", last_name="Durand")
    session.commit()

    body = api.get(TEACHERS).get_json()
    assert body["total"] == 2
    by_name = {t["first_name"]: t for t in body["items"]}
    assert set(by_name) == {"Sophie", "Paul"}
    for teacher in body["items"]:
        assert set(teacher) == TEACHER_KEYS
    shown = by_name["Sophie"]
    assert shown["last_name_initial"] == "B."
    assert (shown["subjects"], shown["levels"]) == (["mathematiques"], ["premiere", "terminale"])
    assert shown["bio"].startswith("Agrégée de mathématiques.")
    assert shown["bio"].endswith("…") and len(shown["bio"]) <= 280
    assert by_name["Paul"] == {
        "first_name": "Paul",
        "last_name_initial": "D.",
        "subjects": [],
        "levels": [],
        "bio": "",
    }
    text = api.get(TEACHERS).get_data(as_text=True)
    for private in (sophie.email, bare.email, "bernard", "Durand", "17:00"):
        assert private not in text
    maths = api.get(f"{TEACHERS}?subject=mathematiques&level=terminale").get_json()
    assert [t["first_name"] for t in maths["items"]] == ["Sophie"]


def test_a_change_is_seen_at_once_through_the_cache(api: Api, session: Session) -> None:
    offer = OfferFactory(name="Avant", price_cents=10_000)
    session.commit()
    assert api.get(OFFERS).get_json()["items"][0]["name"] == "Avant"
    admin = api.actor(Role.ADMIN)
    patched = api.patch(f"/api/v1/offers/{offer.id}", admin, json={"is_active": False})
    assert patched.status_code == 200
    assert api.get(OFFERS).get_json()["total"] == 0
    assert api.get(f"{OFFERS}/{offer.id}").status_code == 404
    teacher = UserFactory(role=Role.TEACHER, first_name="Claire")
    session.commit()
    assert [t["first_name"] for t in api.get(TEACHERS).get_json()["items"]] == ["Claire"]
    teacher.is_active = False
    session.commit()
    assert api.get(TEACHERS).get_json()["total"] == 0


def test_the_catalogue_is_throttled_per_address_in_the_error_shape(
    tight_client: FlaskClient,
) -> None:
    statuses = [tight_client.get(path).status_code for path in (OFFERS, TEACHERS, OFFERS)]
    assert statuses == [200, 200, 200]
    refused = tight_client.get(TEACHERS)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1


def test_the_openapi_document_lists_the_catalogue_as_public(api: Api) -> None:
    paths = api.get("/openapi.json").get_json()["paths"]
    for path in (OFFERS, f"{OFFERS}/{{offer_id}}", TEACHERS):
        operation = paths[path]["get"]
        assert "security" not in operation, path
        assert "401" not in operation["responses"] and "403" not in operation["responses"], path
        assert "200" in operation["responses"] and "422" in operation["responses"], path


def test_the_catalogue_routes_are_the_public_ones_of_their_blueprint(app: Flask) -> None:
    from nexus.accounts.permissions import access_of

    catalogue = {
        rule.endpoint: access_of(app, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/catalogue")
    }
    assert set(catalogue) == {
        "catalogue.list_offers",
        "catalogue.get_offer",
        "catalogue.list_teachers",
    }
    assert all(access is not None and access.public for access in catalogue.values())

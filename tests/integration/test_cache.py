"""The response cache of GET /api/v1/offers and GET /api/v1/content: a write is seen by the
next read; the cache really serves (a change behind the ORM's back stays unseen); with
Redis stopped the API serves from the database and uses the cache again once it is back.

Runs on the suite's backend: SQLite + in-process cache, or PostgreSQL + Redis.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from nexus import create_app
from nexus.accounts.roles import Role
from nexus.content.models import ContentItem
from nexus.db import Database
from nexus.offers.models import Offer
from tests import factories
from tests.conftest import make_settings
from tests.factories.content import content_payload
from tests.factories.offers import OfferFactory
from tests.support.api import Api
from tests.support.redis_server import PrivateRedis, close_redis_clients, private_redis


def offer_prices(api: Api, actor: Any) -> dict[str, int]:
    response = api.get("/api/v1/offers?page_size=100", actor)
    assert response.status_code == 200
    return {o["code"]: o["price_cents"] for o in response.get_json()["items"]}


def titles(api: Api, actor: Any, query: str) -> list[str]:
    response = api.get(f"/api/v1/content?q={query}", actor)
    assert response.status_code == 200
    return [item["title"] for item in response.get_json()["items"]]


def behind_the_orms_back(connection: Connection, statement: Any) -> None:
    """A change no session flushes: the cache is not told (what proves it is used)."""
    connection.execute(statement)


def test_offers_list_sees_each_admin_write_at_once(api: Api, session: Session) -> None:
    student, admin = api.actor(Role.STUDENT), api.actor(Role.ADMIN)
    existing = OfferFactory(price_cents=40_000)
    session.commit()
    assert offer_prices(api, student)[existing.code] == 40_000

    patched = api.patch(f"/api/v1/offers/{existing.id}", admin, json={"price_cents": 41_000})
    assert patched.status_code == 200
    assert offer_prices(api, student)[existing.code] == 41_000

    body = {"code": "stage-cache", "name": "Stage", "kind": "holiday_intensive"}
    created = api.post("/api/v1/offers", admin, json={**body, "price_cents": 9_900, "hours": 6})
    assert created.status_code == 201, created.get_json()
    assert offer_prices(api, student)["stage-cache"] == 9_900

    assert api.delete(f"/api/v1/offers/{created.get_json()['id']}", admin).status_code == 204
    assert "stage-cache" not in offer_prices(api, student)


def test_offers_list_is_served_from_the_cache_between_writes(
    api: Api, session: Session, connection: Connection
) -> None:
    student, admin = api.actor(Role.STUDENT), api.actor(Role.ADMIN)
    existing = OfferFactory(price_cents=30_000)
    session.commit()
    assert offer_prices(api, student)[existing.code] == 30_000
    behind_the_orms_back(
        connection, update(Offer).where(Offer.id == existing.id).values(price_cents=1)
    )
    assert offer_prices(api, student)[existing.code] == 30_000  # cached
    # Admins asking for inactive offers have a page of their own.
    assert offer_prices(api, admin)[existing.code] == 30_000
    inactive = api.get("/api/v1/offers?include_inactive=true&page_size=100", admin)
    assert {o["code"]: o["price_cents"] for o in inactive.get_json()["items"]}[existing.code] == 1
    # A write through the ORM (here by the arranging session) bumps the generation.
    existing.name = "Renamed"
    session.commit()
    assert offer_prices(api, student)[existing.code] == 1


def test_content_search_sees_creation_edit_and_deletion(api: Api) -> None:
    teacher, student = api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    assert titles(api, student, "cryptographie") == []
    created = api.post(
        "/api/v1/content", teacher, json=content_payload(title="Cryptographie symétrique")
    )
    assert created.status_code == 201, created.get_json()
    item_id = created.get_json()["id"]
    assert titles(api, student, "cryptographie") == ["Cryptographie symétrique"]

    edited = api.patch(
        f"/api/v1/content/{item_id}", teacher, json={"title": "Cryptographie asymétrique"}
    )
    assert edited.status_code == 200
    assert titles(api, student, "cryptographie") == ["Cryptographie asymétrique"]

    assert api.delete(f"/api/v1/content/{item_id}", teacher).status_code == 204
    assert titles(api, student, "cryptographie") == []


def test_content_list_is_cached_until_a_write(api: Api, connection: Connection) -> None:
    teacher = api.actor(Role.TEACHER)
    payload = content_payload(title="Graphes orientés", difficulty=2)
    item_id = api.post("/api/v1/content", teacher, json=payload).get_json()["id"]

    def difficulty() -> int:
        page = api.get("/api/v1/content?q=graphes", teacher).get_json()
        return int(page["items"][0]["difficulty"])

    assert difficulty() == 2
    behind_the_orms_back(
        connection, update(ContentItem).where(ContentItem.id == item_id).values(difficulty=5)
    )
    assert difficulty() == 2  # cached
    edited = api.patch(f"/api/v1/content/{item_id}", teacher, json={"summary": "Parcours"})
    assert edited.status_code == 200
    assert difficulty() == 5


def test_a_rolled_back_write_changes_nothing(api: Api, session: Session) -> None:
    student, admin = api.actor(Role.STUDENT), api.actor(Role.ADMIN)
    first, second = OfferFactory(), OfferFactory()
    session.commit()
    before = offer_prices(api, student)
    clash = api.post(
        "/api/v1/offers",
        admin,
        json={
            "code": first.code,
            "name": "Doublon",
            "kind": "individual",
            "price_cents": 1,
            "hours": 1,
        },
    )
    assert clash.status_code == 409
    assert offer_prices(api, student) == before
    assert second.code in before


def multi_worker_app(app: Flask, connection: Connection) -> Api:
    settings = make_settings(
        app.extensions["settings"].database_url, redis_url=None, NEXUS_WORKER_PROCESSES=2
    )
    other = create_app(settings, bind=connection)
    return Api(other.test_client(), other, Database.factory_for(other)())


def test_without_redis_several_workers_keep_no_private_cache(
    app: Flask, connection: Connection
) -> None:
    api = multi_worker_app(app, connection)
    student = api.actor(Role.STUDENT)
    with factories.bound(api.session):
        existing = OfferFactory(price_cents=20_000)
    api.session.commit()
    assert offer_prices(api, student)[existing.code] == 20_000
    behind_the_orms_back(
        connection, update(Offer).where(Offer.id == existing.id).values(price_cents=2)
    )
    # Another worker could have written it: nothing is cached, the change is seen.
    assert offer_prices(api, student)[existing.code] == 2


@pytest.mark.redis
def test_redis_outage_bypasses_the_cache_and_it_serves_again_after(
    app: Flask, connection: Connection
) -> None:
    with private_redis() as redis_server:
        settings = make_settings(
            app.extensions["settings"].database_url,
            redis_url=redis_server.url,
            cache_bypass_seconds=0,
        )
        outage_app = create_app(settings, bind=connection)
        api = Api(outage_app.test_client(), outage_app, Database.factory_for(outage_app)())
        try:
            outage(api, connection, redis_server)
        finally:
            api.session.close()
            close_redis_clients(outage_app)


def outage(api: Api, connection: Connection, redis_server: PrivateRedis) -> None:
    """Cached, bypassed while Redis is down (writes still seen), cached again after."""
    student, admin = api.actor(Role.STUDENT), api.actor(Role.ADMIN)
    with factories.bound(api.session):
        existing = OfferFactory(price_cents=10_000)
    api.session.commit()
    assert offer_prices(api, student)[existing.code] == 10_000
    change = update(Offer).where(Offer.id == existing.id)
    behind_the_orms_back(connection, change.values(price_cents=11_000))
    assert offer_prices(api, student)[existing.code] == 10_000  # from Redis

    redis_server.stop()
    # Bypassed: straight from the database, and writes still work.
    assert offer_prices(api, student)[existing.code] == 11_000
    patched = api.patch(f"/api/v1/offers/{existing.id}", admin, json={"price_cents": 12_000})
    assert patched.status_code == 200
    assert offer_prices(api, student)[existing.code] == 12_000
    assert api.get("/ready").status_code == 503

    redis_server.start()
    assert api.get("/ready").status_code == 200
    assert offer_prices(api, student)[existing.code] == 12_000
    behind_the_orms_back(connection, change.values(price_cents=13_000))
    assert offer_prices(api, student)[existing.code] == 12_000  # cached again
    patched = api.patch(f"/api/v1/offers/{existing.id}", admin, json={"price_cents": 14_000})
    assert offer_prices(api, student)[existing.code] == 14_000

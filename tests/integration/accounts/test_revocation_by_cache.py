"""Routes that start with a cache read (``@allow(..., cached_read=True)``) check revocation in
that read's round trip: a logout is refused at once there too, cache hit or miss, and the check
is still made when the cache cannot make it (cache off, Redis down).

Runs on the suite's backend; the outage test needs Redis (a private server it stops).
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.engine import Connection

from nexus import create_app
from nexus.accounts.roles import Role
from nexus.db import Database
from tests.conftest import make_settings
from tests.support.api import Actor, Api
from tests.support.redis_server import private_redis

CACHED_READS = [
    "/api/v1/offers",
    "/api/v1/content",
    "/api/v1/content?q=d%C3%A9riv%C3%A9e",
    "/api/v1/dashboards/student",
]


def other_app(app: Flask, connection: Connection, **overrides: object) -> Api:
    settings = app.extensions["settings"]
    values: dict[str, object] = {
        "secret_key": settings.secret_key,
        "cache_key_prefix": settings.cache_key_prefix,
        **overrides,
    }
    built = create_app(make_settings(settings.database_url, **values), bind=connection)
    return Api(built.test_client(), built, Database.factory_for(built)())


def refused_after_logout(api: Api, kid: Actor, path: str) -> None:
    assert api.get(path, kid).status_code == 200
    assert api.get(path, kid).status_code == 200  # now from the cache
    assert api.post("/api/v1/auth/logout", kid).status_code == 200
    after = api.get(path, kid)
    assert after.status_code == 401, after.get_json()
    error = after.get_json()["error"]
    assert error["code"] == "token_revoked" and after.headers["WWW-Authenticate"]


@pytest.mark.parametrize("path", CACHED_READS)
def test_a_logout_is_refused_at_once_on_every_cached_read(api: Api, path: str) -> None:
    refused_after_logout(api, api.actor(Role.STUDENT), path)


@pytest.mark.parametrize("path", CACHED_READS)
def test_a_logged_out_session_is_refused_on_a_cache_miss_too(api: Api, path: str) -> None:
    kid = api.actor(Role.STUDENT)
    assert api.post("/api/v1/auth/logout", kid).status_code == 200
    assert api.get(path, kid).status_code == 401


def test_with_the_cache_off_the_check_is_made_before_the_response_leaves(
    app: Flask, connection: Connection
) -> None:
    api = other_app(app, connection, cache_ttl_seconds=0)
    for path in CACHED_READS:
        refused_after_logout(api, api.actor(Role.STUDENT), path)


@pytest.mark.redis
def test_with_redis_down_a_cached_read_checks_revocation_in_the_database(
    app: Flask, connection: Connection
) -> None:
    with private_redis() as redis_server:
        api = other_app(app, connection, redis_url=redis_server.url)
        kid = api.actor(Role.STUDENT)
        assert api.get("/api/v1/offers", kid).status_code == 200
        redis_server.stop()
        assert api.get("/api/v1/offers", kid).status_code == 200  # from the database
        assert api.post("/api/v1/auth/logout", kid).status_code == 200
        assert api.get("/api/v1/offers", kid).status_code == 401
        redis_server.start()
        assert api.get("/api/v1/offers", kid).status_code == 401

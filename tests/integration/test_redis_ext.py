"""/ready names Redis while it is down and recovers without a restart; the API keeps serving."""

from __future__ import annotations

import jwt
import pytest
from flask import Flask
from sqlalchemy.engine import Connection

from nexus import create_app
from nexus.accounts.roles import Role
from nexus.db import Database
from tests.conftest import make_settings
from tests.support.api import Api
from tests.support.redis_server import close_redis_clients, private_redis

pytestmark = pytest.mark.redis


def test_ready_follows_redis_and_login_survives_the_outage(
    app: Flask, connection: Connection
) -> None:
    with private_redis() as redis_server:
        settings = make_settings(
            app.extensions["settings"].database_url, redis_url=redis_server.url
        )
        outage_app = create_app(settings, bind=connection)
        api = Api(outage_app.test_client(), outage_app, Database.factory_for(outage_app)())
        user = api.create_user(Role.STUDENT)
        assert api.get("/ready").status_code == 200

        redis_server.stop()
        down = api.get("/ready")
        assert down.status_code == 503
        error = down.get_json()["error"]
        assert error["code"] == "not_ready"
        assert "redis" in error["message"]
        assert [f["field"] for f in error["fields"]] == ["redis"]
        assert down.headers["Retry-After"]
        # Sign-in, rate limiting and revocation checks fall back while Redis is away.
        login = api.login(user.email)
        assert login.status_code == 200
        token = login.get_json()["access_token"]
        sid = jwt.decode(token, options={"verify_signature": False})["sid"]
        assert (
            api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )
        logout = api.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
        assert logout.status_code == 200
        assert (
            api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 401
        )

        redis_server.start()
        assert api.get("/ready").status_code == 200
        # The logout made during the outage reached Redis once it was back (nothing lost).
        assert (
            api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 401
        )
        with redis_server.client() as probe:
            assert probe.exists(f"{settings.cache_key_prefix}revoked-session:{sid}")
        assert api.login(user.email).status_code == 200


def test_aria_quota_holds_through_a_redis_outage(app: Flask, connection: Connection) -> None:
    """Counted in Redis, then in the usage ledger while Redis is down, then in Redis again."""
    with private_redis() as redis_server:
        settings = make_settings(
            app.extensions["settings"].database_url,
            redis_url=redis_server.url,
            aria_daily_message_quota=3,
        )
        outage_app = create_app(settings, bind=connection)
        api = Api(outage_app.test_client(), outage_app, Database.factory_for(outage_app)())
        try:
            student = api.actor(Role.STUDENT)
            question = {"question": "Comment dériver un produit de deux fonctions ?"}
            assert api.post("/api/v1/aria/ask", student, json=question).status_code == 201
            redis_server.stop()
            assert api.post("/api/v1/aria/ask", student, json=question).status_code == 201
            redis_server.start()  # empty: its counters start again from the ledger
            assert api.post("/api/v1/aria/ask", student, json=question).status_code == 201
            refused = api.post("/api/v1/aria/ask", student, json=question)
            assert refused.status_code == 429
            assert refused.get_json()["error"]["code"] == "aria_quota_exceeded"
        finally:
            api.session.close()
            close_redis_clients(outage_app)

"""/ready names Redis while it is down and recovers without a restart; the API keeps serving."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.engine import Connection

from nexus import create_app
from nexus.accounts.roles import Role
from tests.conftest import make_settings
from tests.support.api import Api
from tests.support.redis_server import private_redis

pytestmark = pytest.mark.redis


def test_ready_follows_redis_and_login_survives_the_outage(
    app: Flask, connection: Connection
) -> None:
    with private_redis() as redis_server:
        settings = make_settings(
            app.extensions["settings"].database_url, redis_url=redis_server.url
        )
        outage_app = create_app(settings, bind=connection)
        from nexus.db import Database

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
        assert api.login(user.email).status_code == 200

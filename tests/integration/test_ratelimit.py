"""Throttling that slows attackers without locking users out (docs/rate-limits.md), over real
HTTP: a threaded server on loopback, clients on distinct loopback source addresses (127.0.0.x)
standing for distinct machines. Runs on both backends (in-process counters, and Redis with
``REDIS_URL``)."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus import create_app
from nexus.accounts.roles import Role
from nexus.audit.models import AuditEntry
from nexus.config import Settings
from nexus.notifications.models import Notification
from tests.support.api import DEFAULT_PASSWORD, Api
from tests.support.threaded_server import serve_in_thread

LOGIN = "/api/v1/auth/login"
REGISTER = "/api/v1/auth/register"


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class Http:
    port: int

    def post(self, path: str, payload: Any, source: str = "127.0.0.1") -> Answer:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        try:
            connection.request(
                "POST", path, body=json.dumps(payload), headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            raw = response.read()
            return Answer(response.status, json.loads(raw or b"null"), dict(response.getheaders()))
        finally:
            connection.close()

    def login(self, email: str, password: str = DEFAULT_PASSWORD, source: str = "127.0.0.1") -> int:
        return self.post(LOGIN, {"email": email, "password": password}, source).status


@pytest.fixture(name="server")
def _server(app: Flask) -> Iterator[Http]:
    with serve_in_thread(app) as base_url:
        yield Http(int(base_url.rsplit(":", 1)[1]))


def _assert_throttled(answer: Answer) -> None:
    """The documented 429: the API's error shape, a positive integer ``Retry-After``."""
    assert answer.status == 429
    assert set(answer.body) == {"error"}
    error = answer.body["error"]
    assert set(error) == {"status", "code", "message", "fields", "request_id"}
    assert (error["status"], error["code"]) == (429, "rate_limited")
    assert " per " not in error["message"]  # not Flask-Limiter's "5 per 1 minute"
    assert 0 < int(answer.headers["Retry-After"]) <= 3600
    assert str(int(answer.headers["Retry-After"])) in error["message"]


def test_wrong_passwords_from_one_address_get_429_in_the_error_shape(
    api: Api, server: Http
) -> None:
    user = api.create_user(Role.PARENT)
    statuses = [server.login(user.email, f"Mauvais{n}2026!", "127.0.0.2") for n in range(6)]
    assert statuses == [401] * 5 + [429]
    limited = server.post(LOGIN, {"email": user.email, "password": DEFAULT_PASSWORD}, "127.0.0.2")
    # Even the right password waits there: the guesser is throttled, not the answer.
    _assert_throttled(limited)


def test_a_stranger_cannot_lock_the_owner_out(api: Api, server: Http) -> None:
    owner = api.create_user(Role.PARENT)
    for n in range(25):
        server.login(owner.email, f"Mauvais{n}2026!", "127.0.0.2")
    assert server.login(owner.email, DEFAULT_PASSWORD, "127.0.0.2") == 429
    assert server.login(owner.email, DEFAULT_PASSWORD, "127.0.0.1") == 200


def test_a_spread_out_attack_meets_the_per_account_ceiling(api: Api, server: Http) -> None:
    victim = api.create_user(Role.PARENT)
    # 5 guesses from each of 6 addresses: none is over its own limit, the account is (30/min).
    for host in range(2, 8):
        for n in range(5):
            assert server.login(victim.email, f"Mauvais{n}2026!", f"127.0.0.{host}") == 401
    _assert_throttled(
        server.post(LOGIN, {"email": victim.email, "password": DEFAULT_PASSWORD}, "127.0.0.20")
    )
    assert (
        int(
            server.post(LOGIN, {"email": victim.email, "password": "x"}, "127.0.0.21").headers[
                "Retry-After"
            ]
        )
        <= 60
    )  # the short window: the owner waits a minute at most


def test_successful_logins_do_not_count(api: Api, server: Http) -> None:
    user = api.create_user(Role.STUDENT)
    assert [server.login(user.email) for _ in range(8)] == [200] * 8


def test_a_noisy_address_still_lets_other_accounts_sign_in(api: Api, server: Http) -> None:
    """A school's NAT: one pupil fails 31 times at various accounts; the others sign in."""
    neighbour = api.create_user(Role.STUDENT)
    tried = api.create_user(Role.STUDENT)
    assert server.login(tried.email, "Mauvais2026!") == 401
    for n in range(30):
        server.login(f"inconnu{n}@example.fr", "Mauvais2026!")
    # Over the per-address limit: an account never failed from here is still verified…
    assert server.login(neighbour.email) == 200
    # …but an account that already failed from here gets no second guess.
    _assert_throttled(server.post(LOGIN, {"email": tried.email, "password": "Faux2026!x"}))
    # Another address is not concerned at all.
    assert server.login(tried.email, DEFAULT_PASSWORD, "127.0.0.2") == 200


def _registration(email: str, password: str = DEFAULT_PASSWORD) -> dict[str, str]:
    return {
        "email": email,
        "password": password,
        "role": "parent",
        "first_name": "Camille",
        "last_name": "Martin",
    }


def test_registration_answers_the_same_for_a_taken_email(
    api: Api, server: Http, session: Session
) -> None:
    owner = api.create_user(Role.PARENT, email="camille.martin@example.fr")
    new = server.post(REGISTER, _registration("nouvelle.adresse@example.fr"))
    taken = server.post(REGISTER, _registration("Camille.Martin@example.fr", "Autre2026!mdp"))
    assert (new.status, new.body) == (taken.status, taken.body)
    assert new.status == 202
    # The new account exists; the taken one is unchanged (its password still works)…
    assert server.login("nouvelle.adresse@example.fr") == 200
    assert server.login(owner.email) == 200
    assert server.login(owner.email, "Autre2026!mdp", "127.0.0.3") == 401
    # …and its owner is told, by another channel than the answer.
    session.expire_all()
    notices = session.scalars(select(Notification).where(Notification.user_id == owner.id)).all()
    assert [n.data for n in notices] == [{"reason": "registration_with_existing_email"}]
    audit = session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == owner.id)).all()
    assert "user.register_existing_email" in audit


def test_registration_still_refuses_a_weak_password_for_a_taken_email(
    api: Api, server: Http
) -> None:
    """The policy answer is the same whether or not the e-mail exists."""
    owner = api.create_user(Role.PARENT)
    taken = server.post(REGISTER, _registration(owner.email, "court1"))
    new = server.post(REGISTER, _registration("autre.parent@example.fr", "court1"))
    assert taken.status == new.status == 422
    assert taken.body["error"]["code"] == new.body["error"]["code"]


@pytest.fixture(name="strict_app")
def _strict_app(settings: Settings, connection: Any) -> Iterator[Flask]:
    tight = settings.model_copy(update={"register_limit_per_address": "3 per minute"})
    app = create_app(tight, bind=connection)
    yield app


def test_registration_is_throttled_per_address(strict_app: Flask) -> None:
    with serve_in_thread(strict_app) as base_url:
        live = Http(int(base_url.rsplit(":", 1)[1]))
        statuses = [
            live.post(REGISTER, _registration(f"parent{n}@example.fr")).status for n in range(3)
        ]
        assert statuses == [202] * 3
        _assert_throttled(live.post(REGISTER, _registration("parent9@example.fr")))
        assert live.post(REGISTER, _registration("p10@example.fr"), "127.0.0.2").status == 202


def test_refresh_failures_are_throttled_in_the_error_shape(server: Http) -> None:
    statuses = [
        server.post("/api/v1/auth/refresh", {"refresh_token": f"pas-un-jeton-{n:04d}"}).status
        for n in range(61)
    ]
    assert statuses[:60] == [401] * 60
    _assert_throttled(server.post("/api/v1/auth/refresh", {"refresh_token": "x" * 20}))


def test_every_429_is_documented_with_retry_after(client: Any) -> None:
    spec = client.get("/openapi.json").get_json()
    throttled = {
        (method, path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if "429" in operation["responses"]
    }
    assert {("post", LOGIN), ("post", REGISTER), ("post", "/api/v1/auth/refresh")} <= throttled
    for method, path in throttled:
        answer = spec["paths"][path][method]["responses"]["429"]
        assert answer["headers"]["Retry-After"]["required"] is True, (method, path)
        schema = answer["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (method, path)

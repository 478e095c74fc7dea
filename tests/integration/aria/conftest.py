"""ARIA fixtures: the bank, and an app pointed at the local OpenAI-compatible test server.

A test that asks for ``fake_openai`` gets an app whose ``OPENAI_BASE_URL`` is that server
(with an API key, so ARIA is online). ``@pytest.mark.aria_settings(**overrides)`` adjusts
the settings of the test's app (timeouts, quotas, breaker…).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.config import Settings
from tests.conftest import make_settings
from tests.factories.aria import Bank, starter_bank
from tests.factories.people import StudentProfileFactory
from tests.support.api import Actor, Api
from tests.support.fake_openai import FakeOpenAI


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "aria_settings(**overrides): settings of the test's app")


@pytest.fixture()
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture()
def settings(database_url: str, request: pytest.FixtureRequest) -> Settings:
    marker = request.node.get_closest_marker("aria_settings")
    overrides: dict[str, object] = dict(marker.kwargs) if marker else {}
    # These tests sign many users in per minute from 127.0.0.1. With Redis, flask-limiter's
    # module-level Limiter keeps the first app's key prefix for the whole session, so the
    # per-address login counter is shared by every test: lift it (login throttling is tested
    # by the auth suite, not here).
    overrides.setdefault("login_limit_per_address", "100000 per minute")
    if "fake_openai" in request.fixturenames:
        server: FakeOpenAI = request.getfixturevalue("fake_openai")
        overrides.setdefault("openai_api_key", "sk-test-not-a-real-key")
        overrides.setdefault("openai_base_url", server.base_url)
        overrides.setdefault("openai_max_retries", 0)
        overrides.setdefault("openai_timeout_seconds", 5.0)
    return make_settings(database_url, **overrides)


@pytest.fixture()
def bank(session: Session) -> Bank:
    return starter_bank(session)


@pytest.fixture()
def student(api: Api, session: Session) -> Actor:
    actor = api.actor(Role.STUDENT)
    StudentProfileFactory(user_id=actor.id)
    session.commit()
    return actor


@pytest.fixture()
def conversation_id(api: Api, student: Actor) -> int:
    response = api.post("/api/v1/aria/conversations", student, json={})
    assert response.status_code == 201, response.get_json()
    conversation_id: int = response.get_json()["id"]
    return conversation_id

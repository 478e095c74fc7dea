"""Only requests that commit spend the ARIA daily quota: what a refused or failed request
reserved is given back when its transaction rolls back (nexus.db.on_rollback)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import pytest
from flask import Flask
from redis import Redis

from nexus.accounts.roles import Role
from nexus.aria import quotas
from nexus.aria.models import ProviderName, UsageKind
from nexus.aria.providers.base import Usage
from nexus.aria.runtime import AriaRuntime
from nexus.aria.usage import record_usage
from nexus.db import db
from tests.conftest import USES_POSTGRES
from tests.support.api import Actor, Api
from tests.support.services import require_redis

QUOTA = 3


@pytest.fixture(name="redis_client")
def _redis_client() -> Iterator[Redis]:
    client = Redis.from_url(require_redis(), decode_responses=True)
    yield client
    client.close()


def _counters(runtime: AriaRuntime, client: Redis, user_id: int) -> tuple[str | None, ...]:
    keys = quotas._keys(runtime, user_id, quotas.paris_today())  # pylint: disable=protected-access
    return tuple(cast(str | None, client.get(key)) for key in keys)


@pytest.mark.redis
def test_redis_reservations_are_given_back_on_rollback_and_kept_on_commit(
    app: Flask, api: Api, redis_client: Redis
) -> None:
    user = api.create_user(Role.STUDENT)
    runtime = AriaRuntime(app.extensions["settings"], redis_client)
    with app.app_context():
        for _ in range(QUOTA * 5):  # refused after the reservation: rolled back
            quotas.reserve(db.session, runtime, user.id)
            usage = Usage(30, 10)
            record_usage(db.session, runtime, user.id, UsageKind.CHAT, ProviderName.OPENAI, usage)
            db.session.rollback()
        assert _counters(runtime, redis_client, user.id) == ("0", "0")
        quotas.reserve(db.session, runtime, user.id)
        usage = Usage(30, 10)
        record_usage(db.session, runtime, user.id, UsageKind.CHAT, ProviderName.OPENAI, usage)
        db.session.commit()
        db.session.rollback()  # a later rollback does not undo what was committed
        assert _counters(runtime, redis_client, user.id) == ("1", "40")


def test_the_ledger_counts_only_committed_requests(app: Flask, api: Api) -> None:
    user = api.create_user(Role.STUDENT)
    settings = app.extensions["settings"].model_copy(update={"aria_daily_message_quota": QUOTA})
    runtime = AriaRuntime(settings, None)
    with app.app_context():
        for _ in range(QUOTA * 5):
            quotas.reserve(db.session, runtime, user.id)
            usage = Usage(1, 1)
            record_usage(db.session, runtime, user.id, UsageKind.CHAT, ProviderName.OFFLINE, usage)
            db.session.rollback()
        for _ in range(QUOTA):
            quotas.reserve(db.session, runtime, user.id)
            usage = Usage(1, 1)
            record_usage(db.session, runtime, user.id, UsageKind.CHAT, ProviderName.OFFLINE, usage)
            db.session.commit()
        with pytest.raises(quotas.QuotaExceeded):
            quotas.reserve(db.session, runtime, user.id)


@pytest.mark.skipif(
    not USES_POSTGRES, reason="SQLite stores a NUL byte: nothing refuses it after the reservation"
)
def test_fifty_refused_messages_then_a_valid_one_is_answered(
    api: Api, student: Actor, conversation_id: int
) -> None:
    # PostgreSQL refuses a NUL byte in text when the message is written, after the quota was
    # reserved: the request is rolled back with a 422 and must not spend the quota.
    url = f"/api/v1/aria/conversations/{conversation_id}/messages"
    for _ in range(50):  # the default daily quota
        refused = api.post(url, student, json={"content": "Une pile\u0000 ?"})
        assert refused.status_code == 422, refused.get_json()
    answered = api.post(url, student, json={"content": "Qu'est-ce qu'une pile ?"})
    assert answered.status_code == 201, answered.get_json()

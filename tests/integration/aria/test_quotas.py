"""Quota counters: Redis when configured, the database ledger otherwise or when Redis is down."""

from __future__ import annotations

from datetime import datetime

import pytest
from redis import Redis
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.aria import quotas
from nexus.aria.models import ProviderName, UsageKind
from nexus.aria.providers.base import Usage
from nexus.aria.runtime import AriaRuntime
from nexus.aria.usage import record_usage
from tests.conftest import make_settings
from tests.support.api import Api
from tests.support.services import free_port, require_redis


def _runtime(database_url: str, redis: Redis | None, **overrides: object) -> AriaRuntime:
    return AriaRuntime(make_settings(database_url, **overrides), redis)


def _spend(session: Session, runtime: AriaRuntime, user_id: int, n: int, tokens: int) -> None:
    for _ in range(n):
        usage = Usage(tokens, 0)
        record_usage(session, runtime, user_id, UsageKind.CHAT, ProviderName.OPENAI, usage)
    session.commit()


def test_with_redis_down_the_ledger_enforces_the_quota(
    api: Api, session: Session, database_url: str
) -> None:
    user = api.create_user(Role.STUDENT)
    dead = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.2)
    runtime = _runtime(database_url, dead, aria_daily_message_quota=3)
    _spend(session, runtime, user.id, 2, 10)  # add_tokens fails quietly: Redis is down
    quotas.reserve(session, runtime, user.id)  # the 3rd request of the day is fine
    _spend(session, runtime, user.id, 1, 10)
    with pytest.raises(quotas.QuotaExceeded) as refused:
        quotas.reserve(session, runtime, user.id)
    assert refused.value.status == 429
    assert int(refused.value.headers["Retry-After"]) > 0
    dead.close()


def test_without_redis_offline_rows_do_not_count_as_tokens(
    api: Api, session: Session, database_url: str
) -> None:
    user = api.create_user(Role.STUDENT)
    runtime = _runtime(database_url, None, aria_daily_token_quota=100)
    record_usage(session, runtime, user.id, UsageKind.CHAT, ProviderName.OFFLINE, Usage(500, 500))
    assert quotas.database_usage(session, user.id, quotas.paris_today()) == (1, 0)
    quotas.reserve(session, runtime, user.id)
    _spend(session, runtime, user.id, 1, 100)
    with pytest.raises(quotas.QuotaExceeded):
        quotas.reserve(session, runtime, user.id)


@pytest.mark.redis
def test_redis_counters_catch_up_with_the_ledger_and_give_back_refused_requests(
    api: Api, session: Session, database_url: str
) -> None:
    user = api.create_user(Role.STUDENT)
    client = Redis.from_url(require_redis(), decode_responses=True)
    runtime = _runtime(database_url, client, aria_daily_message_quota=3)
    keys = quotas._keys  # pylint: disable=protected-access  # the Redis key layout under test
    messages_key, tokens_key = keys(runtime, user.id, quotas.paris_today())
    try:
        # Two answers were recorded while Redis was away (no counters yet).
        _spend(session, AriaRuntime(runtime.settings, None), user.id, 2, 40)
        quotas.reserve(session, runtime, user.id)
        assert client.get(messages_key) == "3" and client.get(tokens_key) == "80"
        assert client.ttl(messages_key) > 0 and client.ttl(tokens_key) > 0
        with pytest.raises(quotas.QuotaExceeded):
            quotas.reserve(session, runtime, user.id)
        assert client.get(messages_key) == "3"  # the refused request was given back
        quotas.add_tokens(session, runtime, user.id, 20)
        assert client.get(tokens_key) == "100"
    finally:
        client.delete(messages_key, tokens_key)
        client.close()


@pytest.mark.parametrize(
    ("utc", "seconds"),
    [
        ("2026-11-26T22:59:00+00:00", 60),  # 23:59 in Paris (UTC+1)
        ("2026-07-01T21:30:00+00:00", 1800),  # 23:30 in Paris (UTC+2)
        ("2026-03-28T23:00:00+00:00", 23 * 3600),  # midnight, on the 23-hour DST day
    ],
)
def test_retry_after_counts_down_to_paris_midnight(utc: str, seconds: int) -> None:
    assert quotas.seconds_until_paris_midnight(datetime.fromisoformat(utc)) == seconds

"""Per-user daily quotas: ARIA requests and provider tokens, reset at midnight Europe/Paris.

With Redis, counters are shared by every worker and reserved atomically (INCR); what a request
reserved is given back (DECR) if its transaction rolls back (a refusal after the reservation,
a failed commit), so only requests that commit spend the quota. Without
Redis, or while it is down, the usage ledger in the database (``aria_usage``) is counted
instead; the ledger is always written, so the two agree and either can take over.
The token quota counts provider tokens only: offline answers cost nothing.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, date, datetime, timedelta
from typing import cast

from redis import Redis, RedisError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.aria.models import UsageRecord
from nexus.aria.runtime import AriaRuntime
from nexus.clock import PARIS, paris_today
from nexus.db import on_rollback, utcnow
from nexus.errors import ApiError
from nexus.language import _

logger = logging.getLogger("nexus.aria.quotas")


class QuotaExceeded(ApiError):
    status = 429
    code = "aria_quota_exceeded"


def seconds_until_paris_midnight(now: datetime | None = None) -> int:
    now = (now or utcnow()).astimezone(UTC)
    tomorrow = now.astimezone(PARIS).date() + timedelta(days=1)
    midnight = datetime.combine(tomorrow, datetime.min.time(), PARIS)
    # Subtract in UTC: same-zone arithmetic is wall-clock time and ignores DST changes.
    return max(1, math.ceil((midnight.astimezone(UTC) - now).total_seconds()))


def _expire_at(day: date) -> int:
    """Counters outlive their day by an hour (DST-safe), then vanish."""
    midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), PARIS)
    return int(midnight.timestamp()) + 3600


def _keys(runtime: AriaRuntime, user_id: int, day: date) -> tuple[str, str]:
    base = runtime.redis_key(f"aria:quota:{user_id}:{day.isoformat()}")
    return f"{base}:messages", f"{base}:tokens"


def database_usage(session: Session, user_id: int, day: date) -> tuple[int, int]:
    """(requests, provider tokens) recorded today for ``user_id`` in the ledger."""
    billed = UsageRecord.prompt_tokens + UsageRecord.completion_tokens
    row = session.execute(
        select(
            func.count(UsageRecord.id),
            func.coalesce(func.sum(billed).filter(UsageRecord.offline.is_(False)), 0),
        ).where(UsageRecord.user_id == user_id, UsageRecord.day == day)
    ).one()
    return int(row[0]), int(row[1])


def reserve(session: Session, runtime: AriaRuntime, user_id: int) -> None:
    """Count one more ARIA request for today, or raise 429 if a daily quota is spent."""
    day = paris_today()
    if runtime.redis is not None:
        try:
            _reserve_in_redis(session, runtime, runtime.redis, user_id, day)
            return
        except RedisError as exc:
            logger.warning("quota counters unavailable, using the database", exc_info=exc)
    messages, tokens = database_usage(session, user_id, day)
    _check(runtime, messages + 1, tokens)


def _reserve_in_redis(
    session: Session, runtime: AriaRuntime, client: Redis, user_id: int, day: date
) -> None:
    messages_key, tokens_key = _keys(runtime, user_id, day)
    pipe = client.pipeline()
    pipe.incr(messages_key)
    pipe.expireat(messages_key, _expire_at(day))
    pipe.get(tokens_key)
    messages, _expired, raw_tokens = pipe.execute()
    tokens = int(raw_tokens or 0)
    if messages == 1:
        # First request of the day in Redis: catch up with what the ledger saw while Redis
        # was away (or before it was configured).
        recorded, billed = database_usage(session, user_id, day)
        if recorded or billed:
            messages = cast(int, client.incrby(messages_key, recorded))
            tokens = cast(int, client.incrby(tokens_key, billed))
            client.expireat(tokens_key, _expire_at(day))
    try:
        _check(runtime, int(messages), tokens)
    except QuotaExceeded:
        client.decr(messages_key)
        raise
    on_rollback(session, lambda: _give_back(client, messages_key, 1))


# DECRBY only while the counter exists: one that expired (or was reset) stays absent instead
# of coming back negative with no expiry.
_GIVE_BACK = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECRBY', KEYS[1], ARGV[1]) end"
)


def _give_back(client: Redis, key: str, amount: int) -> None:
    try:
        client.eval(_GIVE_BACK, 1, key, amount)
    except RedisError as exc:
        logger.warning("could not give an ARIA quota reservation back", exc_info=exc)


def _check(runtime: AriaRuntime, messages: int, tokens: int) -> None:
    settings = runtime.settings
    retry = {"Retry-After": str(seconds_until_paris_midnight())}
    if messages > settings.aria_daily_message_quota:
        raise QuotaExceeded(
            _(
                "You have reached your daily quota of %(count)s ARIA messages. "
                "It is available again at midnight (Paris time).",
                count=settings.aria_daily_message_quota,
            ),
            headers=retry,
        )
    if tokens >= settings.aria_daily_token_quota:
        raise QuotaExceeded(
            _(
                "You have reached your daily quota of ARIA use (%(count)s tokens). "
                "It is available again at midnight (Paris time).",
                count=settings.aria_daily_token_quota,
            ),
            headers=retry,
        )


def add_tokens(
    session: Session, runtime: AriaRuntime, user_id: int, tokens: int, day: date | None = None
) -> None:
    """Add provider tokens to today's Redis counter (the ledger row is written separately);
    taken back if ``session`` rolls back, like the ledger row."""
    client = runtime.redis
    if client is None or tokens <= 0:
        return
    day = day or paris_today()
    _messages_key, tokens_key = _keys(runtime, user_id, day)
    try:
        pipe = client.pipeline()
        pipe.incrby(tokens_key, tokens)
        pipe.expireat(tokens_key, _expire_at(day))
        pipe.execute()
    except RedisError as exc:
        logger.warning("could not count ARIA tokens in Redis", exc_info=exc)
        return
    on_rollback(session, lambda: _give_back(client, tokens_key, tokens))

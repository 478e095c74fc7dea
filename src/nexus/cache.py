"""A response cache for hot, user-independent reads (content search and lists, offers).

Entries live in Redis when ``REDIS_URL`` is set, shared by every worker; without Redis, in
this process (bounded LRU), but only when this process is the only one serving
(``NEXUS_WORKER_PROCESSES`` = 1, what ``nexus.ops.gunicorn_conf`` exports): two workers with
private caches could not invalidate each other, so there the cache is off.

Invalidation is by generation: each namespace (``content``, ``offers``) has a counter; a
reader reads it *before* querying the database and stores its result under that generation;
a transaction that wrote a watched model (``ContentItem`` -> ``content``, ``Offer`` ->
``offers``) bumps it *after* it commits, whoever wrote (API, CLI, seeders). So a reader that
queried the database before a commit files its result under the old generation, which nobody
reads any more: the next read after a write always sees the write.

Redis failures never fail a request: the cache is bypassed (read from the database) and,
for ``cache_bypass_seconds`` (5 s), not tried again by this process; then it is, and serves again
without a restart. A generation bump that could not reach Redis is retried before this
process next uses the cache. Entries expire after ``cache_ttl_seconds`` (default 30 s): the
bound on staleness in the one case the generations cannot cover (Redis unreachable at the
moment of a write, then back with its old entries, read by another process before the bump
is retried).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from nexus import redis_ext
from nexus.config import Settings
from nexus.db import Database

logger = logging.getLogger("nexus.cache")
EXTENSION_KEY = "nexus.cache"
LOCAL_MAX_ENTRIES = 512
DIRTY_KEY = "nexus.cache.dirty"
# One round trip: the namespace's generation and the entry filed under it.
_READ = """
local generation = redis.call('GET', KEYS[1]) or '0'
return {generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2])}
"""


class ResponseCache:
    """Serialized responses by namespace and key; see the module docstring."""

    def __init__(self, settings: Settings, client: Redis | None) -> None:
        self.ttl = settings.cache_ttl_seconds
        self.bypass_seconds = settings.cache_bypass_seconds
        self.prefix = f"{settings.cache_key_prefix}cache:"
        self.client = client
        self.enabled = settings.cache_ttl_seconds > 0 and (
            client is not None or settings.worker_processes == 1
        )
        self._read = client.register_script(_READ) if client is not None else None
        self._lock = threading.Lock()
        self._local: OrderedDict[tuple[str, int, str], tuple[float, str]] = OrderedDict()
        self._generations: dict[str, int] = {}
        self._pending: set[str] = set()
        self._bypass_until = 0.0

    # --- Redis availability -----------------------------------------------------------------
    def _redis_usable(self) -> bool:
        if time.monotonic() < self._bypass_until:
            return False
        if self._pending:
            self._retry_bumps()
        return not self._pending

    def _redis_failed(self, exc: RedisError) -> None:
        self._bypass_until = time.monotonic() + self.bypass_seconds
        logger.warning(
            "redis unavailable: response cache bypassed for %.0f s",
            self.bypass_seconds,
            extra={"error": type(exc).__name__},
        )

    def _retry_bumps(self) -> None:
        assert self.client is not None  # nosec B101 - only called with Redis
        for namespace in sorted(self._pending):
            try:
                self.client.incr(f"{self.prefix}gen:{namespace}")
            except RedisError as exc:
                self._redis_failed(exc)
                return
            self._pending.discard(namespace)

    # --- Reads and writes ---------------------------------------------------------------------
    def fetch(self, namespace: str, key: str, compute: Callable[[], str]) -> str:
        """The cached value, or ``compute()`` stored under the generation read before it."""
        if not self.enabled:
            return compute()
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        if self.client is None:
            return self._fetch_local(namespace, digest, compute)
        if not self._redis_usable():
            return compute()
        assert self._read is not None  # nosec B101 - set with the client
        try:
            generation, cached = self._read(
                keys=[f"{self.prefix}gen:{namespace}"],
                args=[f"{self.prefix}{namespace}:", digest],
            )
        except RedisError as exc:
            self._redis_failed(exc)
            return compute()
        if cached is not None:
            return str(cached)
        value = compute()
        try:
            self.client.set(f"{self.prefix}{namespace}:{generation}:{digest}", value, ex=self.ttl)
        except RedisError as exc:
            self._redis_failed(exc)
        return value

    def _fetch_local(self, namespace: str, digest: str, compute: Callable[[], str]) -> str:
        now = time.monotonic()
        with self._lock:
            generation = self._generations.get(namespace, 0)
            entry_key = (namespace, generation, digest)
            found = self._local.get(entry_key)
            if found is not None and found[0] > now:
                self._local.move_to_end(entry_key)
                return found[1]
        value = compute()
        with self._lock:
            self._local[entry_key] = (now + self.ttl, value)
            self._local.move_to_end(entry_key)
            while len(self._local) > LOCAL_MAX_ENTRIES:
                self._local.popitem(last=False)
        return value

    def bump(self, namespace: str) -> None:
        """Make every entry of ``namespace`` unreachable (call once the write is committed)."""
        if self.client is None:
            with self._lock:
                self._generations[namespace] = self._generations.get(namespace, 0) + 1
                for stale in [k for k in self._local if k[0] == namespace]:
                    del self._local[stale]
            return
        try:
            self.client.incr(f"{self.prefix}gen:{namespace}")
        except RedisError as exc:
            self._pending.add(namespace)
            self._redis_failed(exc)


def _watched() -> dict[type, str]:
    """Which models each namespace is computed from: a change to one of them bumps it."""
    from nexus.content.models import ContentItem
    from nexus.offers.models import Offer

    return {ContentItem: "content", Offer: "offers"}


def _watch_writes(cache: ResponseCache, factory: sessionmaker[Session]) -> None:
    """Bump a namespace after any committed transaction that flushed one of its models.

    Listening on the session factory catches every writer (the API, the CLI, the demo
    seeders) without the services having to remember the cache.
    """
    watched = _watched()

    @event.listens_for(factory, "after_flush")
    def _note(session: Session, _context: Any) -> None:
        dirty: set[str] = session.info.setdefault(DIRTY_KEY, set())
        for obj in (*session.new, *session.dirty, *session.deleted):
            namespace = watched.get(type(obj))
            if namespace is not None:
                dirty.add(namespace)

    @event.listens_for(factory, "after_commit")
    def _bump(session: Session) -> None:
        for namespace in sorted(session.info.pop(DIRTY_KEY, ())):
            cache.bump(namespace)

    @event.listens_for(factory, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(DIRTY_KEY, None)


def init_app(app: Flask, settings: Settings) -> None:
    cache = ResponseCache(settings, redis_ext.get_redis(app))
    app.extensions[EXTENSION_KEY] = cache
    _watch_writes(cache, Database.factory_for(app))


def get_cache(app: Flask | None = None) -> ResponseCache:
    cache: ResponseCache = (app if app is not None else current_app).extensions[EXTENSION_KEY]
    return cache


def cached_json(namespace: str, key: str, compute: Callable[[], str]) -> str:
    return get_cache().fetch(namespace, key, compute)


def key_of(*parts: Any) -> str:
    return "|".join(str(p) for p in parts)

"""A response cache for hot reads: content search and lists, offers, the student's dashboard.

Entries live in Redis when ``REDIS_URL`` is set, shared by every worker; without Redis, in
this process (bounded LRU), but only when this process is the only one serving
(``NEXUS_WORKER_PROCESSES`` = 1, what ``nexus.ops.gunicorn_conf`` exports): two workers with
private caches could not invalidate each other, so there the cache is off.

Invalidation is by generation: each namespace (``content``, ``offers``, ``dashboards``) has a
counter, and so may each *scope* of a namespace (``dashboards`` / ``student:42``: what one
student's writes change); a reader reads the counters of its namespace and of the scopes its
answer shows (a parent's dashboard: the family's and each child's) *before* querying the
database and stores its result under them; a transaction that wrote a watched
model bumps them *after* it commits, whoever wrote (API, CLI, seeders). So a reader that
queried the database before a commit files its result under the old generations, which nobody
reads any more: the next read after a write always sees the write.

Which writes touch which scope is said once per model, by the domain that owns the cached read
(its ``freshness`` module's ``WATCHES``); the application hands them over at start-up
(:func:`init_app`), so that this module knows no domain. A bulk ``UPDATE`` or
``DELETE`` through the session is watched too: it bumps the scopes it declares with
:func:`touching`, and, when it declares none, the whole namespace of its model (never stale,
at worst a cold cache).

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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Protocol, TypeAlias

from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from nexus import redis_ext
from nexus.config import Settings
from nexus.db import Database

logger = logging.getLogger("nexus.cache")
EXTENSION_KEY = "nexus.cache"
LOCAL_MAX_ENTRIES = 512
LOCAL_MAX_GENERATIONS = 4096
DIRTY_KEY = "nexus.cache.dirty"
SCOPES_OPTION = "nexus_cache_scopes"
ROWS_OPTION = "nexus_cache_rows"
# What a write touches: a namespace and one of its scopes, or the whole namespace (None).
Touched: TypeAlias = tuple[str, str | None]
# One round trip: the generations (namespace, then scopes) and the entry filed under them; first,
# with ARGV[3] = '1', whether KEYS[1] exists (a pending revocation check, see PendingCheck).
_READ = """
local first = 1
if ARGV[3] == '1' then
  if redis.call('EXISTS', KEYS[1]) == 1 then return {'revoked'} end
  first = 2
end
local generations = {}
for i = first, #KEYS do generations[#generations + 1] = redis.call('GET', KEYS[i]) or '0' end
local stamp = table.concat(generations, '.')
return {stamp, redis.call('GET', ARGV[1] .. stamp .. ':' .. ARGV[2])}
"""


class PendingCheck(Protocol):
    """A check this request still owes, that the cache's round trip can make: a key whose
    existence means "refuse" (``nexus.accounts.revocation``)."""

    def pending_key(self) -> str | None: ...

    def settle(self, refused: bool) -> None: ...


class ResponseCache:
    """Serialized responses by namespace and key; see the module docstring."""

    pending_check: PendingCheck | None = None

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
        self._local: OrderedDict[tuple[str, str, str], tuple[float, str]] = OrderedDict()
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
        for counter in sorted(self._pending):
            try:
                self.client.incr(f"{self.prefix}gen:{counter}")
            except RedisError as exc:
                self._redis_failed(exc)
                return
            self._pending.discard(counter)

    # --- Reads and writes ---------------------------------------------------------------------
    def fetch(self, namespace: str, key: str, compute: Callable[[], str]) -> str:
        """The cached value, or ``compute()`` stored under the generations read before it."""
        return self.fetch_expiring(namespace, key, lambda: (compute(), None))

    def fetch_expiring(
        self,
        namespace: str,
        key: str,
        compute: Callable[[], tuple[str, float | None]],
        *,
        scopes: Sequence[str] = (),
    ) -> str:
        """Like :meth:`fetch`, for a value that ``compute`` says is true for at most that many
        seconds (``None``: until a write), whatever the cache's own lifetime, and that changes
        with the writes to ``scopes`` as well as to the whole namespace. ``key`` must tell
        apart two values whose scopes differ."""
        if not self.enabled:
            return compute()[0]
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        counters = _counters(namespace, *scopes)
        if self.client is None:
            return self._fetch_local(namespace, counters, digest, compute)
        if not self._redis_usable():
            return compute()[0]
        assert self._read is not None  # nosec B101 - set with the client
        keys = [f"{self.prefix}gen:{counter}" for counter in counters]
        pending = self.pending_check.pending_key() if self.pending_check is not None else None
        try:
            found = self._read(
                keys=keys if pending is None else [pending, *keys],
                args=[f"{self.prefix}{namespace}:", digest, "0" if pending is None else "1"],
            )
        except RedisError as exc:
            self._redis_failed(exc)
            return compute()[0]
        if pending is not None and self.pending_check is not None:
            self.pending_check.settle(len(found) == 1)
        stamp, cached = found
        if cached is not None:
            return str(cached)
        value, lifetime = compute()
        seconds = self._lifetime(lifetime)
        if seconds > 0:
            try:
                self.client.set(
                    f"{self.prefix}{namespace}:{_text(stamp)}:{digest}", value, px=seconds
                )
            except RedisError as exc:
                self._redis_failed(exc)
        return value

    def _lifetime(self, lifetime: float | None) -> int:
        """Milliseconds an entry may live: the cache's TTL, shortened by the value's own."""
        bound = self.ttl if lifetime is None else min(self.ttl, lifetime)
        return max(0, int(bound * 1000))

    def _fetch_local(
        self,
        namespace: str,
        counters: Sequence[str],
        digest: str,
        compute: Callable[[], tuple[str, float | None]],
    ) -> str:
        now = time.monotonic()
        with self._lock:
            stamp = ".".join(str(self._generations.get(c, 0)) for c in counters)
            entry_key = (namespace, stamp, digest)
            found = self._local.get(entry_key)
            if found is not None and found[0] > now:
                self._local.move_to_end(entry_key)
                return found[1]
        value, lifetime = compute()
        seconds = self._lifetime(lifetime) / 1000
        if seconds <= 0:
            return value
        with self._lock:
            self._local[entry_key] = (now + seconds, value)
            self._local.move_to_end(entry_key)
            while len(self._local) > LOCAL_MAX_ENTRIES:
                self._local.popitem(last=False)
        return value

    def bump(self, namespace: str, scope: str | None = None) -> None:
        """Make the entries of ``namespace`` (of one of its scopes, if given) unreachable; call
        once the write is committed."""
        self.bump_all([(namespace, scope)])

    def bump_all(self, touched: Iterable[Touched]) -> None:
        """:meth:`bump` for each, in one round trip to Redis."""
        bumps = [
            (namespace, scope, _counters(namespace, scope)[-1]) for namespace, scope in touched
        ]
        if self.client is None:
            for namespace, scope, counter in bumps:
                self._bump_local(namespace, counter, scope)
            return
        if not bumps:
            return
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for _namespace, _scope, counter in bumps:
                    pipe.incr(f"{self.prefix}gen:{counter}")
                pipe.execute()
        except RedisError as exc:
            self._pending.update(counter for _namespace, _scope, counter in bumps)
            self._redis_failed(exc)

    def _bump_local(self, namespace: str, counter: str, scope: str | None) -> None:
        with self._lock:
            self._generations[counter] = self._generations.get(counter, 0) + 1
            if scope is not None and len(self._generations) <= LOCAL_MAX_GENERATIONS:
                return  # the scope's entries are unreachable; the LRU drops them
            if scope is not None:  # too many scopes remembered: start the namespace afresh
                self._generations = {c: g for c, g in self._generations.items() if ":" not in c}
                self._generations[namespace] = self._generations.get(namespace, 0) + 1
            for stale in [k for k in self._local if k[0] == namespace]:
                del self._local[stale]


def _counters(namespace: str, *scopes: str | None) -> tuple[str, ...]:
    """The generation counters of a namespace, then of each of its scopes given."""
    return (namespace, *(f"{namespace}:{scope}" for scope in scopes if scope is not None))


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def touching(*touched: Touched) -> dict[str, tuple[Touched, ...]]:
    """Execution options for a bulk UPDATE/DELETE: the cache scopes it changes (none: ``()``),
    so that it does not have to bump its model's whole namespaces."""
    return {SCOPES_OPTION: tuple(touched)}


def touching_rows(**columns: Any) -> dict[str, Mapping[str, Any]]:
    """Execution options for a bulk UPDATE/DELETE of rows that share these column values
    (``student_id=7``): each watch of the model reads its scopes from them, as from a flushed
    object, so that the statement names its own rows, not the scopes of the reads above it.
    A watch of such a model must need no more than these columns."""
    return {ROWS_OPTION: dict(columns)}


@dataclass(frozen=True)
class Watch:
    """A model whose writes change the cached reads of ``namespace``: ``scopes`` says which
    scopes a flushed object touches (``None`` in it: the whole namespace)."""

    namespace: str
    scopes: Callable[[Any, Session], Iterable[str | None]] = lambda _obj, _session: (None,)

    def touched(self, obj: Any, session: Session) -> Iterable[Touched]:
        return ((self.namespace, scope) for scope in self.scopes(obj, session))


Watches: TypeAlias = Mapping[type, Watch]


def _watched(watches: Iterable[Watches]) -> dict[type, list[Watch]]:
    """What each model's writes touch: a change to one of them bumps those generations."""
    watched: dict[type, list[Watch]] = {}
    for owned in watches:
        for model, watch in owned.items():
            watched.setdefault(model, []).append(watch)
    return watched


def _bulk_touches(state: ORMExecuteState, watched: dict[type, list[Watch]]) -> set[Touched]:
    """What a bulk UPDATE/DELETE touches: what it declares (scopes, or its rows' columns), else
    its model's namespaces."""
    declared = state.execution_options.get(SCOPES_OPTION)
    if declared is not None:
        return set(declared)
    mapper = state.bind_mapper
    watches = watched.get(mapper.class_, []) if mapper is not None else []
    rows = state.execution_options.get(ROWS_OPTION)
    if rows is not None:
        stand_in = SimpleNamespace(**rows)
        return {touched for watch in watches for touched in watch.touched(stand_in, state.session)}
    return {(watch.namespace, None) for watch in watches}


def _watch_writes(
    cache: ResponseCache, factory: sessionmaker[Session], watches: Iterable[Watches]
) -> None:
    """Bump the generations a committed transaction touched, flushed objects and bulk
    statements alike.

    Listening on the session factory catches every writer (the API, the CLI, the demo
    seeders) without the services having to remember the cache.
    """
    watched = _watched(watches)

    @event.listens_for(factory, "after_flush")
    def _note(session: Session, _context: Any) -> None:
        dirty: set[Touched] = session.info.setdefault(DIRTY_KEY, set())
        for obj in (*session.new, *session.dirty, *session.deleted):
            for watch in watched.get(type(obj), ()):
                dirty.update(watch.touched(obj, session))

    @event.listens_for(factory, "do_orm_execute")
    def _note_bulk(state: ORMExecuteState) -> None:
        if state.is_update or state.is_delete:
            touched = _bulk_touches(state, watched)
            if touched:
                state.session.info.setdefault(DIRTY_KEY, set()).update(touched)

    @event.listens_for(factory, "after_commit")
    def _bump(session: Session) -> None:
        touched: set[Touched] = session.info.pop(DIRTY_KEY, set())
        wholes = {namespace for namespace, scope in touched if scope is None}
        cache.bump_all(
            sorted(
                (t for t in touched if t[1] is None or t[0] not in wholes),
                key=lambda t: (t[0], t[1] or ""),
            )
        )

    @event.listens_for(factory, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(DIRTY_KEY, None)


def init_app(app: Flask, settings: Settings, watches: Iterable[Watches] = ()) -> None:
    """The app's cache; ``watches``: each domain's models whose writes change its cached reads."""
    cache = ResponseCache(settings, redis_ext.get_redis(app))
    app.extensions[EXTENSION_KEY] = cache
    _watch_writes(cache, Database.factory_for(app), watches)


def get_cache(app: Flask | None = None) -> ResponseCache:
    cache: ResponseCache = (app if app is not None else current_app).extensions[EXTENSION_KEY]
    return cache


def cached_json(namespace: str, key: str, compute: Callable[[], str]) -> str:
    return get_cache().fetch(namespace, key, compute)


def cached_expiring_json(
    namespace: str,
    scopes: Sequence[str],
    key: str,
    compute: Callable[[], tuple[str, float | None]],
) -> str:
    return get_cache().fetch_expiring(namespace, key, compute, scopes=scopes)


def key_of(*parts: Any) -> str:
    return "|".join(str(p) for p in parts)

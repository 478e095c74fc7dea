"""Where revoked sessions are looked up on every signed-in request, and kept.

The database is the record (``AuthSession.revoked_at``). With Redis, revocations are also
written there and the check is one ``EXISTS`` (falling back to the database while Redis is
down). A revocation Redis could not take is kept by this process and written to Redis before
its next check, so a logout during an outage still holds once Redis is back.

Optionally (``revocation_cache_seconds`` > 0; off by default, so that a logout holds at once in
every worker), each process remembers for that long the sessions it found *not* revoked and
skips the lookup for them: a revocation made by this process (logout, reuse detection,
deactivation, erasure) forgets the session at once; one made by another worker is seen here at
most that many seconds later. The lookup it saves is one Redis ``EXISTS`` (~0.1 ms).

A route whose first step is a read of the response cache (``@allow(..., cached_read=True)``)
does not pay that round trip either: the check is left pending (:meth:`check_later`) and the
cache's own script looks the key up in the same round trip (:meth:`pending_key`,
:meth:`settle`). Whatever path the request takes instead (no Redis, Redis failing, the cache
off, a view that never reads the cache), the check is made before the response leaves
(:meth:`settle_now`, from the permission layer's ``after_request``): a revoked session never
gets a 200.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app, g
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus import cache, redis_ext
from nexus.accounts.models import AuthSession
from nexus.config import Settings
from nexus.errors import Unauthorized
from nexus.language import _

logger = logging.getLogger("nexus.auth")
EXTENSION_KEY = "nexus.revocation"
MAX_REMEMBERED = 10_000
_PENDING = "nexus_unchecked_session"


def revoked_error() -> Unauthorized:
    return Unauthorized(_("The session has been revoked."), code="token_revoked")


class RevocationCheck:
    def __init__(self, settings: Settings) -> None:
        self.ttl = settings.revocation_cache_seconds
        self.keep_seconds = settings.refresh_token_ttl_seconds
        self._lock = threading.Lock()
        self._valid: OrderedDict[str, float] = OrderedDict()
        self._unsent: dict[str, str] = {}

    def _key(self, session_id: str) -> str:
        return redis_ext.key(f"revoked-session:{session_id}")

    def remember_valid(self, session_id: str) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            self._valid[session_id] = time.monotonic() + self.ttl
            self._valid.move_to_end(session_id)
            while len(self._valid) > MAX_REMEMBERED:
                self._valid.popitem(last=False)

    def known_valid(self, session_id: str) -> bool:
        with self._lock:
            until = self._valid.get(session_id)
            if until is None:
                return False
            if until > time.monotonic():
                return True
            del self._valid[session_id]
            return False

    def revoked(self, session_id: str, reason: str) -> None:
        """Record in Redis (when configured) a revocation the caller writes to the database."""
        with self._lock:
            self._valid.pop(session_id, None)
        client = redis_ext.get_redis()
        if client is None:
            return
        try:
            client.set(self._key(session_id), reason, ex=self.keep_seconds)
        except RedisError:
            logger.warning("redis unavailable: revocation kept in the database, resent later")
            with self._lock:
                self._unsent[session_id] = reason

    def _send_unsent(self) -> None:
        client = redis_ext.get_redis()
        assert client is not None  # nosec B101 - only called with Redis
        with self._lock:
            unsent = dict(self._unsent)
        for session_id, reason in unsent.items():
            client.set(self._key(session_id), reason, ex=self.keep_seconds)
            with self._lock:
                self._unsent.pop(session_id, None)

    def is_revoked(self, session: Callable[[], Session], session_id: str) -> bool:
        if self.known_valid(session_id):
            return False
        revoked = self._lookup(session, session_id)
        if not revoked:
            self.remember_valid(session_id)
        return revoked

    # --- A check made by the response cache's round trip ------------------------------------
    def check_later(self, session: Callable[[], Session], session_id: str) -> None:
        """Leave the check to this request's cache read when it can make it (see above)."""
        if self.known_valid(session_id):
            return
        if self._unsent or redis_ext.get_redis() is None:
            if self.is_revoked(session, session_id):
                raise revoked_error()
            return
        setattr(g, _PENDING, session_id)

    def pending_key(self) -> str | None:
        """The Redis key the cache's script must look up first, if a check is pending."""
        session_id: str | None = g.get(_PENDING)
        return self._key(session_id) if session_id is not None else None

    def settle(self, refused: bool) -> None:
        """What the cache's script found for :meth:`pending_key`; 401 if revoked."""
        session_id: str | None = g.pop(_PENDING, None)
        if refused:
            raise revoked_error()
        if session_id is not None:
            self.remember_valid(session_id)

    def settle_now(self, session: Callable[[], Session]) -> None:
        """Make a pending check now (the cache did not); 401 if revoked."""
        session_id: str | None = g.pop(_PENDING, None)
        if session_id is not None and self.is_revoked(session, session_id):
            raise revoked_error()

    def _lookup(self, session: Callable[[], Session], session_id: str) -> bool:
        client = redis_ext.get_redis()
        if client is not None:
            try:
                if self._unsent:
                    self._send_unsent()
                return bool(client.exists(self._key(session_id)))
            except RedisError:
                logger.warning("redis unavailable: checking revocation in the database")
        revoked_at = session().scalar(
            select(AuthSession.revoked_at).where(AuthSession.id == session_id)
        )
        return revoked_at is not None


def init_app(app: Flask, settings: Settings) -> None:
    check = RevocationCheck(settings)
    app.extensions[EXTENSION_KEY] = check
    cache.get_cache(app).pending_check = check


def get_check() -> RevocationCheck:
    check: RevocationCheck = current_app.extensions[EXTENSION_KEY]
    return check

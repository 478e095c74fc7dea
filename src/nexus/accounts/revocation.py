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
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus import redis_ext
from nexus.accounts.models import AuthSession
from nexus.config import Settings

logger = logging.getLogger("nexus.auth")
EXTENSION_KEY = "nexus.revocation"
MAX_REMEMBERED = 10_000


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

    def is_revoked(self, session: Session, session_id: str) -> bool:
        if self.known_valid(session_id):
            return False
        revoked = self._lookup(session, session_id)
        if not revoked:
            self.remember_valid(session_id)
        return revoked

    def _lookup(self, session: Session, session_id: str) -> bool:
        client = redis_ext.get_redis()
        if client is not None:
            try:
                if self._unsent:
                    self._send_unsent()
                return bool(client.exists(self._key(session_id)))
            except RedisError:
                logger.warning("redis unavailable: checking revocation in the database")
        revoked_at = session.scalar(
            select(AuthSession.revoked_at).where(AuthSession.id == session_id)
        )
        return revoked_at is not None


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[EXTENSION_KEY] = RevocationCheck(settings)


def get_check() -> RevocationCheck:
    check: RevocationCheck = current_app.extensions[EXTENSION_KEY]
    return check

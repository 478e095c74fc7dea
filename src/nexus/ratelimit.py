"""Flask-Limiter, Redis-backed when ``REDIS_URL`` is set, in-process otherwise.

When Redis goes away the limiter falls back to in-process counters instead of failing
requests, and returns to Redis once it answers again.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from nexus.config import Settings


def client_address() -> str:
    return get_remote_address() or "unknown"


def login_account_key() -> str:
    """Throttle per account: the e-mail of the attempt, whatever address it comes from."""
    payload = request.get_json(silent=True)
    email = payload.get("email") if isinstance(payload, dict) else None
    return f"account:{str(email).strip().lower()}" if email else f"address:{client_address()}"


limiter = Limiter(key_func=client_address)


def init_app(app: Flask, settings: Settings) -> None:
    app.config.update(
        RATELIMIT_STORAGE_URI=settings.redis_url or "memory://",
        RATELIMIT_STORAGE_OPTIONS=(
            {"socket_timeout": 0.5, "socket_connect_timeout": 0.5} if settings.redis_url else {}
        ),
        RATELIMIT_STRATEGY="moving-window",
        RATELIMIT_HEADERS_ENABLED=True,
        RATELIMIT_SWALLOW_ERRORS=True,
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_KEY_PREFIX=f"{settings.cache_key_prefix}ratelimit",
    )
    # The limiter is module-global (views decorate with it) and flask-limiter keeps the first
    # app's key prefix for good: reset it so every app (every test) counts under its own.
    limiter._key_prefix = ""  # pylint: disable=protected-access
    limiter.init_app(app)

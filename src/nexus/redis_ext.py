"""The optional Redis connection (``REDIS_URL``); ``None`` when the service runs embedded."""

from __future__ import annotations

from flask import Flask, current_app
from redis import Redis

from nexus.config import Settings

EXTENSION_KEY = "nexus.redis"


def init_app(app: Flask, settings: Settings) -> None:
    client: Redis | None = None
    if settings.redis_url:
        client = Redis.from_url(
            settings.redis_url,
            socket_timeout=0.5,
            socket_connect_timeout=0.5,
            health_check_interval=15,
            decode_responses=True,
        )
    app.extensions[EXTENSION_KEY] = client


def get_redis(app: Flask | None = None) -> Redis | None:
    target = app if app is not None else current_app
    client: Redis | None = target.extensions.get(EXTENSION_KEY)
    return client


def key(name: str, app: Flask | None = None) -> str:
    """Namespace a Redis key with the configured prefix (tests use one per app)."""
    target = app if app is not None else current_app
    settings: Settings = target.extensions["settings"]
    return f"{settings.cache_key_prefix}{name}"

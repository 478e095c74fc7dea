"""Reaching the real PostgreSQL and Redis the suite needs.

A test that needs one of them and cannot reach it FAILS when ``CI=true`` and is skipped with a
loud reason elsewhere (a laptop without PostgreSQL can still run the rest of the suite).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def unavailable(what: str, detail: str) -> None:
    message = f"{what} is not reachable ({detail})"
    if IN_CI:
        pytest.fail(f"{message}: CI must provide it", pytrace=False)
    pytest.skip(f"SKIPPED LOUDLY: {message}; start it to run this test")


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1).replace(
        "postgres://", "postgresql://", 1
    )


def postgres_server_url() -> str:
    """The server the suite may create databases on (DATABASE_URL when it is PostgreSQL)."""
    env = os.environ.get("DATABASE_URL", "")
    if env.startswith(("postgres", "postgresql")):
        return _plain(env)
    return _plain(os.environ.get("NEXUS_TEST_POSTGRES_URL", DEFAULT_POSTGRES))


def redis_server_url() -> str:
    return os.environ.get("REDIS_URL") or os.environ.get("NEXUS_TEST_REDIS_URL", DEFAULT_REDIS)


def _postgres_url_source() -> str:
    if os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        return "DATABASE_URL"
    if "NEXUS_TEST_POSTGRES_URL" in os.environ:
        return "NEXUS_TEST_POSTGRES_URL"
    return "the default URL; set NEXUS_TEST_POSTGRES_URL"


def require_postgres() -> str:
    url = postgres_server_url()
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        # The user and where the URL came from, never the password: a CI log names the fix.
        parts = urlsplit(url)
        where = f"{parts.username}@{parts.hostname}:{parts.port} from {_postgres_url_source()}"
        unavailable("PostgreSQL", f"{where}: {exc}".strip())
    return url


def require_redis() -> str:
    import redis

    url = redis_server_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        unavailable("Redis", f"{url}: {exc}")
    return url


@contextmanager
def scratch_database(server_url: str, prefix: str = "nexus_test") -> Iterator[str]:
    """A fresh PostgreSQL database for the duration of the block; its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(server_url)
    url = urlunsplit(parts._replace(path=f"/{name}", scheme="postgresql+psycopg"))
    try:
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port

"""The app of the round-trip measurement behind its counting proxies, served over HTTP.

:func:`served_app` creates a scratch database on the PostgreSQL server given (migrated, then
``nexus seed-demo --large`` with :data:`SEED`) and a private key prefix on the Redis server
given; builds the real ``create_app`` with production settings (the environment is NOT read:
the figures do not depend on who runs them) and its own engine and pool, whose PostgreSQL and
Redis connections go through the proxies of ``tests/support/wire_count.py``; and serves it on
loopback. :meth:`Rig.measure` resets the counters, makes one request and reads them once the
server has finished with it (response closed, teardown and pool check-in done).
"""

from __future__ import annotations

import secrets
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Flask
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from werkzeug.wsgi import ClosingIterator

from nexus.config import Settings
from tests.support.wire_count import PostgresFrontend, RedisFrontend, Tally, WireProxy

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
# A small large-seed: enough for every role's screens, a few seconds to create.
SEED = {"students": 50, "sessions": 1000, "assessments": 2500}
DOMAIN = "demo-large.nexus-reussite.fr"
PASSWORD = "Demo2026!large"  # the large seed's documented demo password  # nosec B105
SERVICES = ("postgres", "redis")
JsonDict = dict[str, Any]


class IsolatedSettings(Settings):
    """Settings from the arguments only: a developer's OPENAI_API_KEY or REVOCATION_CACHE_SECONDS
    must neither change the figures nor send anything off this machine."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


@dataclass(frozen=True)
class Measured:
    group: str
    status: int
    postgres: Tally
    redis: Tally

    def budget(self) -> JsonDict:
        return {"postgres": self.postgres.budget(), "redis": self.redis.budget()}


class InFlight:
    """WSGI middleware: how many requests the server has not finished (body closed)."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self._count = 0
        self._idle = threading.Condition()

    def __call__(self, environ: Any, start_response: Any) -> Any:
        with self._idle:
            self._count += 1
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._done()
            raise
        return ClosingIterator(body, self._done)

    def _done(self) -> None:
        with self._idle:
            self._count -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 60) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._count == 0, timeout):
                raise RuntimeError("round trips: the server did not finish a request")


def through(url: str, port: int, **query: str) -> str:
    """``url`` with its host and port replaced by the proxy's (credentials, path kept)."""
    parts = urlsplit(url)
    auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    extra = urlencode(query)
    joined = "&".join(q for q in (parts.query, extra) if q)
    return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{port}", query=joined))


def _loopback(url: str, what: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"round trips: {what} must be on this machine, not {parts.hostname!r}")
    return parts.hostname, parts.port or (5432 if what == "PostgreSQL" else 6379)


class Rig:
    """The app behind the proxies, served over HTTP; one measured request at a time."""

    def __init__(
        self, app: Flask, base_url: str, in_flight: InFlight, pg: WireProxy, redis: WireProxy
    ) -> None:
        self.app, self.base_url, self.in_flight = app, base_url, in_flight
        self.pg, self.redis = pg, redis
        self.results: dict[str, Measured] = {}
        self.last_status = 0

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        body: Any = None,
        expect: Iterable[int] = (200,),
    ) -> Any:
        from tests.support.http import request

        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = request(method, f"{self.base_url}{path}", body, headers, timeout=60)
        self.in_flight.wait_idle()
        if response.status_code not in tuple(expect):
            raise RuntimeError(
                f"round trips: {method} {path} -> {response.status_code}: {response.body[:300]!r}"
            )
        self.last_status = response.status_code
        if response.headers.get("Content-Type", "").startswith("application/json"):
            return response.json()
        return response.body

    def measure(
        self,
        group: str,
        method: str,
        path: str,
        token: str | None = None,
        body: Any = None,
        expect: Iterable[int] = (200,),
    ) -> Any:
        self.in_flight.wait_idle()
        self.pg.reset()
        self.redis.reset()
        answer = self.call(method, path, token, body, expect)
        self.results[group] = Measured(group, self.last_status, self.pg.tally(), self.redis.tally())
        return answer


def _settings(database_url: str, redis_url: str, prefix: str) -> Settings:
    return IsolatedSettings(
        NEXUS_ENV="production",
        secret_key=secrets.token_urlsafe(48),
        database_url=database_url,
        redis_url=redis_url,
        cache_key_prefix=prefix,
        # What gunicorn_conf exports for the default 2 workers (the cache and the limiter
        # choose their storage by it).
        NEXUS_WORKER_PROCESSES=2,
        log_level="WARNING",
    )


def _seed(app: Flask, seed: dict[str, int]) -> None:
    args = ["seed-demo", "--large", *(f"--{k}={v}" for k, v in seed.items())]
    done = app.test_cli_runner().invoke(args=args)
    if done.exit_code != 0:
        raise RuntimeError(f"round trips: nexus {' '.join(args)} failed:\n{done.output}")


def _forget(redis_url: str, prefix: str) -> None:
    import redis

    from tests.support.redis_keys import forget_prefix

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        forget_prefix(client, prefix)
    finally:
        client.close()


def _close_clients(app: Flask) -> None:
    from nexus.db import Database
    from tests.support.redis_server import close_redis_clients

    close_redis_clients(app)
    Database.engine_for(app).dispose()


@contextmanager
def served_app(postgres_server: str, redis_url: str, seed: dict[str, int]) -> Iterator[Rig]:
    from nexus import create_app
    from nexus.migrations import runner
    from tests.support.services import scratch_database
    from tests.support.threaded_server import serve_in_thread

    pg_host, pg_port = _loopback(postgres_server, "PostgreSQL")
    redis_host, redis_port = _loopback(redis_url, "Redis")
    prefix = f"nexus-rt-{uuid.uuid4().hex[:8]}:"
    with ExitStack() as stack:
        database = stack.enter_context(scratch_database(postgres_server, prefix="nexus_rt"))
        stack.callback(_forget, redis_url, prefix)
        runner.upgrade(_settings(database, redis_url, prefix))
        pg = stack.enter_context(WireProxy(pg_host, pg_port, PostgresFrontend))
        redis = stack.enter_context(WireProxy(redis_host, redis_port, RedisFrontend))
        # No TLS or GSS negotiation: the proxy reads the protocol in the clear (loopback).
        settings = _settings(
            through(database, pg.port, sslmode="disable", gssencmode="disable"),
            through(redis_url, redis.port),
            prefix,
        )
        app = create_app(settings)
        stack.callback(_close_clients, app)
        # A pooled connection idle for 10 s is pinged first (nexus.db): that depends on the
        # machine's pauses, not on the request, so the pins count requests without it.
        db_module = sys.modules["nexus.db"]
        stack.callback(
            setattr, db_module, "PING_AFTER_IDLE_SECONDS", db_module.PING_AFTER_IDLE_SECONDS
        )
        db_module.PING_AFTER_IDLE_SECONDS = float("inf")
        started = time.monotonic()
        _seed(app, seed)
        print(f"round trips: seeded in {time.monotonic() - started:.1f} s", file=sys.stderr)
        in_flight = InFlight(app.wsgi_app)
        app.wsgi_app = in_flight  # type: ignore[method-assign]
        base_url = stack.enter_context(serve_in_thread(app))
        yield Rig(app, base_url, in_flight, pg, redis)

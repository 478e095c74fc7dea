"""The database, Redis and seeded data a performance run works against (loopback only).

``DATABASE_URL`` is used as given for the main phase (it must be PostgreSQL: production refuses
SQLite); unset, a scratch ``nexus_perf_<random>`` database is created on
``PERF_POSTGRES_SERVER`` (``postgresql://postgres@127.0.0.1:5432``) and dropped afterwards. The
scale phase always seeds a scratch database of its own, on the server of ``DATABASE_URL`` when
it is set (its role needs ``CREATEDB``), and drops it afterwards. ``REDIS_URL`` (default
``redis://127.0.0.1:6379/0``) gets a key prefix of its own, whose keys are deleted afterwards.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
from psycopg import sql

from tests.support.redis_keys import forget_prefix

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
DOMAIN = "demo-large.nexus-reussite.fr"
PASSWORD = "Demo2026!large"  # the large seed's documented demo password  # nosec B105
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class PerfEnvironment:
    database_url: str
    redis_url: str
    key_prefix: str
    secret_key: str
    students: int
    parents: int
    teachers: int
    seed_seconds: float = 0.0

    def server_env(self) -> dict[str, str]:
        """Production settings for the server; the load-test-only overrides are commented."""
        return {
            "NEXUS_ENV": "production",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CACHE_KEY_PREFIX": self.key_prefix,
            # All the load comes from 127.0.0.1: the per-address login limit (30 a minute, there
            # against password spraying from one address) would throttle the ramp-up. The
            # per-account limit stays: every simulated user has an account of its own.
            "LOGIN_LIMIT_PER_ADDRESS": os.environ.get(
                "LOGIN_LIMIT_PER_ADDRESS", "100000 per minute"
            ),
            # Simulated students ask ARIA far more often than the 50 questions a day real ones
            # may; long runs would otherwise measure 429s.
            "ARIA_DAILY_MESSAGE_QUOTA": "1000000",
            "ARIA_DAILY_TOKEN_QUOTA": "1000000000",
            "LOG_LEVEL": os.environ.get("PERF_LOG_LEVEL", "INFO"),
        }


def _plain(url: str) -> str:
    for prefix in ("postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


def _loopback(url: str, what: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"perf: {what} must be on this machine (loopback), not {host!r}")


def cli(env: dict[str, str], *args: str) -> str:
    """``nexus ARGS…`` with the server's environment; its output."""
    done = subprocess.run(
        [sys.executable, "-c", "from nexus.cli import main; main()", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"nexus {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextmanager
def _database(own: bool) -> Iterator[str]:
    """The database to seed: ``DATABASE_URL`` as given, or a scratch one (``own``, or unset)."""
    given = os.environ.get("DATABASE_URL", "")
    if given:
        if not given.startswith(("postgres://", "postgresql")):
            raise SystemExit("perf: DATABASE_URL must be PostgreSQL (production refuses SQLite)")
        _loopback(given, "DATABASE_URL")
        if not own:
            yield given
            return
    server = _plain(given) if given else os.environ.get("PERF_POSTGRES_SERVER", DEFAULT_SERVER)
    _loopback(server, "PERF_POSTGRES_SERVER")
    name = f"nexus_perf_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise SystemExit(f"perf: cannot create a scratch database on {server}: {exc}") from exc
    print(f"perf: scratch database {name}")
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        print(f"perf: dropped {name}")


def history(students: int) -> tuple[int, int]:
    """Sessions and assessments for ``students``: as many per student as the default seed has
    (20 and 50), so that a larger data set is more students with the same history each."""
    from nexus.demo.large import LargeOptions

    default = LargeOptions()
    return (
        students * default.sessions // default.students,
        students * default.assessments // default.students,
    )


def _forget(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        forget_prefix(client, prefix)
    except redis.RedisError as exc:
        print(f"perf: could not delete the {prefix}* keys: {exc}")
    finally:
        client.close()


def settle(database_url: str) -> float:
    """Leave the database with no background work pending: without this, autovacuum takes the
    freshly copied rows on while the load runs measure (at 10,000 students every ratio,
    `/health`'s included, came out ~20 % lower), and the rows the load runs wrote while wrk
    saturates the endpoints. Returns the seconds it took."""
    started = time.perf_counter()
    with psycopg.connect(_plain(database_url), autocommit=True, connect_timeout=5) as conn:
        conn.execute("VACUUM (ANALYZE)")
        try:
            conn.execute("CHECKPOINT")  # superuser or pg_checkpoint only
        except psycopg.errors.InsufficientPrivilege:
            print("perf: CHECKPOINT refused (not a superuser); measuring without it")
    return time.perf_counter() - started


def _count(database_url: str, pattern: str) -> int:
    with psycopg.connect(_plain(database_url), connect_timeout=5) as conn:
        row = conn.execute("SELECT count(*) FROM users WHERE email LIKE %s", (pattern,)).fetchone()
    return int(row[0]) if row else 0


@contextmanager
def prepared(students: int, *, own_database: bool = False) -> Iterator[PerfEnvironment]:
    """Migrated and seeded database + Redis prefix, cleaned up afterwards."""
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    _loopback(redis_url, "REDIS_URL")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        raise SystemExit(f"perf: Redis is not reachable at {redis_url}: {exc}") from exc
    prefix = f"nexus-perf-{uuid.uuid4().hex[:8]}:"
    with _database(own_database) as database_url:
        env = PerfEnvironment(
            database_url=database_url,
            redis_url=redis_url,
            key_prefix=prefix,
            secret_key=secrets.token_urlsafe(48),
            students=students,
            parents=0,
            teachers=0,
        )
        try:
            started = time.perf_counter()
            cli(env.server_env(), "db", "upgrade")
            sessions, assessments = history(students)
            seeded = cli(
                env.server_env(),
                *("seed-demo", "--large", "--students", str(students)),
                *("--sessions", str(sessions), "--assessments", str(assessments)),
            )
            elapsed = time.perf_counter() - started
            print(f"perf: migrated and seeded {students:,} students in {elapsed:.1f} s")
            print("perf: " + seeded.strip().splitlines()[-1])
            print(f"perf: VACUUM (ANALYZE) + CHECKPOINT in {settle(database_url):.1f} s")
            yield PerfEnvironment(
                **{
                    **env.__dict__,
                    "students": _count(database_url, f"eleve%@{DOMAIN}"),
                    "parents": _count(database_url, f"parent%@{DOMAIN}"),
                    "teachers": _count(database_url, f"prof%@{DOMAIN}"),
                    "seed_seconds": elapsed,
                }
            )
        finally:
            _forget(redis_url, prefix)

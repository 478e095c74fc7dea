"""The counting proxies against the real servers: known client calls give known counts.

Guards the figures of test_round_trips.py: a proxy that miscounted (a protocol change in
psycopg, SQLAlchemy or redis-py) would make every pin meaningless.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import redis
from sqlalchemy import Engine, create_engine, text

from tests.performance.round_trips_rig import through
from tests.support import services
from tests.support.wire_count import PostgresFrontend, RedisFrontend, WireProxy

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture()
def pg_proxy() -> Iterator[tuple[WireProxy, Engine]]:
    server = services.require_postgres()
    parts = urlsplit(server)
    with WireProxy(parts.hostname or "127.0.0.1", parts.port or 5432, PostgresFrontend) as proxy:
        url = through(server, proxy.port, sslmode="disable", gssencmode="disable")
        engine = create_engine(
            url.replace("postgresql://", "postgresql+psycopg://", 1), pool_pre_ping=True
        )
        with engine.connect() as warm:  # the dialect's first-connect queries
            warm.execute(text("SELECT 1"))
        yield proxy, engine
        engine.dispose()


def test_a_transaction_with_bound_parameters_counts_each_statement_and_round_trip(
    pg_proxy: tuple[WireProxy, Engine],
) -> None:
    proxy, engine = pg_proxy
    proxy.reset()
    # Seven times: psycopg prepares a query on its fifth use (an extra Parse + Sync, not counted).
    for value in range(7):
        with engine.begin() as conn:
            conn.execute(text("SELECT :value"), {"value": value})
            conn.execute(text("SELECT 1"))  # no parameter: the simple query protocol

    tally = proxy.tally()
    assert tally.commands == {"PING": 7, "BEGIN": 7, "SELECT": 14, "COMMIT": 7}
    assert tally.round_trips == 35
    assert tally.connections == 0  # the pooled connection was reused


def test_savepoints_rollbacks_and_writes_are_classified(pg_proxy: tuple[WireProxy, Engine]) -> None:
    proxy, engine = pg_proxy
    with engine.connect() as conn:
        conn.execute(text("CREATE TEMPORARY TABLE wire (n int)"))
        # After DDL psycopg forgets its prepared statements (DEALLOCATE ALL, sent before the
        # next query): not part of what is counted below.
        conn.execute(text("SELECT 1"))
        proxy.reset()
        nested = conn.begin_nested()
        conn.execute(text("INSERT INTO wire VALUES (:n)"), [{"n": 1}, {"n": 2}])
        nested.rollback()
        conn.execute(
            text("WITH moved AS (UPDATE wire SET n = n + 1 RETURNING n) SELECT * FROM moved")
        )
        conn.execute(text("DELETE FROM wire"))
        conn.rollback()

    tally = proxy.tally()
    assert tally.commands == {
        "SAVEPOINT": 2,  # SAVEPOINT, ROLLBACK TO SAVEPOINT
        "INSERT": 2,  # executemany: one Execute per row
        "SELECT": 1,  # WITH … SELECT
        "DELETE": 1,
        "ROLLBACK": 1,
        # psycopg forgets what it prepared in a rolled-back savepoint (executemany prepares).
        "DEALLOCATE": 1,
    }
    assert tally.round_trips == 7  # 8 statements: executemany pipelines its two rows (one Sync)


def test_redis_commands_by_name_and_a_pipeline_as_one_round_trip() -> None:
    server = services.require_redis()
    parts = urlsplit(server)
    key = "nexus-test-wire-count"
    with WireProxy(parts.hostname or "127.0.0.1", parts.port or 6379, RedisFrontend) as proxy:
        client = redis.Redis.from_url(through(server, proxy.port))
        try:
            client.set(key, "1", ex=60)  # the first command also opens the connection
            proxy.reset()
            client.get(key)
            pipe = client.pipeline()
            pipe.incr(key)
            pipe.expire(key, 60)
            pipe.execute()
            client.ping()
            client.delete(key)
            tally = proxy.tally()
        finally:
            client.close()

    assert tally.commands == {"GET": 1, "MULTI": 1, "INCRBY": 1, "EXPIRE": 1, "EXEC": 1, "DEL": 1}
    assert tally.round_trips == 3  # GET; the pipeline; DEL (PING is upkeep)
    assert tally.upkeep == {"PING": 1}

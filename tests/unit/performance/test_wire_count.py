"""The wire parsers (bytes as psycopg and redis-py send them), the proxy over a loopback echo
server, and the round-trip report's comparison and table."""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Iterator

import pytest

from tests.performance import round_trips
from tests.support.wire_count import (
    GSSENC_REQUEST,
    SSL_REQUEST,
    PostgresFrontend,
    Recorder,
    RedisFrontend,
    WireProxy,
    classify,
    split_statements,
)

# --- PostgreSQL messages -------------------------------------------------------------------


def _message(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack("!i", len(payload) + 4) + payload


def _startup() -> bytes:
    body = struct.pack("!i", 196608) + b"user\0postgres\0database\0nexus\0\0"
    return struct.pack("!i", len(body) + 4) + body


def _negotiation(code: int) -> bytes:
    return struct.pack("!ii", 8, code)


def _query(sql: str) -> bytes:
    return _message(b"Q", sql.encode() + b"\0")


def _parse(name: str, sql: str) -> bytes:
    return _message(b"P", name.encode() + b"\0" + sql.encode() + b"\0" + b"\0\0")


def _bind(portal: str, statement: str) -> bytes:
    return _message(b"B", portal.encode() + b"\0" + statement.encode() + b"\0" + b"\0" * 6)


def _execute(portal: str = "") -> bytes:
    return _message(b"E", portal.encode() + b"\0" + b"\0\0\0\0")


SYNC = _message(b"S", b"")


def _postgres(*chunks: bytes) -> Recorder:
    recorder = Recorder()
    parser = PostgresFrontend(recorder)
    for chunk in chunks:
        parser.client_sent(chunk)
    return recorder


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("BEGIN", "BEGIN"),
        ("start transaction isolation level serializable", "BEGIN"),
        ("COMMIT", "COMMIT"),
        ("ROLLBACK", "ROLLBACK"),
        ('SAVEPOINT "sa_savepoint_1"', "SAVEPOINT"),
        ("RELEASE SAVEPOINT sa_savepoint_1", "SAVEPOINT"),
        ("ROLLBACK TO SAVEPOINT sa_savepoint_1", "SAVEPOINT"),
        ("  select 1", "SELECT"),
        ("/* why */ -- and\nUPDATE t SET a = 1", "UPDATE"),
        ("(SELECT 1) UNION (SELECT 2)", "SELECT"),
        ("WITH x AS (SELECT 1 FROM t) DELETE FROM t USING x", "DELETE"),
        ("WITH x AS (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM x", "SELECT"),
        ("insert into t values ('select')", "INSERT"),
        (";", "PING"),
        ("", "PING"),
        ("SHOW standard_conforming_strings", "SHOW"),
        ("DEALLOCATE ALL", "DEALLOCATE"),
    ],
)
def test_statements_are_classified_by_their_verb(sql: str, kind: str) -> None:
    assert classify(sql) == kind


def test_a_simple_query_is_split_outside_quotes_and_comments() -> None:
    sql = "BEGIN; SELECT 'a;b' -- c;d\n; UPDATE \"x;y\" SET a = 1 /* ; */;"
    assert [classify(s) for s in split_statements(sql)] == ["BEGIN", "SELECT", "UPDATE"]
    assert split_statements(";") == [""]


def test_the_startup_packet_and_negotiation_requests_are_not_statements() -> None:
    recorder = _postgres(
        _negotiation(GSSENC_REQUEST), _negotiation(SSL_REQUEST), _startup(), _query("BEGIN")
    )
    tally = recorder.snapshot()
    assert tally.commands == {"BEGIN": 1}
    assert tally.round_trips == 1


def test_a_simple_query_is_one_round_trip_with_each_statement_counted() -> None:
    tally = _postgres(_startup(), _query("SELECT 1; SELECT 2"), _query(";")).snapshot()
    assert tally.commands == {"SELECT": 2, "PING": 1}
    assert tally.round_trips == 2


def test_the_extended_protocol_counts_executes_and_syncs_after_them() -> None:
    stream = b"".join(
        [
            _startup(),
            # Unnamed statement, executed: one round trip.
            _parse("", "SELECT * FROM users WHERE id = $1"),
            _bind("", ""),
            _execute(),
            SYNC,
            # psycopg preparing a query (Parse + Sync, no Execute): not a round trip...
            _parse("_pg3_0", "UPDATE users SET name = $1"),
            SYNC,
            # ...then executing it by name, twice in one pipeline: two statements, one trip.
            _bind("", "_pg3_0"),
            _execute(),
            _bind("p1", "_pg3_0"),
            _execute("p1"),
            SYNC,
            _message(b"C", b"S_pg3_0\0"),  # Close the prepared statement
            SYNC,
        ]
    )
    # Byte by byte: messages split across reads are reassembled.
    tally = _postgres(*(stream[i : i + 1] for i in range(len(stream)))).snapshot()
    assert tally.commands == {"SELECT": 1, "UPDATE": 2}
    assert tally.round_trips == 2


def test_an_execute_of_an_unknown_portal_is_still_counted() -> None:
    tally = _postgres(_startup(), _execute("nowhere"), SYNC).snapshot()
    assert tally.commands == {"UNKNOWN": 1}


def test_reset_starts_the_counts_again() -> None:
    recorder = _postgres(_startup(), _query("BEGIN"))
    recorder.connection()
    recorder.reset()
    assert recorder.snapshot().total == 0
    assert recorder.snapshot().connections == 0


# --- Redis commands ------------------------------------------------------------------------


def _resp(*words: str) -> bytes:
    parts = [f"*{len(words)}\r\n".encode()]
    for word in words:
        data = word.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def test_redis_commands_are_named_and_bursts_are_round_trips() -> None:
    recorder = Recorder()
    parser = RedisFrontend(recorder)
    # On connect: redis-py's CLIENT SETINFO pair (upkeep), each answered.
    parser.client_sent(_resp("CLIENT", "SETINFO", "LIB-NAME", "redis-py"))
    parser.server_sent(b"+OK\r\n")
    parser.client_sent(_resp("exists", "nexus:revoked-session:1"))
    parser.server_sent(b":0\r\n")
    # A pipeline, split across two reads before any answer: one round trip.
    pipeline = (
        _resp("MULTI") + _resp("INCRBY", "k", "1") + _resp("EXPIREAT", "k", "9") + _resp("EXEC")
    )
    parser.client_sent(pipeline[:20])
    parser.client_sent(pipeline[20:])
    parser.server_sent(b"+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n:1\r\n")
    parser.client_sent(_resp("PING"))  # a health check: upkeep, not a round trip
    parser.server_sent(b"+PONG\r\n")
    parser.client_sent(_resp("SCRIPT", "LOAD", "return 1") + b"GET inline\r\n")

    tally = recorder.snapshot()
    assert tally.commands == {
        "EXISTS": 1,
        "MULTI": 1,
        "INCRBY": 1,
        "EXPIREAT": 1,
        "EXEC": 1,
        "SCRIPT LOAD": 1,
        "GET": 1,
    }
    assert tally.upkeep == {"CLIENT SETINFO": 1, "PING": 1}
    assert tally.round_trips == 3


def test_a_redis_value_is_never_kept() -> None:
    recorder = Recorder()
    parser = RedisFrontend(recorder)
    parser.client_sent(_resp("SET", "key", "secret-value", "EX", "30"))
    assert "secret-value" not in repr(recorder.snapshot())


# --- The proxy -----------------------------------------------------------------------------


@pytest.fixture()
def echo_server() -> Iterator[int]:
    """A loopback server that answers each read with the same bytes."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                while data := conn.recv(65536):
                    conn.sendall(data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()
    thread.join(timeout=5)


def test_the_proxy_forwards_both_ways_and_counts_what_the_client_sent(echo_server: int) -> None:
    with WireProxy("127.0.0.1", echo_server, RedisFrontend) as proxy:
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as client:
            for command in (_resp("GET", "a"), _resp("DEL", "a")):
                client.sendall(command)
                received = b""
                while len(received) < len(command):
                    received += client.recv(65536)
                assert received == command
        tally = proxy.tally()
    assert tally.commands == {"GET": 1, "DEL": 1}
    assert tally.round_trips == 2
    assert tally.connections == 1


# --- The report ----------------------------------------------------------------------------

PINNED = {
    "GET /api/v1/offers": {
        "postgres": {"BEGIN": 1, "COMMIT": 1, "SELECT": 2, "round trips": 4},
        "redis": {"EXISTS": 1, "round trips": 1},
    }
}


def test_a_count_that_grows_or_shrinks_differs_from_its_pin() -> None:
    grown = json.loads(json.dumps(PINNED))
    grown["GET /api/v1/offers"]["postgres"]["SELECT"] = 3
    del grown["GET /api/v1/offers"]["postgres"]["COMMIT"]
    grown["GET /api/v1/me"] = grown["GET /api/v1/offers"]

    found = round_trips.differences(grown, PINNED)
    assert found == [
        "GET /api/v1/me: not pinned",
        "GET /api/v1/offers: postgres COMMIT 1 -> 0 shrank: update the pin",
        "GET /api/v1/offers: postgres SELECT 2 -> 3 GREW (regression)",
    ]
    assert not round_trips.differences(PINNED, PINNED)
    assert round_trips.differences({}, PINNED) == ["GET /api/v1/offers: pinned, not measured"]


def test_the_table_shows_before_and_after() -> None:
    after = json.loads(json.dumps(PINNED))
    after["GET /api/v1/offers"]["postgres"] = {"SELECT": 1, "round trips": 1}
    text = round_trips.table(after, PINNED)
    assert (
        "| `GET /api/v1/offers` | 4 → 1 | 4 → 1 | SELECT 1 (was BEGIN 1, COMMIT 1, SELECT 2) |"
        in text
    )
    assert "| **all 1 groups** | 4 → 1 | 4 → 1 | | 1 | 1 | |" in text


def test_the_pins_text_is_the_document() -> None:
    document = {"about": "x", "seed": round_trips.SEED, "groups": PINNED}
    assert json.loads(round_trips.dump(document)) == document


def test_every_request_the_load_scenario_names_is_pinned() -> None:
    named = round_trips.scenario_groups()
    pinned = json.loads(round_trips.PINS.read_text(encoding="utf-8"))["groups"]
    assert len(named) >= 20, named  # the scenario was read, not missed
    assert sorted(named - set(pinned)) == [], "measure these in round_trips.run_scenario"
    assert {g for g in pinned if g not in named} == {f"{g} (cold)" for g in round_trips.COLD}

"""Count what an app says to PostgreSQL and Redis, at the wire: TCP proxies on loopback.

    with WireProxy("127.0.0.1", 5432, PostgresFrontend) as pg:   # app connects to pg.port
        ...
        pg.reset(); <one request>; tally = pg.tally()

Each proxy forwards bytes unchanged in both directions and parses only what the client sends
(counted *before* it is forwarded, so anything the client waited for has been counted once its
answer arrived). Nothing is logged or kept but names and counts: passwords and values never
leave the parser.

PostgreSQL (frontend protocol 3, ``sslmode=disable``): after the startup packet (and any
SSLRequest/GSSENCRequest), every ``Q`` (simple query) is one round trip, each statement in it
counted; in the extended protocol ``P`` (Parse) names a statement, ``B`` (Bind) a portal on it,
each ``E`` (Execute) counts the portal's statement, and a ``S`` (Sync) after at least one
Execute is one round trip. A Sync with no Execute before it (psycopg preparing a query on its
fifth use on a connection, or closing one) is not counted: it depends on the connection's
history, not on the request. Statements are classified by their first keyword (``WITH …``
by its main verb; ``SAVEPOINT``, ``RELEASE`` and ``ROLLBACK TO`` as ``SAVEPOINT``; an empty
query, SQLAlchemy's pre-ping ``;``, as ``PING``).

Redis (RESP2/3 arrays, inline commands too): each command by name (``CLIENT SETINFO`` and other
container commands with their sub-command). A round trip is a burst of commands the client
sends before the server answers: a pipeline is one. Connection upkeep (``PING`` health checks,
``HELLO``, ``AUTH``, ``SELECT``, ``CLIENT …`` at connect) depends on timers and on when a pool
opens connections, not on the request: it is tallied apart (``upkeep``) and its bursts are not
round trips.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol, Self

HOST = "127.0.0.1"
SSL_REQUEST, GSSENC_REQUEST, CANCEL_REQUEST = 80877103, 80877104, 80877102
REDIS_UPKEEP = frozenset({"PING", "HELLO", "AUTH", "SELECT", "READONLY", "QUIT", "RESET"})
REDIS_CONTAINERS = frozenset(
    {"CLIENT", "SCRIPT", "CONFIG", "OBJECT", "MEMORY", "COMMAND", "FUNCTION", "ACL", "CLUSTER"}
)
_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE")


@dataclass
class Tally:
    """What one service was sent since the last reset."""

    commands: Counter[str] = field(default_factory=Counter)  # statement kinds / command names
    round_trips: int = 0
    upkeep: Counter[str] = field(default_factory=Counter)  # not in the budget (see module doc)
    connections: int = 0  # opened to the proxy

    @property
    def total(self) -> int:
        return sum(self.commands.values())

    def budget(self) -> dict[str, int]:
        """The pinned figures: each kind/name, and the round trips."""
        return {**dict(sorted(self.commands.items())), "round trips": self.round_trips}


class Recorder:
    """Thread-safe counts shared by every connection of one proxy."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tally = Tally()

    def command(self, name: str) -> None:
        with self._lock:
            self._tally.commands[name] += 1

    def upkeep(self, name: str) -> None:
        with self._lock:
            self._tally.upkeep[name] += 1

    def round_trip(self) -> None:
        with self._lock:
            self._tally.round_trips += 1

    def connection(self) -> None:
        with self._lock:
            self._tally.connections += 1

    def reset(self) -> None:
        with self._lock:
            self._tally = Tally()

    def snapshot(self) -> Tally:
        with self._lock:
            t = self._tally
            return Tally(Counter(t.commands), t.round_trips, Counter(t.upkeep), t.connections)


class WireProtocol(Protocol):
    """One connection's parser: told what each side sent, in order."""

    def client_sent(self, data: bytes) -> None: ...

    def server_sent(self, data: bytes) -> None: ...


# --- SQL classification --------------------------------------------------------------------


def _skip(sql: str, i: int) -> int:
    """Past the quoted string or comment that starts at ``i`` (``i`` itself when none does)."""
    c = sql[i]
    if c in "'\"":
        end = sql.find(c, i + 1)
        while end != -1 and sql[end + 1 : end + 2] == c:  # a doubled quote inside
            end = sql.find(c, end + 2)
        return len(sql) if end == -1 else end + 1
    if sql.startswith("--", i):
        end = sql.find("\n", i)
        return len(sql) if end == -1 else end + 1
    if sql.startswith("/*", i):
        end = sql.find("*/", i + 2)
        return len(sql) if end == -1 else end + 2
    return i


def _words(sql: str) -> list[tuple[str, int]]:
    """Upper-cased bare words with their parenthesis depth, skipping quotes and comments."""
    words: list[tuple[str, int]] = []
    depth, i, n = 0, 0, len(sql)
    while i < n:
        if (after := _skip(sql, i)) != i:
            i = after
            continue
        c = sql[i]
        if c.isalpha() or c == "_":
            start = i
            while i < n and (sql[i].isalnum() or sql[i] in "_$"):
                i += 1
            words.append((sql[start:i].upper(), depth))
            continue
        depth += {"(": 1, ")": -1}.get(c, 0)
        i += 1
    return words


def split_statements(sql: str) -> list[str]:
    """The statements of a simple query (split on ``;`` outside quotes and comments)."""
    parts: list[str] = []
    start, i = 0, 0
    while i < len(sql):
        if (after := _skip(sql, i)) != i:
            i = after
        elif sql[i] == ";":
            parts.append(sql[start:i])
            start = i = i + 1
        else:
            i += 1
    parts.append(sql[start:])
    statements = [p for p in parts if _words(p)]
    return statements or [""]  # an empty query (``;``) is still one statement: a ping


def classify(sql: str) -> str:
    """BEGIN, COMMIT, ROLLBACK, SAVEPOINT, SELECT, INSERT, UPDATE, DELETE, PING, or the keyword."""
    words = _words(sql)
    if not words:
        return "PING"
    first = words[0][0]
    if first in ("START", "BEGIN"):
        return "BEGIN"
    if first in ("COMMIT", "END"):
        return "COMMIT"
    if first in ("SAVEPOINT", "RELEASE"):
        return "SAVEPOINT"
    if first in ("ROLLBACK", "ABORT"):
        rest = [w for w, _ in words[1:3]]
        return "SAVEPOINT" if "TO" in rest else "ROLLBACK"
    if first == "WITH":
        # The main statement is the first verb at the outer level after the CTEs.
        return next((w for w, d in words[1:] if d == words[0][1] and w in _VERBS), first)
    return first


# --- PostgreSQL ----------------------------------------------------------------------------


def _cstring(payload: bytes, start: int) -> tuple[str, int]:
    end = payload.index(b"\0", start)
    return payload[start:end].decode("utf-8", "replace"), end + 1


class PostgresFrontend:
    """Parses what a PostgreSQL client sends on one connection (see the module docstring)."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self._buffer = b""
        self._started = False
        self._statements: dict[str, str] = {}  # prepared statement name -> text
        self._portals: dict[str, str | None] = {}  # portal name -> text (None: not seen)
        self._executed = False  # an Execute since the last Sync

    def client_sent(self, data: bytes) -> None:
        self._buffer += data
        while True:
            if not self._started:
                if len(self._buffer) < 8:
                    return
                length, code = struct.unpack("!ii", self._buffer[:8])
                if len(self._buffer) < length:
                    return
                self._buffer = self._buffer[length:]
                self._started = code not in (SSL_REQUEST, GSSENC_REQUEST)
                continue
            if len(self._buffer) < 5:
                return
            kind = self._buffer[:1]
            length = struct.unpack("!i", self._buffer[1:5])[0]
            if len(self._buffer) < 1 + length:
                return
            payload = self._buffer[5 : 1 + length]
            self._buffer = self._buffer[1 + length :]
            self._message(kind, payload)

    def server_sent(self, data: bytes) -> None:
        """Answers are not parsed: the client's messages say everything counted here."""

    def _message(self, kind: bytes, payload: bytes) -> None:
        if kind == b"Q":
            self.recorder.round_trip()
            for statement in split_statements(_cstring(payload, 0)[0]):
                self.recorder.command(classify(statement))
        elif kind == b"P":
            name, at = _cstring(payload, 0)
            self._statements[name] = _cstring(payload, at)[0]
        elif kind == b"B":
            portal, at = _cstring(payload, 0)
            self._portals[portal] = self._statements.get(_cstring(payload, at)[0])
        elif kind == b"E":
            self._executed = True
            text = self._portals.get(_cstring(payload, 0)[0])
            self.recorder.command("UNKNOWN" if text is None else classify(text))
        elif kind == b"S":
            if self._executed:
                self.recorder.round_trip()
            self._executed = False
        elif kind == b"C":
            name = _cstring(payload, 1)[0]
            (self._statements if payload[:1] == b"S" else self._portals).pop(name, None)


# --- Redis ---------------------------------------------------------------------------------


class RedisFrontend:
    """Parses what a Redis client sends on one connection (see the module docstring)."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self._buffer = b""
        self._answered = True  # the server spoke since the client last sent: a new burst
        self._burst_counted = False

    def client_sent(self, data: bytes) -> None:
        if self._answered:
            self._answered, self._burst_counted = False, False
        self._buffer += data
        while (command := self._next_command()) is not None:
            if not command:
                continue
            name = command[0].upper()
            if name in REDIS_CONTAINERS and len(command) > 1:
                name = f"{name} {command[1].upper()}"
            if name in REDIS_UPKEEP or name.startswith("CLIENT "):
                self.recorder.upkeep(name)
                continue
            self.recorder.command(name)
            if not self._burst_counted:
                self._burst_counted = True
                self.recorder.round_trip()

    def server_sent(self, data: bytes) -> None:
        self._answered = True

    def _line(self, start: int) -> tuple[bytes, int] | None:
        end = self._buffer.find(b"\r\n", start)
        return None if end == -1 else (self._buffer[start:end], end + 2)

    def _next_command(self) -> list[str] | None:
        """The next complete command's words (consumed), or None when more bytes are needed."""
        header = self._line(0)
        if header is None:
            return None
        line, at = header
        if not line.startswith(b"*"):  # an inline command
            self._buffer = self._buffer[at:]
            return line.decode("utf-8", "replace").split()
        words: list[str] = []
        for _ in range(int(line[1:])):
            bulk = self._line(at)
            if bulk is None:
                return None
            size = int(bulk[0][1:])
            if len(self._buffer) < bulk[1] + size + 2:
                return None
            # Only the first two words are names; values stay unread.
            if len(words) < 2:
                words.append(self._buffer[bulk[1] : bulk[1] + size].decode("utf-8", "replace"))
            else:
                words.append("")
            at = bulk[1] + size + 2
        self._buffer = self._buffer[at:]
        return words


# --- The proxy -----------------------------------------------------------------------------


class WireProxy:
    """A TCP proxy on 127.0.0.1 (ephemeral port) in front of ``upstream``; counts what passes."""

    def __init__(self, host: str, port: int, protocol: Callable[[Recorder], WireProtocol]) -> None:
        self.upstream = (host, port)
        self.protocol = protocol
        self.recorder = Recorder()
        self._listener = socket.create_server((HOST, 0))
        self.port: int = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        self._spawn(self._accept)

    def reset(self) -> None:
        self.recorder.reset()

    def tally(self) -> Tally:
        return self.recorder.snapshot()

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            try:
                upstream = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                if self._closed:
                    client.close()
                    upstream.close()
                    return
                self._sockets += [client, upstream]
            self.recorder.connection()
            parser = self.protocol(self.recorder)
            self._spawn(self._pump, client, upstream, parser.client_sent)
            self._spawn(self._pump, upstream, client, parser.server_sent)

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket, seen: Callable[[bytes], None]) -> None:
        try:
            while data := source.recv(65536):
                seen(data)  # before forwarding: counted before the other side can answer
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        with self._lock:
            self._closed = True
            sockets, threads = list(self._sockets), list(self._threads)
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (Linux)
        except OSError:
            pass
        self._listener.close()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(timeout=5)
        for sock in sockets:
            sock.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

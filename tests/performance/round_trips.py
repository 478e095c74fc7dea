"""Round trips as a budget: what ONE request of the load scenario says to PostgreSQL and Redis.

``bin/perf round-trips`` (``make perf-round-trips``) prints the table; the integration test
``tests/integration/performance/test_round_trips.py`` holds the counts to the pins in
``tests/performance/round_trips.json``. Both run :func:`measure`:

- a scratch database on the PostgreSQL server given (migrated, then ``nexus seed-demo --large``
  with a small, deterministic data set) and a private key prefix on the Redis server given;
- the real ``create_app`` with production settings (the environment is NOT read: the figures
  do not depend on who runs them), its own engine and pool, its PostgreSQL and Redis
  connections through the counting proxies of ``tests/support/wire_count.py``;
- served over real HTTP on loopback; a student, a parent and a teacher of the large seed sign
  in, then every request of ``tests/performance/locustfile.py`` is made once as a warm-up and
  once measured, with the counters reset before it and read once the server has finished with
  it (response closed, teardown done).

Warm means: pool connections open, scripts loaded, schema caches built, and for the response
cache (offers, content lists and searches) the page already cached by the warm-up. The
``(cold)`` groups are the warm-up itself of a cached page (the first request of that URL; every
other cache of the process is warm by then). Writes are measured on resources of their own
(the warm-up books and cancels another session, asks ARIA and records an assessment once).

    python -m tests.performance.round_trips [--compare FILE] [--json OUT] [--pin]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import secrets
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Flask
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from werkzeug.wsgi import ClosingIterator

from nexus.config import Settings
from tests.support.wire_count import PostgresFrontend, RedisFrontend, Tally, WireProxy

ROOT = Path(__file__).resolve().parents[2]
PINS = ROOT / "tests" / "performance" / "round_trips.json"
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


def _through(url: str, port: int, **query: str) -> str:
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

    def warm_then_measure(self, group: str, path: str, token: str) -> Any:
        """GET ``path`` twice: the first is the warm-up (measured as ``(cold)`` for COLD)."""
        if group in COLD:
            self.measure(f"{group} (cold)", "GET", path, token)
        else:
            self.call("GET", path, token)
        return self.measure(group, "GET", path, token)


def _login(rig: Rig, email: str, measured: bool = False) -> JsonDict:
    body = {"email": email, "password": PASSWORD}
    if measured:
        tokens: JsonDict = rig.measure(
            "POST /api/v1/auth/login", "POST", "/api/v1/auth/login", body=body
        )
    else:
        tokens = rig.call("POST", "/api/v1/auth/login", body=body)
    return tokens


def _query(path: str, **params: Any) -> str:
    return f"{path}?{urlencode(params)}"


BOOK = "POST /api/v1/sessions/{id}/bookings"
# The response-cached groups, also measured cold.
COLD = ("GET /api/v1/content?q=", "GET /api/v1/content", "GET /api/v1/offers")


def scenario_groups(
    locustfile: Path = ROOT / "tests" / "performance" / "locustfile.py",
) -> set[str]:
    """``METHOD name`` of every request the Locust scenario names (read, not imported: Locust
    lives in .venv-perf): ``self.get(path, name)``, ``self.post(path, name, body)`` and the
    ``self.client.post(..., name=...)`` of sign-in and refresh."""
    tree = ast.parse(locustfile.read_text(encoding="utf-8"))
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }

    def text(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        return constants.get(node.id) if isinstance(node, ast.Name) else None

    found = set()
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        method = call.func.attr
        if method not in ("get", "post"):
            continue
        named = [text(k.value) for k in call.keywords if k.arg == "name"]
        if not named and isinstance(call.func.value, ast.Name) and len(call.args) >= 2:
            named = [text(call.args[1])]  # self.get(path, name) / self.post(path, name, body)
        for name in named:
            if name is not None and name.startswith("/"):
                found.add(f"{method.upper()} {name}")
    return found


def _student_with_hours(app: Flask) -> str:
    """The seeded student with the most hours left: their booking is accepted (201)."""
    from sqlalchemy import select

    from nexus.accounts.models import User
    from nexus.db import Database
    from nexus.offers.models import Enrollment, EnrollmentStatus

    with Database.factory_for(app)() as session:
        email = session.scalar(
            select(User.email)
            .join(Enrollment, Enrollment.student_id == User.id)
            .where(
                Enrollment.status == EnrollmentStatus.ACTIVE, User.email.like(f"eleve%@{DOMAIN}")
            )
            .order_by((Enrollment.minutes_bought - Enrollment.minutes_used).desc(), User.email)
            .limit(1)
        )
    if email is None:
        raise RuntimeError("round trips: no seeded student has hours to book with")
    return email


def run_scenario(rig: Rig) -> dict[str, Measured]:
    """Every request of tests/performance/locustfile.py, warm-up first (see the docstring)."""
    student = _student_with_hours(rig.app)
    # The warm-up sign-in (and refresh) is another student's: each is one of a kind.
    other = _login(rig, next(e for e in (f"eleve0000{n}@{DOMAIN}" for n in (1, 2)) if e != student))
    signed_in = _login(rig, student, measured=True)
    rig.call("POST", "/api/v1/auth/refresh", body={"refresh_token": other["refresh_token"]})
    tokens = rig.measure(
        "POST /api/v1/auth/refresh",
        "POST",
        "/api/v1/auth/refresh",
        body={"refresh_token": signed_in["refresh_token"]},
    )
    token = tokens["access_token"]

    rig.warm_then_measure("GET /api/v1/dashboards/student", "/api/v1/dashboards/student", token)
    # The response cache's script, loaded once per Redis server (SCRIPT LOAD on a fresh one):
    # warmed on a page of its own, so that the cold figures below are the same on any server.
    rig.call("GET", _query("/api/v1/content", page_size=5), token)
    found = rig.warm_then_measure(
        "GET /api/v1/content?q=",
        _query("/api/v1/content", q="dérivée", page_size=10),
        token,
    )
    item = found["items"][0]["id"]
    rig.warm_then_measure("GET /api/v1/content/{id}", f"/api/v1/content/{item}", token)
    rig.warm_then_measure(
        "GET /api/v1/content",
        _query("/api/v1/content", subject="nsi", kind="exercise"),
        token,
    )
    rig.warm_then_measure("GET /api/v1/offers", "/api/v1/offers", token)
    rig.warm_then_measure(
        "GET /api/v1/notifications/unread-count", "/api/v1/notifications/unread-count", token
    )
    rig.warm_then_measure(
        "GET /api/v1/students/me/bookings",
        _query("/api/v1/students/me/bookings", when="upcoming"),
        token,
    )
    start = (date.today() + timedelta(days=2)).isoformat()
    sessions = rig.warm_then_measure(
        "GET /api/v1/sessions?available_only=true",
        _query("/api/v1/sessions", available_only="true", page_size=20, **{"from": start}),
        token,
    )["items"]
    if len(sessions) < 2:
        raise RuntimeError("round trips: the seed has fewer than two free sessions to book")
    # The first seats that take: another student may hold a session at the same time (409).
    candidates = iter(sessions)
    for chosen in candidates:
        warm = rig.call("POST", f"/api/v1/sessions/{chosen['id']}/bookings", token, {}, (201, 409))
        if rig.last_status == 201:
            rig.call("POST", f"/api/v1/bookings/{warm['id']}/cancel", token, {})
            break
    for chosen in candidates:
        path = f"/api/v1/sessions/{chosen['id']}/bookings"
        booked = rig.measure(BOOK, "POST", path, token, {}, (201, 409))
        if rig.last_status == 201:
            break
    if rig.results.get(BOOK) is None or rig.results[BOOK].status != 201:
        raise RuntimeError(f"round trips: {student} could book none of {len(sessions)} sessions")
    cancel = f"/api/v1/bookings/{booked['id']}/cancel"
    rig.measure("POST /api/v1/bookings/{id}/cancel", "POST", cancel, token, {})
    question = {"question": "Peux-tu m'expliquer la dérivée d'un produit ?"}
    rig.call("POST", "/api/v1/aria/ask", token, question, (201,))
    rig.measure("POST /api/v1/aria/ask", "POST", "/api/v1/aria/ask", token, question, (201,))
    rig.warm_then_measure("GET /api/v1/auth/me", "/api/v1/auth/me", token)

    parent = _login(rig, f"parent00001@{DOMAIN}")["access_token"]
    children = rig.warm_then_measure(
        "GET /api/v1/dashboards/parent", "/api/v1/dashboards/parent", parent
    )
    child = children["children"][0]["student_id"]
    rig.warm_then_measure(
        "GET /api/v1/students/{id}/report.pdf", f"/api/v1/students/{child}/report.pdf", parent
    )
    rig.warm_then_measure(
        "GET /api/v1/students/{id}/bookings", f"/api/v1/students/{child}/bookings", parent
    )
    rig.warm_then_measure("GET /api/v1/notifications", "/api/v1/notifications", parent)

    teacher = _login(rig, f"prof0001@{DOMAIN}")["access_token"]
    pupils = rig.warm_then_measure(
        "GET /api/v1/dashboards/teacher", "/api/v1/dashboards/teacher", teacher
    )
    rig.warm_then_measure(
        "GET /api/v1/teachers/me/sessions",
        _query("/api/v1/teachers/me/sessions", **{"from": date.today().isoformat()}),
        teacher,
    )
    assessment = {
        "student_id": pupils["students"][0]["student_id"],
        "subject": "mathematiques",
        "chapter": "Suites numériques",
        "score": 14.0,
        "max_score": 20.0,
        "assessed_on": (date.today() - timedelta(days=1)).isoformat(),
        "comment": "Devoir surveillé",
    }
    rig.call("POST", "/api/v1/assessments", teacher, assessment, (201,))
    rig.measure(
        "POST /api/v1/assessments", "POST", "/api/v1/assessments", teacher, assessment, (201,)
    )
    return rig.results


# --- Setting up ----------------------------------------------------------------------------


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

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _close_clients(app: Flask) -> None:
    from nexus.db import Database
    from tests.support.redis_server import close_redis_clients

    close_redis_clients(app)
    Database.engine_for(app).dispose()


@contextmanager
def _app(postgres_server: str, redis_url: str, seed: dict[str, int]) -> Iterator[Rig]:
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
            _through(database, pg.port, sslmode="disable", gssencmode="disable"),
            _through(redis_url, redis.port),
            prefix,
        )
        app = create_app(settings)
        stack.callback(_close_clients, app)
        started = time.monotonic()
        _seed(app, seed)
        print(f"round trips: seeded in {time.monotonic() - started:.1f} s", file=sys.stderr)
        in_flight = InFlight(app.wsgi_app)
        app.wsgi_app = in_flight  # type: ignore[method-assign]
        base_url = stack.enter_context(serve_in_thread(app))
        yield Rig(app, base_url, in_flight, pg, redis)


def measure(
    postgres_server: str, redis_url: str, seed: dict[str, int] | None = None
) -> dict[str, Measured]:
    """Each group of the scenario, measured once warm (see the module docstring)."""
    with _app(postgres_server, redis_url, seed or SEED) as rig:
        return run_scenario(rig)


def budgets(results: dict[str, Measured]) -> JsonDict:
    """The pins' format: group -> {"postgres": {...}, "redis": {...}}."""
    return {group: m.budget() for group, m in results.items()}


def dump(document: JsonDict) -> str:
    """The pins file's text: one line per group and service, so that a diff reads as a table."""
    head = {k: v for k, v in document.items() if k != "groups"}
    lines = [json.dumps(head, indent=2, ensure_ascii=False)[:-2] + ",", '  "groups": {']
    rows = []
    for group, figures in document["groups"].items():
        inner = ",\n".join(f"      {json.dumps(s)}: {json.dumps(figures[s])}" for s in SERVICES)
        rows.append(f"    {json.dumps(group, ensure_ascii=False)}: {{\n{inner}\n    }}")
    lines += [",\n".join(rows), "  }", "}"]
    return "\n".join(lines) + "\n"


def pins_document(results: dict[str, Measured]) -> JsonDict:
    return {
        "about": "Statements and commands ONE request of the load scenario sends, at the wire "
        "(tests/performance/round_trips.py; docs/performance.md, Round trips). Regenerate with "
        "bin/perf round-trips --pin.",
        "seed": SEED,
        "groups": budgets(results),
    }


# --- The report ----------------------------------------------------------------------------


def _by_kind(figures: JsonDict) -> str:
    return ", ".join(f"{k} {v}" for k, v in figures.items() if k != "round trips") or "—"


def _figures(entry: JsonDict) -> dict[str, int]:
    """A group's four headline figures."""
    pg, rd = entry["postgres"], entry["redis"]
    return {
        "pg": sum(v for k, v in pg.items() if k != "round trips"),
        "pg_rt": pg["round trips"],
        "redis": sum(v for k, v in rd.items() if k != "round trips"),
        "redis_rt": rd["round trips"],
    }


def _cell(now: int, before: int | None) -> str:
    return str(now) if before is None or before == now else f"{before} → {now}"


def _kinds(entry: JsonDict, old: JsonDict | None, service: str) -> str:
    now = _by_kind(entry[service])
    if old is not None and _by_kind(old[service]) != now:
        return f"{now} (was {_by_kind(old[service])})"
    return now


HEADER = (
    "| group | PG statements | PG round trips | PG by kind "
    "| Redis commands | Redis round trips | Redis by name |\n"
    "| --- | ---: | ---: | --- | ---: | ---: | --- |"
)


def table(
    groups: JsonDict, before: JsonDict | None = None, upkeep: dict[str, str] | None = None
) -> str:
    """Markdown: per group, PostgreSQL statements and Redis commands (total, round trips, by kind).

    With ``before`` (a pins document's groups), each figure that changed reads ``before → now``;
    the last row sums the groups (a group missing from ``before`` counts as unchanged).
    """
    lines = [HEADER]
    sums = {"pg": 0, "pg_rt": 0, "redis": 0, "redis_rt": 0}
    old_sums = dict(sums)
    for group, entry in groups.items():
        old = (before or {}).get(group)
        now, was = _figures(entry), None if old is None else _figures(old)
        for key, value in now.items():
            sums[key] += value
            old_sums[key] += value if was is None else was[key]
        cells = {k: _cell(v, None if was is None else was[k]) for k, v in now.items()}
        redis_kinds = _kinds(entry, old, "redis")
        if upkeep and upkeep.get(group):
            redis_kinds += f"; upkeep: {upkeep[group]}"
        lines.append(
            f"| `{group}` | {cells['pg']} | {cells['pg_rt']} | {_kinds(entry, old, 'postgres')} "
            f"| {cells['redis']} | {cells['redis_rt']} | {redis_kinds} |"
        )
    total = {k: _cell(v, old_sums[k] if before else None) for k, v in sums.items()}
    lines.append(
        f"| **all {len(groups)} groups** | {total['pg']} | {total['pg_rt']} | "
        f"| {total['redis']} | {total['redis_rt']} | |"
    )
    return "\n".join(lines)


def differences(measured: JsonDict, pinned: JsonDict) -> list[str]:
    """Each figure that differs from its pin: ``group: service kind pinned -> measured``."""
    found = []
    for group in sorted(set(measured) | set(pinned)):
        if group not in pinned or group not in measured:
            found.append(
                f"{group}: {'not pinned' if group in measured else 'pinned, not measured'}"
            )
            continue
        for service in SERVICES:
            now, pin = measured[group][service], pinned[group][service]
            for kind in sorted(set(now) | set(pin)):
                new, old = now.get(kind, 0), pin.get(kind, 0)
                if new != old:
                    verdict = "GREW (regression)" if new > old else "shrank: update the pin"
                    found.append(f"{group}: {service} {kind} {old} -> {new} {verdict}")
    return found


def _upkeep(results: dict[str, Measured]) -> dict[str, str]:
    shown = {}
    for group, m in results.items():
        parts = [f"{k} {v}" for k, v in sorted((m.postgres.upkeep + m.redis.upkeep).items())]
        opened = m.postgres.connections + m.redis.connections
        if opened:
            parts.append(f"{opened} connection(s) opened")
        if parts:
            shown[group] = ", ".join(parts)
    return shown


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="bin/perf round-trips", description=(__doc__ or "").split("\n", maxsplit=1)[0]
    )
    parser.add_argument(
        "--compare", type=Path, help="a JSON written by --json or --pin: before → now"
    )
    parser.add_argument("--json", type=Path, help="write the measured figures (the pins' format)")
    parser.add_argument("--pin", action="store_true", help=f"rewrite {PINS.relative_to(ROOT)}")
    options = parser.parse_args(argv)
    server = (
        os.environ.get("DATABASE_URL") or os.environ.get("PERF_POSTGRES_SERVER") or DEFAULT_POSTGRES
    )
    server = "postgresql://" + server.split("://", 1)[1]
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    results = measure(server, redis_url)
    document = pins_document(results)
    before = None
    if options.compare:
        before = json.loads(options.compare.read_text(encoding="utf-8"))["groups"]
    print(f"Round trips per request (seed: {SEED}; warm unless marked cold)\n")
    print(table(document["groups"], before, _upkeep(results)))
    for path in filter(None, (options.json, PINS if options.pin else None)):
        path.write_text(dump(document), encoding="utf-8")
        print(f"\nround trips: written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The requests of the load scenario (tests/performance/locustfile.py), each measured once warm.

Warm means: pool connections open, scripts loaded, schema caches built, and for the response
cache (offers, content lists and searches) the page already cached by the warm-up. The
``(cold)`` groups (:data:`COLD`) are the warm-up itself of a cached page: the first request of
that URL, every other cache of the process being warm by then. Writes are measured on resources
of their own: the warm-up books and cancels another session, asks ARIA and records an
assessment once.
"""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask

from tests.performance.round_trips_rig import (
    DOMAIN,
    PASSWORD,
    SEED,
    JsonDict,
    Measured,
    Rig,
    served_app,
)

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
BOOK = "POST /api/v1/sessions/{id}/bookings"
# The response-cached groups, also measured cold.
COLD = ("GET /api/v1/content?q=", "GET /api/v1/content", "GET /api/v1/offers")


def _twice(rig: Rig, group: str, path: str, token: str) -> Any:
    """GET ``path`` twice: the first is the warm-up (measured as ``(cold)`` for COLD)."""
    if group in COLD:
        rig.measure(f"{group} (cold)", "GET", path, token)
    else:
        rig.call("GET", path, token)
    return rig.measure(group, "GET", path, token)


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


def scenario_groups(locustfile: Path = LOCUSTFILE) -> set[str]:
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

    _twice(rig, "GET /api/v1/dashboards/student", "/api/v1/dashboards/student", token)
    # The response cache's script, loaded once per Redis server (SCRIPT LOAD on a fresh one):
    # warmed on a page of its own, so that the cold figures below are the same on any server.
    rig.call("GET", _query("/api/v1/content", page_size=5), token)
    found = _twice(
        rig,
        "GET /api/v1/content?q=",
        _query("/api/v1/content", q="dérivée", page_size=10),
        token,
    )
    item = found["items"][0]["id"]
    _twice(rig, "GET /api/v1/content/{id}", f"/api/v1/content/{item}", token)
    _twice(
        rig,
        "GET /api/v1/content",
        _query("/api/v1/content", subject="nsi", kind="exercise"),
        token,
    )
    _twice(rig, "GET /api/v1/offers", "/api/v1/offers", token)
    _twice(
        rig, "GET /api/v1/notifications/unread-count", "/api/v1/notifications/unread-count", token
    )
    _twice(
        rig,
        "GET /api/v1/students/me/bookings",
        _query("/api/v1/students/me/bookings", when="upcoming"),
        token,
    )
    start = (date.today() + timedelta(days=2)).isoformat()
    sessions = _twice(
        rig,
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
    _twice(rig, "GET /api/v1/auth/me", "/api/v1/auth/me", token)

    parent = _login(rig, f"parent00001@{DOMAIN}")["access_token"]
    children = _twice(rig, "GET /api/v1/dashboards/parent", "/api/v1/dashboards/parent", parent)
    child = children["children"][0]["student_id"]
    _twice(
        rig, "GET /api/v1/students/{id}/report.pdf", f"/api/v1/students/{child}/report.pdf", parent
    )
    _twice(rig, "GET /api/v1/students/{id}/bookings", f"/api/v1/students/{child}/bookings", parent)
    _twice(rig, "GET /api/v1/notifications", "/api/v1/notifications", parent)

    teacher = _login(rig, f"prof0001@{DOMAIN}")["access_token"]
    pupils = _twice(rig, "GET /api/v1/dashboards/teacher", "/api/v1/dashboards/teacher", teacher)
    _twice(
        rig,
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


def measure(
    postgres_server: str, redis_url: str, seed: dict[str, int] | None = None
) -> dict[str, Measured]:
    """Each group of the scenario, measured once warm (see the module docstring)."""
    with served_app(postgres_server, redis_url, seed or SEED) as rig:
        return run_scenario(rig)

"""The load scenario of ``make perf``: students, parents and teachers as they use the platform.

Run by ``bin/perf`` with Locust from ``.venv-perf`` (never imported by the test suite). Each
simulated user signs in once, with an account of its own from the large demo data set
(``nexus seed-demo --large``: ``eleve00001@…``, ``parent00001@…``, ``prof0001@…``, one shared
password), then loops over weighted tasks.

One mix, two ways to drive it (the tasks and their weights are written once, in the
``*Tasks`` classes):

- ``Student``, ``Parent``, ``Teacher`` (``HttpUser``): the 100-user scenario, with a think time
  of 0.5 to 1.5 s between tasks;
- ``ClosedStudent``, ``ClosedParent``, ``ClosedTeacher`` (``FastHttpUser``, no think time): the
  capacity run, a closed loop in which each user sends its next request as soon as the last
  one is answered. ``bin/perf`` picks the classes by name on Locust's command line.

Statistics are reset once every user is spawned (``--reset-stats``): the budgets apply to the
steady state at full load, which lasts ``PERF_STEADY_SECONDS`` after the last user is spawned
(this file stops the run then). With ``PERF_STEADY_FROM=signed-in`` (the capacity run) this
file resets them itself, once every user has also signed in: the capacity is the mix's, not
that of a queue of argon2id logins. The ramp-up's logins (one argon2id verification each) and any
failure at any time are recorded here too, in ``PERF_RAMPUP_FILE``, and merged into the
summary by ``bin/perf``, with the CPU time this Locust process used during the steady state.

Requests are named by endpoint group (``GET /api/v1/content?q=``, ``…/{id}``…): the budgets
and the regression check apply per group. Business refusals that real use produces (a full
session, an overlapping booking, no hours left: 409) are successes here; anything else that
is not the expected status is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from collections import Counter
from datetime import date, timedelta
from typing import Any

import gevent
from locust import HttpUser, User, between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

DOMAIN = os.environ.get("PERF_ACCOUNT_DOMAIN", "demo-large.nexus-reussite.fr")
PASSWORD = os.environ.get("PERF_ACCOUNT_PASSWORD", "Demo2026!large")
STUDENTS = int(os.environ.get("PERF_STUDENT_ACCOUNTS", "1000"))
PARENTS = int(os.environ.get("PERF_PARENT_ACCOUNTS", "700"))
TEACHERS = int(os.environ.get("PERF_TEACHER_ACCOUNTS", "40"))

# Distinct accounts: the per-account login limit (5 a minute) never sees one account twice.
_student_numbers = itertools.cycle(range(1, STUDENTS + 1))
_parent_numbers = itertools.cycle(range(1, PARENTS + 1))
_teacher_numbers = itertools.cycle(range(1, TEACHERS + 1))

SEARCHES = (
    "dérivée",
    "suites numériques",
    "probabilités conditionnelles",
    "listes chaînées",
    "récursivité",
    "énergie cinétique",
    "fonction exponentielle",
    "algorithmes de tri",
    "vecteurs",
    "réactions chimiques",
    "primitives",
    "base de données",
)
BROWSE = (
    {"subject": "mathematiques"},
    {"subject": "nsi", "kind": "exercise"},
    {"subject": "physique_chimie", "level": "terminale"},
    {"level": "premiere", "sort": "difficulty"},
    {"kind": "lesson", "page": 2},
)
# Access tokens live 15 minutes: a long run refreshes them as the front end does.
REFRESH_AFTER_SECONDS = 600
ARIA_QUESTIONS = (
    "Peux-tu m'expliquer la dérivée d'un produit ?",
    "Comment fonctionne une liste chaînée ?",
    "Qu'est-ce qu'une suite géométrique ?",
    "Comment calculer une énergie cinétique ?",
)
SUBJECT_CHAPTERS = (
    ("mathematiques", "Suites numériques"),
    ("nsi", "Listes chaînées"),
    ("physique_chimie", "Mouvement et forces"),
)


LOGIN = "/api/v1/auth/login"
_login_ms: list[float] = []
_failures: Counter[str] = Counter()
_steady: dict[str, float] = {}


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, exception: Any, **_: Any) -> None:
    if exception is not None:
        _failures[f"{request_type} {name}"] += 1
    if name == LOGIN:
        _login_ms.append(response_time)


# PERF_STEADY_FROM: "spawn" (the 100-user scenario: arrivals and their logins are part of
# it) or "signed-in" (the capacity run: the mix, not the logins, once every user has signed in).
_progress = {"spawned": False, "signed_in": 0}


def _start_steady_state(environment: Environment) -> None:
    if "wall" in _steady:
        return
    if os.environ.get("PERF_STEADY_FROM") == "signed-in" and environment.runner is not None:
        environment.runner.stats.reset_all()
    _steady.update(wall=time.monotonic(), cpu=time.process_time())
    seconds = float(os.environ.get("PERF_STEADY_SECONDS") or 0)
    if seconds > 0:
        gevent.spawn_later(seconds, _end_steady_state, environment)


def _measure_steady_state(**_: Any) -> None:
    if "wall" in _steady and "wall_seconds" not in _steady:
        _steady["wall_seconds"] = time.monotonic() - _steady["wall"]
        # The whole process (every greenlet, the stats writers): user + system CPU.
        _steady["cpu_seconds"] = time.process_time() - _steady["cpu"]


def _end_steady_state(environment: Environment) -> None:
    _measure_steady_state()  # before the users stop: the CPU figure covers the steady state only
    if environment.runner is not None:
        environment.runner.quit()


def _ready(environment: Environment) -> None:
    """Start the steady state when its condition holds (every user spawned, and signed in)."""
    if not _progress["spawned"]:
        return
    runner = environment.runner
    if os.environ.get("PERF_STEADY_FROM") == "signed-in":
        if runner is None or _progress["signed_in"] < runner.user_count:
            return
    _start_steady_state(environment)


@events.init.add_listener
def _steady_state(environment: Environment, **_: Any) -> None:
    """Note the CPU clock when the steady state starts, and stop PERF_STEADY_SECONDS later."""

    def spawned(**_: Any) -> None:
        _progress["spawned"] = True
        _ready(environment)

    environment.events.spawning_complete.add_listener(spawned)
    environment.events.test_stop.add_listener(_measure_steady_state)


@events.quitting.add_listener
def _write(**_: Any) -> None:
    path = os.environ.get("PERF_RAMPUP_FILE")
    if path:
        steady = {k: _steady[k] for k in ("wall_seconds", "cpu_seconds") if k in _steady}
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(
                {"login_ms": _login_ms, "failures": dict(_failures), "locust_steady": steady},
                handle,
            )


class Member(User):
    """A signed-in member; subclasses name their accounts and tasks, and the client they use
    (``HttpUser`` or ``FastHttpUser``: both take ``params``, ``json``, ``headers`` and
    ``catch_response`` alike)."""

    abstract = True
    role = "member"
    client: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers: dict[str, str] = {}
        self.refresh_token = ""
        self.signed_in_at = time.monotonic()
        self.related: list[int] = []  # a parent's children, a teacher's students

    def account(self) -> str:
        raise NotImplementedError

    def on_start(self) -> None:
        with self.client.post(
            LOGIN,
            json={"email": self.account(), "password": PASSWORD},
            name=LOGIN,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"login {response.status_code}: {response.text[:200]}")
            else:
                self._keep(response.json())
        _progress["signed_in"] += 1  # failed or not: this user is done signing in
        _ready(self.environment)

    def _keep(self, tokens: dict[str, Any]) -> None:
        self.headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        self.refresh_token = tokens["refresh_token"]
        self.signed_in_at = time.monotonic()

    def _fresh(self) -> None:
        if not self.refresh_token or time.monotonic() - self.signed_in_at < REFRESH_AFTER_SECONDS:
            return
        with self.client.post(
            "/api/v1/auth/refresh",
            json={"refresh_token": self.refresh_token},
            name="/api/v1/auth/refresh",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"refresh {response.status_code}: {response.text[:200]}")
                return
            self._keep(response.json())

    def get(self, path: str, name: str, **kwargs: Any) -> Any:
        self._fresh()
        with self.client.get(
            path, headers=self.headers, name=name, catch_response=True, **kwargs
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return None
            return r

    def post(self, path: str, name: str, body: Any, ok: tuple[int, ...] = (201,)) -> Any:
        self._fresh()
        with self.client.post(
            path, json=body, headers=self.headers, name=name, catch_response=True
        ) as r:
            if r.status_code not in ok:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return None
            r.success()
            return r


class StudentTasks(Member):
    abstract = True
    weight = 6

    def account(self) -> str:
        return f"eleve{next(_student_numbers):05d}@{DOMAIN}"

    @task(4)
    def dashboard(self) -> None:
        self.get("/api/v1/dashboards/student", "/api/v1/dashboards/student")

    @task(3)
    def search_content(self) -> None:
        found = self.get(
            "/api/v1/content",
            "/api/v1/content?q=",
            params={"q": random.choice(SEARCHES), "page_size": 10},
        )
        if found is not None and found.json()["items"]:
            item = random.choice(found.json()["items"])
            self.get(f"/api/v1/content/{item['id']}", "/api/v1/content/{id}")

    @task(2)
    def browse_content(self) -> None:
        self.get("/api/v1/content", "/api/v1/content", params=random.choice(BROWSE))

    @task(1)
    def offers(self) -> None:
        self.get("/api/v1/offers", "/api/v1/offers")

    @task(2)
    def unread(self) -> None:
        self.get("/api/v1/notifications/unread-count", "/api/v1/notifications/unread-count")

    @task(1)
    def my_bookings(self) -> None:
        self.get(
            "/api/v1/students/me/bookings",
            "/api/v1/students/me/bookings",
            params={"when": "upcoming"},
        )

    @task(2)
    def book_and_cancel(self) -> None:
        """Look for a free seat in the coming weeks, book it, then change one's mind."""
        start = date.today() + timedelta(days=random.randint(2, 20))
        found = self.get(
            "/api/v1/sessions",
            "/api/v1/sessions?available_only=true",
            params={"available_only": "true", "from": start.isoformat(), "page_size": 20},
        )
        if found is None or not found.json()["items"]:
            return
        chosen = random.choice(found.json()["items"])
        booked = self.post(
            f"/api/v1/sessions/{chosen['id']}/bookings",
            "/api/v1/sessions/{id}/bookings",
            {},
            ok=(201, 409),
        )
        if booked is not None and booked.status_code == 201:
            self.post(
                f"/api/v1/bookings/{booked.json()['id']}/cancel",
                "/api/v1/bookings/{id}/cancel",
                {},
                ok=(200,),
            )

    @task(1)
    def ask_aria(self) -> None:
        self.post(
            "/api/v1/aria/ask", "/api/v1/aria/ask", {"question": random.choice(ARIA_QUESTIONS)}
        )

    @task(1)
    def me(self) -> None:
        self.get("/api/v1/auth/me", "/api/v1/auth/me")


class ParentTasks(Member):
    abstract = True
    weight = 2

    def account(self) -> str:
        return f"parent{next(_parent_numbers):05d}@{DOMAIN}"

    @task(4)
    def dashboard(self) -> None:
        found = self.get("/api/v1/dashboards/parent", "/api/v1/dashboards/parent")
        if found is not None:
            self.related = [child["student_id"] for child in found.json()["children"]]

    @task(1)
    def report(self) -> None:
        if self.related:
            child = random.choice(self.related)
            self.get(f"/api/v1/students/{child}/report.pdf", "/api/v1/students/{id}/report.pdf")

    @task(1)
    def bookings(self) -> None:
        if self.related:
            child = random.choice(self.related)
            self.get(f"/api/v1/students/{child}/bookings", "/api/v1/students/{id}/bookings")

    @task(1)
    def offers(self) -> None:
        self.get("/api/v1/offers", "/api/v1/offers")

    @task(1)
    def notifications(self) -> None:
        self.get("/api/v1/notifications", "/api/v1/notifications")


class TeacherTasks(Member):
    abstract = True
    weight = 1

    def account(self) -> str:
        return f"prof{next(_teacher_numbers):04d}@{DOMAIN}"

    @task(3)
    def dashboard(self) -> None:
        found = self.get("/api/v1/dashboards/teacher", "/api/v1/dashboards/teacher")
        if found is not None:
            self.related = [s["student_id"] for s in found.json()["students"]]

    @task(2)
    def sessions(self) -> None:
        self.get(
            "/api/v1/teachers/me/sessions",
            "/api/v1/teachers/me/sessions",
            params={"from": date.today().isoformat()},
        )

    @task(2)
    def record_assessment(self) -> None:
        if not self.related:
            return
        subject, chapter = random.choice(SUBJECT_CHAPTERS)
        self.post(
            "/api/v1/assessments",
            "/api/v1/assessments",
            {
                "student_id": random.choice(self.related),
                "subject": subject,
                "chapter": chapter,
                "score": float(random.randint(6, 20)),
                "max_score": 20.0,
                "assessed_on": (date.today() - timedelta(days=1)).isoformat(),
                "comment": "Devoir surveillé",
            },
        )

    @task(1)
    def search_content(self) -> None:
        self.get(
            "/api/v1/content",
            "/api/v1/content?q=",
            params={"q": random.choice(SEARCHES), "page_size": 10},
        )


# The 100-user scenario: think time between tasks.
THINK_TIME = between(0.5, 1.5)


class Student(StudentTasks, HttpUser):
    wait_time = THINK_TIME


class Parent(ParentTasks, HttpUser):
    wait_time = THINK_TIME


class Teacher(TeacherTasks, HttpUser):
    wait_time = THINK_TIME


# The capacity run: the same tasks and weights, closed loop (no think time).
class ClosedStudent(StudentTasks, FastHttpUser):
    wait_time = constant(0)


class ClosedParent(ParentTasks, FastHttpUser):
    wait_time = constant(0)


class ClosedTeacher(TeacherTasks, FastHttpUser):
    wait_time = constant(0)

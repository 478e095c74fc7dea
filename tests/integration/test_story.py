"""The whole story of the platform, over real HTTP only, on SQLite or PostgreSQL (+ Redis).

An admin creates a teacher and offers; a parent registers, links two children and enrols
them; the teacher opens sessions; a child books (and the two children race for the last seat
of another session: exactly one wins); the teacher records attendance and marks; the parent's
dashboard shows all of it; the PDF report holds the child's name and a chart.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from nexus import create_app
from nexus.db import Database
from nexus.migrations import runner
from tests.conftest import USES_POSTGRES, make_settings
from tests.support import services
from tests.support.http import HttpResponse, request
from tests.support.threaded_server import serve_in_thread

pytestmark = pytest.mark.slow
PASSWORD = "Révisions2026!"


@pytest.fixture()
def live_app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh, migrated database (never the shared test transaction) and an app on it."""
    if USES_POSTGRES:
        with services.scratch_database(services.require_postgres(), prefix="nexus_story") as url:
            yield from _app_on(url)
    else:
        yield from _app_on(f"sqlite:///{tmp_path / 'story.db'}")


def _app_on(url: str) -> Iterator[Flask]:
    settings = make_settings(
        url, login_limit_per_address="1000 per minute", sqlite_immediate_transactions=True
    )
    runner.upgrade(settings)
    app = create_app(settings)
    yield app
    Database.engine_for(app).dispose()


class Client:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def call(
        self, method: str, path: str, token: str | None = None, body: Any = None
    ) -> HttpResponse:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return request(method, f"{self.base_url}{path}", body, headers)

    def ok(self, method: str, path: str, token: str | None = None, body: Any = None) -> Any:
        response = self.call(method, path, token, body)
        assert 200 <= response.status_code < 300, (
            method,
            path,
            response.status_code,
            response.json(),
        )
        return response.json() if response.body else None

    def login(self, email: str, password: str = PASSWORD) -> str:
        token: str = self.ok(
            "POST", "/api/v1/auth/login", body={"email": email, "password": password}
        )["access_token"]
        return token

    def register(self, email: str, role: str, first_name: str, last_name: str) -> str:
        self.ok(
            "POST",
            "/api/v1/auth/register",
            body={
                "email": email,
                "password": PASSWORD,
                "role": role,
                "first_name": first_name,
                "last_name": last_name,
            },
        )
        return self.login(email)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_the_whole_story(live_app: Flask) -> None:
    created = live_app.test_cli_runner().invoke(
        args=["create-admin", "--email", "direction@nexus-reussite.fr"],
        env={"NEXUS_ADMIN_PASSWORD": "Pilotage2026!story"},
    )
    assert created.exit_code == 0, created.output

    with serve_in_thread(live_app) as base_url:
        api = Client(base_url)
        admin = api.login("direction@nexus-reussite.fr", "Pilotage2026!story")

        # The admin creates a teacher and the offers.
        teacher_body = {
            "email": "prof.maths@story.fr",
            "password": PASSWORD,
            "role": "teacher",
            "first_name": "Sophie",
            "last_name": "Bernard",
            "teacher_profile": {
                "subjects": ["mathematiques"],
                "levels": ["terminale"],
                "bio": "Agrégée.",
            },
        }
        api.ok("POST", "/api/v1/admin/users", admin, teacher_body)
        coaching = api.ok(
            "POST",
            "/api/v1/offers",
            admin,
            {
                "code": "coaching-10h",
                "name": "Coaching individuel — 10 h",
                "kind": "individual",
                "price_cents": 45000,
                "hours": 10,
                "max_group_size": 1,
            },
        )
        api.ok(
            "POST",
            "/api/v1/offers",
            admin,
            {
                "code": "stage-vacances",
                "name": "Stage intensif de vacances",
                "kind": "holiday_intensive",
                "price_cents": 39000,
                "hours": 15,
                "max_group_size": 6,
            },
        )

        # A parent registers; two children register and give their invitation codes.
        parent = api.register("camille.martin@story.fr", "parent", "Camille", "Martin")
        children = {}
        for first in ("Lucas", "Emma"):
            token = api.register(f"{first.lower()}.martin@story.fr", "student", first, "Martin")
            profile = {
                "level": "terminale",
                "specialties": ["mathematiques", "nsi"],
                "goals": "Mention",
            }
            api.ok("PUT", "/api/v1/students/me/profile", token, profile)
            code = api.ok("POST", "/api/v1/students/me/invitation-code", token)["invitation_code"]
            child = api.ok("POST", "/api/v1/parents/me/children", parent, {"invitation_code": code})
            children[first] = (child["id"], token)
        lucas_id, lucas = children["Lucas"]
        emma_id, emma = children["Emma"]
        for student_id in (lucas_id, emma_id):
            enrollment = api.ok(
                "POST",
                "/api/v1/enrollments",
                parent,
                {"offer_id": coaching["id"], "student_id": student_id},
            )
            assert enrollment["hours_remaining"] == 10

        # The teacher opens sessions: one about to start, one later with a single seat.
        teacher = api.login("prof.maths@story.fr")
        soon = datetime.now(UTC) + timedelta(seconds=3)
        first_session = api.ok(
            "POST",
            "/api/v1/sessions",
            teacher,
            {
                "kind": "individual",
                "subject": "mathematiques",
                "level": "terminale",
                "title": "Suites et récurrence",
                "starts_at": _iso(soon),
                "ends_at": _iso(soon + timedelta(minutes=60)),
                "capacity": 1,
                "online_url": "https://visio.nexus-reussite.fr/salle/story",
            },
        )
        later = datetime.now(UTC) + timedelta(days=2)
        last_seat = api.ok(
            "POST",
            "/api/v1/sessions",
            teacher,
            {
                "kind": "individual",
                "subject": "mathematiques",
                "level": "terminale",
                "title": "Fonction logarithme",
                "starts_at": _iso(later),
                "ends_at": _iso(later + timedelta(minutes=90)),
                "capacity": 1,
                "room": "Salle 2",
            },
        )

        # Lucas books the first session.
        booking = api.ok("POST", f"/api/v1/sessions/{first_session['id']}/bookings", lucas, {})
        assert booking["hours_charged"] == 1

        # Both children race for the last seat: exactly one wins.
        barrier = threading.Barrier(2)
        outcomes: dict[str, int] = {}

        def race(name: str, token: str) -> None:
            barrier.wait()
            response = api.call("POST", f"/api/v1/sessions/{last_seat['id']}/bookings", token, {})
            outcomes[name] = response.status_code

        racers = [
            threading.Thread(target=race, args=(n, t))
            for n, t in (("Lucas", lucas), ("Emma", emma))
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(timeout=30)
        assert sorted(outcomes.values()) == [201, 409], outcomes
        seat = api.ok("GET", f"/api/v1/sessions/{last_seat['id']}", admin)
        assert seat["seats_taken"] == 1

        # After the start, the teacher records attendance and marks.
        time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.2)
        attendance = api.ok(
            "PUT",
            f"/api/v1/sessions/{first_session['id']}/attendance",
            teacher,
            {
                "notes": "Raisonnement par récurrence.",
                "records": [
                    {"booking_id": booking["id"], "attendance": "present", "note": "Très bien"}
                ],
            },
        )
        assert attendance["bookings"][0]["attendance"] == "present"
        today = date.today()
        for days_ago, chapter, score in (
            (40, "Suites numériques", 11),
            (20, "Limites", 13.5),
            (2, "Récurrence", 16),
        ):
            api.ok(
                "POST",
                "/api/v1/assessments",
                teacher,
                {
                    "student_id": lucas_id,
                    "subject": "mathematiques",
                    "chapter": chapter,
                    "score": score,
                    "max_score": 20,
                    "assessed_on": (today - timedelta(days=days_ago)).isoformat(),
                    "comment": "Progrès nets ; soigner la rédaction.",
                },
            )

        # The parent's dashboard shows all of it.
        dashboard = api.ok("GET", "/api/v1/dashboards/parent", parent)
        summaries = {child["student_id"]: child for child in dashboard["children"]}
        assert set(summaries) == {lucas_id, emma_id}
        assert summaries[lucas_id]["remaining_minutes"] in (540, 450)  # 1 h, plus 1 h 30 if he won
        assert summaries[lucas_id]["progress"][0]["subject"] == "mathematiques"
        assert summaries[lucas_id]["progress"][0]["count"] == 3
        assert {a["chapter"] for a in dashboard["recent_assessments"]} >= {"Récurrence", "Limites"}
        upcoming = {s["session_id"] for s in dashboard["upcoming_sessions"]}
        assert last_seat["id"] in upcoming
        notifications = api.ok("GET", "/api/v1/notifications", parent)
        assert notifications["total"] >= 4  # bookings and marks

        # The progress report is a PDF with the child's name and the chart of marks.
        pdf = api.call("GET", f"/api/v1/students/{lucas_id}/report.pdf", parent)
        assert pdf.status_code == 200
        assert pdf.headers["Content-Type"] == "application/pdf"
        assert pdf.body.startswith(b"%PDF")
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body)).pages)
        assert "Lucas Martin" in text
        assert "Notes sur 20 par matière" in text  # the chart's title, drawn with the chart

        # Another family cannot see any of it.
        stranger = api.register("autre.parent@story.fr", "parent", "Autre", "Parent")
        assert api.call("GET", f"/api/v1/students/{lucas_id}", stranger).status_code == 404
        assert (
            api.call("GET", f"/api/v1/students/{lucas_id}/report.pdf", stranger).status_code == 404
        )

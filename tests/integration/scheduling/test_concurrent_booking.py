"""Races for the last seats, on real PostgreSQL, through a live multi-threaded server.

Each test builds its own scratch database (migrated by Alembic) and serves the app with
werkzeug's threaded server; N threads wait on a barrier with their connection open, then all
send their booking at once. Exactly ``capacity`` of them may win.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus import create_app
from nexus.accounts import tokens
from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.db import db
from nexus.migrations import runner
from nexus.offers.models import Enrollment
from nexus.scheduling.models import Booking, BookingStatus, TutoringSession
from tests import factories
from tests.conftest import make_settings
from tests.factories.accounts import UserFactory
from tests.factories.offers import EnrollmentFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.services import require_postgres, scratch_database
from tests.support.threaded_server import serve_in_thread

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
RACERS = 12


@dataclass
class LiveServer:
    app: Flask
    port: int
    sessions: list[Session] = field(default_factory=list)

    def token_for(self, user_id: int) -> str:
        with self.app.app_context(), db.standalone_session(self.app) as session:
            user = session.get_one(User, user_id)
            return tokens.open_session(session, user).access_token

    def arrange(self) -> Session:
        """A session on the live server's database, for arranging (the factories' rows go to it)
        and checking."""
        session = db.factory_for(self.app)()
        self.sessions.append(session)  # closed by the fixture, before the engine is disposed
        factories.bind(session)
        return session


@pytest.fixture()
def live() -> Iterator[LiveServer]:
    server_url = require_postgres()
    with scratch_database(server_url, prefix="nexus_race") as url:
        settings = make_settings(url, db_pool_size=RACERS + 4, db_max_overflow=4)
        runner.upgrade(settings)
        app = create_app(settings)
        try:
            with serve_in_thread(app) as base_url:
                live_server = LiveServer(app, int(base_url.rsplit(":", 1)[1]))
                yield live_server
                for session in live_server.sessions:
                    factories.unbind(session)
                    session.close()
        finally:
            db.engine_for(app).dispose()


def _race(live: LiveServer, requests: list[tuple[str, str]]) -> list[tuple[int, dict[str, Any]]]:
    """Send every (token, path) POST at the same instant; (status, body) in the same order."""
    barrier = threading.Barrier(len(requests))

    def fire(request: tuple[str, str]) -> tuple[int, dict[str, Any]]:
        token, path = request
        conn = http.client.HTTPConnection("127.0.0.1", live.port, timeout=30)
        conn.connect()
        barrier.wait()
        conn.request(
            "POST",
            path,
            body=b"{}",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        body = json.loads(response.read())
        conn.close()
        return response.status, body

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(fire, requests))


def _arrange_race(live: LiveServer, capacity: int) -> tuple[int, list[int], list[str]]:
    with live.app.app_context():
        session = live.arrange()
        teacher = UserFactory(role=Role.TEACHER)
        ts = TutoringSessionFactory(
            teacher_id=teacher.id, capacity=capacity, duration=timedelta(minutes=90)
        )
        students = [UserFactory(role=Role.STUDENT) for _ in range(RACERS)]
        for student in students:
            EnrollmentFactory(student_id=student.id, offer__hours=10)
        session.commit()
        ids, session_id = [s.id for s in students], ts.id
        session.close()
    return session_id, ids, [live.token_for(i) for i in ids]


@pytest.mark.parametrize("capacity", [1, 3])
def test_only_capacity_students_get_a_seat(live: LiveServer, capacity: int) -> None:
    session_id, student_ids, access_tokens = _arrange_race(live, capacity)
    path = f"/api/v1/sessions/{session_id}/bookings"
    started = time.perf_counter()
    results = _race(live, [(token, path) for token in access_tokens])
    elapsed = time.perf_counter() - started

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: capacity, 409: RACERS - capacity}, results
    codes = {body["error"]["code"] for status, body in results if status == 409}
    assert codes == {"session_full"}
    winners = {body["student_id"] for status, body in results if status == 201}

    with live.app.app_context():
        session = live.arrange()
        ts = session.get_one(TutoringSession, session_id)
        assert ts.seats_taken == capacity
        booked = session.scalars(
            select(Booking.student_id).where(
                Booking.session_id == session_id, Booking.status == BookingStatus.BOOKED
            )
        ).all()
        assert set(booked) == winners and len(booked) == capacity
        used = dict(
            session.execute(
                select(Enrollment.student_id, Enrollment.minutes_used).where(
                    Enrollment.student_id.in_(student_ids)
                )
            ).all()
        )
        assert {sid: minutes for sid, minutes in used.items() if minutes} == {
            sid: 90 for sid in winners
        }
        session.close()
    print(f"\n{RACERS} simultaneous bookings, capacity {capacity}: {elapsed * 1000:.0f} ms")


def test_one_student_cannot_win_two_overlapping_sessions_at_once(live: LiveServer) -> None:
    with live.app.app_context():
        session = live.arrange()
        first_teacher, second_teacher = (UserFactory(role=Role.TEACHER) for _ in range(2))
        student = UserFactory(role=Role.STUDENT)
        EnrollmentFactory(student_id=student.id, offer__hours=10)
        first = TutoringSessionFactory(teacher_id=first_teacher.id, capacity=5)
        second = TutoringSessionFactory(
            teacher_id=second_teacher.id, capacity=5, starts_at=first.starts_at
        )
        session.commit()
        paths = [f"/api/v1/sessions/{ts.id}/bookings" for ts in (first, second)]
        student_id = student.id
        session.close()
    token = live.token_for(student_id)
    results = _race(live, [(token, path) for path in paths * 3])
    statuses = Counter(status for status, _ in results)
    assert statuses[201] == 1, results
    codes = Counter(body["error"]["code"] for status, body in results if status == 409)
    assert set(codes) <= {"student_overlap", "already_booked"} and sum(codes.values()) == 5
    with live.app.app_context():
        session = live.arrange()
        total = session.scalar(
            select(func.count()).select_from(Booking).where(Booking.student_id == student_id)
        )
        assert total == 1
        assert (
            session.scalar(
                select(Enrollment.minutes_used).where(Enrollment.student_id == student_id)
            )
            == 60
        )
        session.close()


def test_a_booking_cancelled_many_times_at_once_is_refunded_once(live: LiveServer) -> None:
    with live.app.app_context():
        session = live.arrange()
        teacher, student = UserFactory(role=Role.TEACHER), UserFactory(role=Role.STUDENT)
        enrollment = EnrollmentFactory(student_id=student.id, offer__hours=10)
        ts = TutoringSessionFactory(teacher_id=teacher.id, capacity=3)
        booking = BookingFactory(session=ts, student_id=student.id, enrollment=enrollment)
        session.commit()
        ids = (student.id, ts.id, enrollment.id, booking.id)
        session.close()
    student_id, session_id, enrollment_id, booking_id = ids
    token = live.token_for(student_id)
    results = _race(live, [(token, f"/api/v1/bookings/{booking_id}/cancel")] * 6)
    statuses = Counter(status for status, _ in results)
    assert statuses == {200: 1, 409: 5}, results
    assert {body["error"]["code"] for status, body in results if status == 409} == {
        "already_cancelled"
    }
    with live.app.app_context():
        session = live.arrange()
        assert session.get_one(TutoringSession, session_id).seats_taken == 0
        assert session.get_one(Enrollment, enrollment_id).minutes_used == 0
        session.close()

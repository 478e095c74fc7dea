"""A series booking racing a single booking for an occurrence's last seat, on real PostgreSQL.

The single booking's transaction takes the last seat of the third occurrence and holds its row
lock; the series booking, sent to a live threaded server meanwhile, books the first two
occurrences and then waits on that lock (seen in ``pg_stat_activity``). Once the single
booking commits, the series booking's conditional UPDATE finds no seat: the whole request
fails with 409 and leaves no row behind.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from nexus import create_app
from nexus.accounts import tokens
from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.clock import PARIS
from nexus.db import db
from nexus.migrations import runner
from nexus.offers.models import Enrollment
from nexus.scheduling import bookings
from nexus.scheduling.models import Booking, BookingStatus, SessionSeries, TutoringSession
from tests import factories
from tests.conftest import make_settings
from tests.factories.accounts import UserFactory
from tests.factories.offers import EnrollmentFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.services import require_postgres, scratch_database
from tests.support.threaded_server import serve_in_thread

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
DAYS = [date(2027, 11, 4), date(2027, 11, 18), date(2027, 11, 25)]


@pytest.fixture()
def live() -> Iterator[tuple[Flask, int]]:
    server_url = require_postgres()
    with scratch_database(server_url, prefix="nexus_series_race") as url:
        settings = make_settings(url, db_pool_size=6, db_max_overflow=2)
        runner.upgrade(settings)
        app = create_app(settings)
        try:
            with serve_in_thread(app) as base_url:
                yield app, int(base_url.rsplit(":", 1)[1])
        finally:
            db.engine_for(app).dispose()


def _arrange(app: Flask) -> dict[str, Any]:
    with app.app_context():
        session = db.factory_for(app)()
        factories.bind(session)
        try:
            teacher = UserFactory(role=Role.TEACHER)
            series = SessionSeries(teacher_id=teacher.id, count=3, skipped=[])
            session.add(series)
            session.flush()
            occurrences = [
                TutoringSessionFactory(
                    teacher_id=teacher.id,
                    series_id=series.id,
                    capacity=2,
                    starts_at=datetime.combine(day, clock_time(17), tzinfo=PARIS),
                )
                for day in DAYS
            ]
            BookingFactory(session=occurrences[2])  # one of the last occurrence's two seats
            family, rival = UserFactory(role=Role.STUDENT), UserFactory(role=Role.STUDENT)
            for student in (family, rival):
                EnrollmentFactory(student_id=student.id, offer__hours=10)
            session.commit()
            ids = {
                "series": series.id,
                "occurrences": [ts.id for ts in occurrences],
                "family": family.id,
                "rival": rival.id,
                "token": tokens.open_session(session, family).access_token,
            }
            session.commit()
            return ids
        finally:
            factories.unbind(session)
            session.close()


def _post(port: int, token: str, path: str) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
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


def _waiting_on_a_lock(session: Session) -> bool:
    return bool(
        session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
        )
    )


def test_a_single_booking_taking_the_last_seat_fails_the_whole_series_booking(
    live: tuple[Flask, int],
) -> None:
    app, port = live
    ids = _arrange(app)
    last = ids["occurrences"][2]
    with app.app_context():
        rival_tx = db.factory_for(app)()
        watcher = db.factory_for(app)()
        try:
            # The single booking holds the last seat, not yet committed.
            bookings.book_for(rival_tx, ids["rival"], last, None)
            with ThreadPoolExecutor(max_workers=1) as pool:
                pending = pool.submit(
                    _post, port, ids["token"], f"/api/v1/session-series/{ids['series']}/bookings"
                )
                deadline = time.monotonic() + 15
                while not _waiting_on_a_lock(watcher):
                    watcher.rollback()  # a fresh snapshot of pg_stat_activity
                    assert time.monotonic() < deadline, "the series booking never waited"
                    assert not pending.done(), pending.result()
                    time.sleep(0.05)
                rival_tx.commit()
                status, body = pending.result(timeout=30)
        finally:
            rival_tx.close()
            watcher.close()

    assert status == 409, body
    assert body["error"]["code"] == "session_full"
    assert body["error"]["message"].startswith("Séance du jeudi 25 novembre à 17 h 00 : ")
    with app.app_context():
        session = db.factory_for(app)()
        try:
            family_rows = session.scalar(
                select(func.count()).select_from(Booking).where(Booking.student_id == ids["family"])
            )
            assert family_rows == 0
            seats = session.scalars(
                select(TutoringSession.seats_taken)
                .where(TutoringSession.id.in_(ids["occurrences"]))
                .order_by(TutoringSession.starts_at)
            ).all()
            assert list(seats) == [0, 0, 2]
            assert (
                session.scalar(
                    select(Enrollment.minutes_used).where(Enrollment.student_id == ids["family"])
                )
                == 0
            )
            rival = session.scalars(select(Booking).where(Booking.student_id == ids["rival"])).one()
            assert rival.session_id == last and rival.status is BookingStatus.BOOKED
            assert session.get_one(User, ids["family"]).id == ids["family"]
        finally:
            session.close()


def test_without_a_rival_the_series_is_booked_whole(live: tuple[Flask, int]) -> None:
    app, port = live
    ids = _arrange(app)
    status, body = _post(port, ids["token"], f"/api/v1/session-series/{ids['series']}/bookings")
    assert status == 201, body
    assert [b["session"]["id"] for b in body["bookings"]] == ids["occurrences"]
    assert [b["session"]["seats_taken"] for b in body["bookings"]] == [1, 1, 2]

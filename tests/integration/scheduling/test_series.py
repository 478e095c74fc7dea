"""Weekly series: created around French closures, shown, moved, cancelled, booked whole."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from nexus.accounts.roles import Role
from nexus.clock import PARIS
from nexus.notifications.models import Notification
from nexus.offers.models import Enrollment
from nexus.scheduling.models import Booking, SessionSeries, TutoringSession
from nexus.scheduling.recurrence import MAX_OCCURRENCES, school_data_last_day
from tests.factories.offers import EnrollmentFactory
from tests.factories.people import ParentLinkFactory
from tests.factories.scheduling import TutoringSessionFactory
from tests.support.api import Actor, Api

SERIES = "/api/v1/session-series"


def _at(day: date, hour: int = 17, minutes: int = 60) -> dict[str, str]:
    start = datetime.combine(day, time(hour), tzinfo=PARIS)
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=minutes)).isoformat(),
    }


def _body(day: date, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "group",
        "subject": "mathematiques",
        "level": "terminale",
        "title": "Suites",
        "online_url": "https://visio.nexus-reussite.fr/salle/suites",
        "capacity": 3,
        **_at(day),
        **extra,
    }


def _create(api: Api, actor: Actor, day: date, **extra: Any) -> TestResponse:
    return api.post(SERIES, actor, json=_body(day, **extra))


def _local_days(body: dict[str, Any]) -> list[str]:
    return [o["starts_at_local"][:10] for o in body["occurrences"]]


def _error(response: TestResponse, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    return error


def test_a_weekly_series_across_the_toussaint_holidays_of_zone_c_skips_them(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    response = _create(api, teacher, date(2027, 10, 11), until="2027-11-22", zone="C")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert _local_days(body) == [
        "2027-10-11",
        "2027-10-18",
        "2027-11-08",
        "2027-11-15",
        "2027-11-22",
    ]
    assert body["skipped"] == [
        {"date": "2027-10-25", "kind": "school_holiday", "reason": "Vacances de la Toussaint"},
        {"date": "2027-11-01", "kind": "public_holiday", "reason": "Toussaint"},
    ]
    assert body["zone"] == "C" and body["until"] == "2027-11-22" and body["count"] is None
    # DST ends on 31 Oct 2027: 17:00 in Paris on both sides, the UTC instant moves.
    assert {o["starts_at_local"][11:16] for o in body["occurrences"]} == {"17:00"}
    assert [o["starts_at"][11:13] for o in body["occurrences"]] == ["15", "15", "16", "16", "16"]

    again = api.get(f"{SERIES}/{body['id']}", teacher).get_json()
    assert again == body


def test_a_public_holiday_is_skipped_and_count_counts_real_sessions(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    response = _create(api, teacher, date(2027, 11, 4), count=3)  # Thursday; 11 Nov closed
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert _local_days(body) == ["2027-11-04", "2027-11-18", "2027-11-25"]
    assert body["skipped"] == [
        {"date": "2027-11-11", "kind": "public_holiday", "reason": "Armistice"}
    ]
    later = _body(date(2027, 11, 4), until="2027-11-25", **_at(date(2027, 11, 4), hour=19))
    by_until = api.post(SERIES, teacher, json=later)
    assert by_until.status_code == 201, by_until.get_json()
    assert _local_days(by_until.get_json()) == _local_days(body)


@pytest.mark.parametrize(
    ("extra", "status", "field"),
    [
        ({"until": "2027-11-01"}, 422, "until ne doit pas précéder starts_at"),
        ({"until": "2027-12-01", "count": 2}, 422, "indiquez soit until, soit count"),
        ({}, 422, "indiquez soit until, soit count"),
        ({"count": MAX_OCCURRENCES + 1}, 422, "count"),
        ({"count": 2, "zone": "D"}, 422, "zone"),
        ({"until": "2029-06-01"}, 422, "Une série compte au plus 52 séances"),
    ],
)
def test_invalid_series_are_refused_in_the_error_shape(
    api: Api, session: Session, extra: dict[str, Any], status: int, field: str
) -> None:
    teacher = api.actor(Role.TEACHER)
    error = _error(_create(api, teacher, date(2027, 11, 4), **extra), status)
    # A field's name, or the start of the French message for whole-body rules.
    assert any(f["field"] == field or f["message"].startswith(field) for f in error["fields"])
    assert session.scalar(select(func.count()).select_from(SessionSeries)) == 0


def test_a_series_starting_too_far_ahead_is_refused(api: Api) -> None:
    teacher = api.actor(Role.TEACHER)
    error = _error(_create(api, teacher, date(9999, 12, 2), count=52), 422)
    assert error["code"] == "too_far_ahead"
    assert error["message"] == "Une série commence dans les deux ans."


def test_a_zone_past_the_known_holiday_data_is_a_clear_422(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER)
    last = school_data_last_day()
    error = _error(_create(api, teacher, last - timedelta(days=13), count=4, zone="B"), 422)
    assert error["code"] == "beyond_holiday_calendar"
    assert last.strftime("%d/%m/%Y") in error["message"]
    assert session.scalar(select(func.count()).select_from(TutoringSession)) == 0


def test_a_clash_on_one_occurrence_creates_nothing_and_names_the_day(
    api: Api, session: Session
) -> None:
    teacher = api.actor(Role.TEACHER)
    third = datetime.combine(date(2027, 11, 25), time(17), tzinfo=PARIS)
    TutoringSessionFactory(teacher_id=teacher.id, starts_at=third)
    session.commit()
    error = _error(_create(api, teacher, date(2027, 11, 4), count=3), 409)
    assert error["code"] == "teacher_overlap"
    assert error["message"].startswith("Séance du jeudi 25 novembre à 17 h 00 : "), error
    assert session.scalar(select(func.count()).select_from(SessionSeries)) == 0
    assert session.scalar(select(func.count()).select_from(TutoringSession)) == 1


def test_access_teachers_schedule_their_own_admins_anyone_strangers_get_404(
    api: Api,
) -> None:
    teacher, other = api.actor(Role.TEACHER), api.actor(Role.TEACHER)
    admin, student = api.actor(Role.ADMIN), api.actor(Role.STUDENT)
    error = _error(_create(api, teacher, date(2027, 11, 4), count=2, teacher_id=other.id), 403)
    assert error["code"] == "not_your_schedule"
    assert _create(api, student, date(2027, 11, 4), count=2).status_code == 403
    assert _error(_create(api, admin, date(2027, 11, 4), count=2), 422)["code"] == (
        "teacher_required"
    )
    created = _create(api, admin, date(2027, 11, 4), count=2, teacher_id=teacher.id)
    assert created.status_code == 201, created.get_json()
    series_id = created.get_json()["id"]
    assert created.get_json()["teacher"]["id"] == teacher.id

    assert api.get(f"{SERIES}/{series_id}", other).status_code == 404
    cancel = api.post(f"{SERIES}/{series_id}/cancel", other, json={"from": "2027-11-01"})
    assert cancel.status_code == 404
    occurrence = created.get_json()["occurrences"][0]["id"]
    move = api.patch(
        f"{SERIES}/{series_id}/occurrences/{occurrence}", other, json=_at(date(2027, 11, 5))
    )
    assert move.status_code == 404
    assert api.get(f"{SERIES}/999999", teacher).status_code == 404
    seen = api.get(f"{SERIES}/{series_id}", student).get_json()
    assert seen["occurrences"][0]["bookings"] is None  # families see the series, not bookings


def test_an_occurrence_is_moved_and_the_rest_cancelled_with_families_told(
    api: Api, session: Session
) -> None:
    teacher, student = api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    EnrollmentFactory(student_id=student.id, offer__hours=10)
    session.commit()
    body = _create(api, teacher, date(2027, 11, 4), count=4).get_json()
    series_id, ids = body["id"], [o["id"] for o in body["occurrences"]]
    booked = api.post(f"{SERIES}/{series_id}/bookings", student, json={})
    assert booked.status_code == 201, booked.get_json()

    moved = api.patch(
        f"{SERIES}/{series_id}/occurrences/{ids[1]}", teacher, json=_at(date(2027, 11, 19), 18)
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["starts_at_local"].startswith("2027-11-19T18:00")
    clash = api.patch(
        f"{SERIES}/{series_id}/occurrences/{ids[1]}", teacher, json=_at(date(2027, 11, 25))
    )
    assert _error(clash, 409)["code"] == "teacher_overlap"

    cancelled = api.post(
        f"{SERIES}/{series_id}/cancel", teacher, json={"from": "2027-11-25", "reason": "Stage"}
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    statuses = [o["status"] for o in cancelled.get_json()["occurrences"]]
    assert statuses == ["scheduled", "scheduled", "cancelled", "cancelled"]
    kinds = session.scalars(
        select(Notification.kind).where(Notification.user_id == student.id)
    ).all()
    assert list(kinds).count("session_cancelled") == 2
    enrollment = session.scalars(select(Enrollment).where(Enrollment.student_id == student.id))
    assert enrollment.one().minutes_used == 120  # two of four hours refunded
    nothing = api.post(f"{SERIES}/{series_id}/cancel", teacher, json={"from": "2027-12-01"})
    assert _error(nothing, 409)["code"] == "nothing_to_cancel"


def test_a_parent_books_the_whole_series_for_their_child(api: Api, session: Session) -> None:
    teacher, student, parent = (
        api.actor(Role.TEACHER),
        api.actor(Role.STUDENT),
        api.actor(Role.PARENT),
    )
    stranger = api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=student.id)
    EnrollmentFactory(student_id=student.id, offer__hours=10)
    session.commit()
    series_id = _create(api, teacher, date(2027, 11, 4), count=3).get_json()["id"]
    path = f"{SERIES}/{series_id}/bookings"

    assert api.post(path, stranger, json={"student_id": student.id}).status_code == 404
    assert _error(api.post(path, parent, json={}), 422)["code"] == "student_required"
    response = api.post(path, parent, json={"student_id": student.id})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["student_id"] == student.id and len(body["bookings"]) == 3
    again = api.post(path, student, json={})
    assert _error(again, 409)["code"] == "already_booked"


def test_booking_a_series_is_all_or_nothing_and_names_the_failing_date(
    api: Api, session: Session
) -> None:
    teacher, student, rival = (
        api.actor(Role.TEACHER),
        api.actor(Role.STUDENT),
        api.actor(Role.STUDENT),
    )
    EnrollmentFactory(student_id=student.id, offer__hours=10)
    EnrollmentFactory(student_id=rival.id, offer__hours=10)
    session.commit()
    body = _create(api, teacher, date(2027, 11, 4), count=3, capacity=2).get_json()
    series_id, last = body["id"], body["occurrences"][2]
    for _ in range(1):
        assert (
            api.post(f"/api/v1/sessions/{last['id']}/bookings", rival, json={}).status_code == 201
        )
    other = api.actor(Role.STUDENT)
    EnrollmentFactory(student_id=other.id, offer__hours=10)
    session.commit()
    assert api.post(f"/api/v1/sessions/{last['id']}/bookings", other, json={}).status_code == 201

    error = _error(api.post(f"{SERIES}/{series_id}/bookings", student, json={}), 409)
    assert error["code"] == "session_full"
    assert error["message"].endswith("Cette séance est complète."), error
    assert error["message"].startswith("Séance du jeudi 25 novembre à 17 h 00 : "), error
    assert (
        session.scalar(
            select(func.count()).select_from(Booking).where(Booking.student_id == student.id)
        )
        == 0
    )
    seats = session.scalars(
        select(TutoringSession.seats_taken)
        .where(TutoringSession.series_id == series_id)
        .order_by(TutoringSession.starts_at)
    ).all()
    assert list(seats) == [0, 0, 2]
    minutes = session.scalar(
        select(Enrollment.minutes_used).where(Enrollment.student_id == student.id)
    )
    assert minutes == 0
    kinds = session.scalars(select(Notification.kind).where(Notification.user_id == student.id))
    assert not list(kinds)


def test_hours_running_out_mid_series_books_nothing(api: Api, session: Session) -> None:
    teacher, student = api.actor(Role.TEACHER), api.actor(Role.STUDENT)
    EnrollmentFactory(student_id=student.id, offer__hours=2)
    session.commit()
    series_id = _create(api, teacher, date(2027, 11, 4), count=3).get_json()["id"]
    error = _error(api.post(f"{SERIES}/{series_id}/bookings", student, json={}), 409)
    assert error["code"] == "insufficient_hours"
    assert error["message"].startswith("Séance du jeudi 25 novembre à 17 h 00 : "), error
    assert session.scalar(select(func.count()).select_from(Booking)) == 0

"""The demo data set: profiles, family links, catalogue, enrollments and sessions; idempotent."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.demo import seed_demo
from nexus.models import Booking, Enrollment, Notification, Offer, ParentLink, TutoringSession
from nexus.scheduling.models import SessionStatus
from tests.support.api import Api


def _counts(session: Session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Offer, Enrollment, ParentLink, TutoringSession, Booking, Notification)
    }


def test_demo_seed_is_consistent_and_idempotent(app: Flask, session: Session, api: Api) -> None:
    with app.app_context():
        seed_demo(session)
        session.commit()
        first = _counts(session)
        seed_demo(session)
        session.commit()
    assert _counts(session) == first
    assert (
        first["Offer"] == 4 and first["ParentLink"] == 2 and first["TutoringSession"] == 9
    )  # 8 + last year's at-home lesson

    for ts in session.scalars(select(TutoringSession)):
        booked = session.scalar(
            select(func.count()).select_from(Booking).where(Booking.session_id == ts.id)
        )
        assert ts.seats_taken == booked <= ts.capacity
    for enrollment in session.scalars(select(Enrollment)):
        charged = session.scalar(
            select(func.coalesce(func.sum(Booking.minutes_charged), 0)).where(
                Booking.enrollment_id == enrollment.id
            )
        )
        assert enrollment.minutes_used == charged <= enrollment.minutes_bought
    statuses = set(session.scalars(select(TutoringSession.status)))
    assert statuses == {SessionStatus.COMPLETED, SessionStatus.SCHEDULED}

    tokens = api.login("parent@nexus-reussite.fr", "Famille2026!demo").get_json()
    parent = {"Authorization": f"Bearer {tokens['access_token']}"}
    children = api.get("/api/v1/parents/me/children", headers=parent).get_json()["items"]
    assert [(c["first_name"], c["level"], c["specialties"]) for c in children] == [
        ("Emma", "premiere", ["mathematiques", "physique_chimie"]),
        ("Lucas", "terminale", ["nsi", "mathematiques"]),
    ]
    lucas = api.login("lucas@nexus-reussite.fr", "Eleve2026!demo").get_json()
    headers = {"Authorization": f"Bearer {lucas['access_token']}"}
    bookings = api.get("/api/v1/students/me/bookings", headers=headers).get_json()
    assert bookings["total"] == 5  # 4 + last year's at-home lesson
    assert bookings["items"][0]["attendance"] == "present"
    inbox = api.get("/api/v1/notifications", headers=headers).get_json()
    assert inbox["total"] == 2
    assert inbox["items"][0]["title"].startswith("Séance réservée : ")

"""Day-before reminders: tomorrow in Paris time, once per person and session."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.notifications.models import Notification, NotificationKind
from nexus.scheduling.models import SessionStatus
from nexus.scheduling.reminders import send_reminders
from tests.factories import people, scheduling

YEAR = datetime.now(UTC).year + 1
# 18:00 in Paris on 10 March: "tomorrow" is 11 March, Paris time (UTC+1 in March).
NOW = datetime(YEAR, 3, 10, 17, 0, tzinfo=UTC)


def _reminders(session: Session) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.kind == NotificationKind.SESSION_REMINDER)
            .order_by(Notification.id)
        )
    )


def test_reminders_cover_tomorrow_in_paris_and_are_idempotent(session: Session) -> None:
    teacher = people.user(session, Role.TEACHER, first_name="Sophie", last_name="Bernard")
    student, parent = people.user(session, Role.STUDENT), people.user(session, Role.PARENT)
    people.link(session, parent.id, student.id)

    def at(
        utc_hour: int,
        day: int = 11,
        minute: int = 0,
        status: SessionStatus = SessionStatus.SCHEDULED,
    ) -> int:
        start = datetime(YEAR, 3, day, utc_hour, minute, tzinfo=UTC)
        ts = scheduling.tutoring_session(
            session, teacher.id, starts_at=start, capacity=4, status=status
        )
        scheduling.booking(session, ts, student.id)
        return ts.id

    early = at(6)  # 07:00 Paris on the 11th
    late = at(22, minute=30)  # 23:30 Paris on the 11th
    at(23, minute=30)  # 00:30 Paris on the 12th: the day after tomorrow
    at(20, day=10)  # today
    at(8, status=SessionStatus.CANCELLED)
    scheduling.tutoring_session(session, teacher.id, starts_at=datetime(YEAR, 3, 11, 9, tzinfo=UTC))
    session.commit()

    assert send_reminders(session, NOW) == 6
    sent = _reminders(session)
    assert {(n.data["session_id"], n.user_id) for n in sent} == {
        (ts_id, user_id)
        for ts_id in (early, late)
        for user_id in (teacher.id, student.id, parent.id)
    }
    first = next(n for n in sent if n.data["session_id"] == early)
    assert first.title == "Rappel : Mathématiques demain à 7 h 00"
    weekday = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")[
        date(YEAR, 3, 11).weekday()
    ]
    assert first.body == f"Séance avec Sophie Bernard le {weekday} 11 mars à 7 h 00 (en ligne)."
    assert send_reminders(session, NOW) == 0
    assert send_reminders(session, NOW + timedelta(hours=5)) == 0  # still the 10th in Paris
    assert len(_reminders(session)) == 6


def test_cli_sends_reminders(app: Flask, session: Session) -> None:
    teacher, student = people.user(session, Role.TEACHER), people.user(session, Role.STUDENT)
    ts = scheduling.tutoring_session(
        session, teacher.id, starts_at=datetime(YEAR, 3, 11, 16, tzinfo=UTC)
    )
    scheduling.booking(session, ts, student.id)
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-reminders", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert "2 reminder(s) sent" in result.output
    assert (
        "0 reminder(s) sent"
        in runner.invoke(args=["send-reminders", "--now", NOW.isoformat()]).output
    )
    assert "0 reminder(s) sent" in runner.invoke(args=["send-reminders"]).output
    for bad in ("yesterday", "2030-03-10T18:00:00"):
        failed = runner.invoke(args=["send-reminders", "--now", bad])
        assert failed.exit_code == 2
        assert "--now" in failed.output

"""Notices by e-mail: every in-app notice is copied to the outbox for the recipients who
want its category by e-mail, once for a notice given once (the day-before reminder)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.mail import MailStatus, OutboxMessage
from nexus.scheduling.reminders import send_reminders
from tests.factories.people import ParentLinkFactory
from tests.factories.scheduling import BookingFactory, TutoringSessionFactory
from tests.support.api import Api

YEAR = datetime.now(UTC).year + 1


def _outbox(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_cancellation_is_mailed_to_the_family_as_each_one_chose(
    api: Api, session: Session
) -> None:
    teacher = api.actor(Role.TEACHER, first_name="Sophie", last_name="Bernard")
    student = api.actor(Role.STUDENT, first_name="Lucas")
    parent = api.actor(Role.PARENT, first_name="Claire")
    ParentLinkFactory(parent_id=parent.id, student_id=student.id)
    first, second = (
        TutoringSessionFactory(teacher_id=teacher.id, capacity=3, starts_in=timedelta(days=days))
        for days in (3, 4)
    )
    for ts in (first, second):
        BookingFactory(session=ts, student_id=student.id)
    session.commit()

    cancelled = api.post(
        f"/api/v1/sessions/{first.id}/cancel", teacher, json={"reason": "Grève des transports"}
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    mails = [m for m in _outbox(session) if m.category == "sessions"]
    assert sorted(m.to_address for m in mails) == sorted([student.user.email, parent.user.email])
    to_parent = next(m for m in mails if m.to_user_id == parent.id)
    assert to_parent.subject.startswith("Séance annulée")
    assert to_parent.body_text.startswith("Bonjour Claire,")
    assert "Motif : Grève des transports." in to_parent.body_text
    assert "/api/v1/mail/unsubscribe?token=" in to_parent.body_text  # not essential

    turned_off = api.put(
        "/api/v1/notifications/preferences",
        parent,
        json={"preferences": [{"category": "sessions", "email": False}]},
    )
    assert turned_off.status_code == 200
    api.post(f"/api/v1/sessions/{second.id}/cancel", teacher, json={"reason": ""})
    later = [m for m in _outbox(session) if m.category == "sessions"][len(mails) :]
    assert [m.to_user_id for m in later] == [student.id]  # the parent still sees it in the app
    assert all(m.status is MailStatus.PENDING for m in later)


def test_the_day_before_reminder_is_mailed_once(api: Api, session: Session) -> None:
    teacher = api.actor(Role.TEACHER)
    student = api.actor(Role.STUDENT)
    now = datetime(YEAR, 3, 10, 17, 0, tzinfo=UTC)
    ts = TutoringSessionFactory(
        teacher_id=teacher.id, starts_at=datetime(YEAR, 3, 11, 9, tzinfo=UTC), capacity=2
    )
    BookingFactory(session=ts, student_id=student.id)
    session.commit()
    with api.app.app_context():
        assert send_reminders(session, now) == 2
        assert send_reminders(session, now) == 0
    reminders = [m for m in _outbox(session) if m.subject.startswith("Rappel")]
    assert sorted(m.to_user_id for m in reminders) == sorted([teacher.id, student.id])

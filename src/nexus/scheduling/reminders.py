"""The day-before reminder, sent by ``nexus send-reminders`` (run it once a day, e.g. 18:00).

Decision: a run reminds every participant of the sessions starting *tomorrow in Paris time*
(the calendar day after the run's Paris date), whatever the hour of the run. A calendar day
matches how people think ("your session tomorrow") and does not depend on when cron fires;
a sliding 24–48 h window would skip or repeat sessions when a run is late or early.
Runs are idempotent: each reminder carries ``dedupe_key = reminder:<session>:<user>``,
inserted with ON CONFLICT DO NOTHING, so a second run (or two at once) sends nothing new.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from nexus.notifications.models import NotificationKind
from nexus.notifications.services import notify_once
from nexus.people import access
from nexus.scheduling.models import BookingStatus, SessionStatus, TutoringSession
from nexus.scheduling.texts import (
    clock_fr,
    paris_day_bounds,
    place_fr,
    subject_label,
    to_paris,
    when_fr,
)


def send_reminders(session: Session, now: datetime) -> int:
    """Remind tomorrow's (Paris) booked students, their parents and the teachers."""
    start, end = paris_day_bounds(to_paris(now).date() + timedelta(days=1))
    upcoming = session.scalars(
        select(TutoringSession)
        .where(
            TutoringSession.status == SessionStatus.SCHEDULED,
            TutoringSession.starts_at >= start,
            TutoringSession.starts_at < end,
        )
        .options(selectinload(TutoringSession.bookings))
        .order_by(TutoringSession.starts_at, TutoringSession.id)
    ).all()
    students = {
        b.student_id for ts in upcoming for b in ts.bookings if b.status is BookingStatus.BOOKED
    }
    parents = access.parents_by_student(session, students)
    sent = 0
    for ts in upcoming:
        booked = [b.student_id for b in ts.bookings if b.status is BookingStatus.BOOKED]
        if not booked:
            continue
        users = [ts.teacher_id, *booked, *(p for s in booked for p in parents[s])]
        title = f"Rappel : {subject_label(ts.subject)} demain à {clock_fr(ts.starts_at)}"
        body = (
            f"Séance avec {ts.teacher.full_name} le {when_fr(ts.starts_at)} "
            f"({place_fr(ts.online_url, ts.room, ts.place)})."
        )
        sent += notify_once(
            session,
            {user_id: f"reminder:{ts.id}:{user_id}" for user_id in users},
            NotificationKind.SESSION_REMINDER,
            title,
            body,
            {"session_id": ts.id},
        )
    return sent

"""What students, parents and teachers are told when a booking or a session changes (French)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.notifications.models import NotificationKind
from nexus.notifications.services import Notice, notify, notify_each
from nexus.people import access
from nexus.scheduling.models import Booking, TutoringSession
from nexus.scheduling.texts import hours_fr, place_fr, subject_label, when_fr


def _headline(prefix: str, ts: TutoringSession) -> str:
    return f"{prefix} : {subject_label(ts.subject)} le {when_fr(ts.starts_at)}"


def _family(session: Session, student_id: int) -> list[int]:
    return [student_id, *access.parents_of(session, student_id)]


def _to_student_and_others(
    session: Session,
    booking: Booking,
    student: User,
    kind: NotificationKind,
    title: str,
    bodies: tuple[str, str, str],
) -> None:
    """Each reader is spoken to as themselves (``vous``): the student about their booking, the
    parents about their child, the teacher about their session."""
    ts = booking.session
    data = {"session_id": ts.id, "booking_id": booking.id, "student_id": student.id}
    yours, family, teachers = bodies
    parents = [
        uid for uid in _family(session, student.id) if uid not in (student.id, ts.teacher_id)
    ]
    notices = [Notice([student.id], title, yours), Notice(parents, title, family)]
    if ts.teacher_id != student.id:
        notices.append(Notice([ts.teacher_id], title, teachers))
    notify_each(session, kind, data, notices)


def booked(session: Session, booking: Booking, student: User) -> None:
    """Tell the student, their parents and the teacher."""
    ts = booking.session
    place = place_fr(ts.online_url, ts.room, ts.place)
    details = (
        f"avec {ts.teacher.full_name} ({place}). "
        f"Heures décomptées : {hours_fr(booking.minutes_charged)}."
    )
    _to_student_and_others(
        session,
        booking,
        student,
        NotificationKind.SESSION_BOOKED,
        _headline("Séance réservée", ts),
        (
            f"Vous avez réservé la séance {details}",
            f"{student.full_name} a réservé la séance {details}",
            f"{student.full_name} a réservé votre séance ({place}).",
        ),
    )


def booking_cancelled(session: Session, booking: Booking, student: User) -> None:
    ts = booking.session
    refund = f"Heures recréditées : {hours_fr(booking.minutes_charged)}."
    _to_student_and_others(
        session,
        booking,
        student,
        NotificationKind.SESSION_CANCELLED,
        _headline("Réservation annulée", ts),
        (
            f"Votre réservation de la séance avec {ts.teacher.full_name} est annulée. {refund}",
            f"{student.full_name} ne participera pas à la séance avec {ts.teacher.full_name}. "
            + refund,
            f"{student.full_name} ne participera pas à votre séance.",
        ),
    )


def session_cancelled(session: Session, ts: TutoringSession, bookings: list[Booking]) -> None:
    """Tell every student who held a seat, and their parents."""
    parents = access.parents_by_student(session, (b.student_id for b in bookings))
    recipients = [user for student, ps in parents.items() for user in (student, *ps)]
    reason = f" Motif : {ts.cancellation_reason}." if ts.cancellation_reason else ""
    notify(
        session,
        recipients,
        NotificationKind.SESSION_CANCELLED,
        _headline("Séance annulée", ts),
        f"{ts.teacher.full_name} a annulé la séance.{reason} Les heures réservées ont été "
        "recréditées.",
        {"session_id": ts.id},
    )


def session_changed(
    session: Session, ts: TutoringSession, bookings: list[Booking], *, old_start: datetime
) -> None:
    """Tell every student who holds a seat, and their parents, the new time and place."""
    parents = access.parents_by_student(session, (b.student_id for b in bookings))
    recipients = [user for student, ps in parents.items() for user in (student, *ps)]
    place = place_fr(ts.online_url, ts.room, ts.place)
    if old_start != ts.starts_at:
        title = _headline("Séance déplacée", ts)
        body = (
            f"{ts.teacher.full_name} a déplacé la séance du {when_fr(old_start)} au "
            f"{when_fr(ts.starts_at)} ({place}). La réservation est conservée."
        )
    else:
        title = _headline("Lieu modifié", ts)
        body = f"Nouveau lieu de la séance avec {ts.teacher.full_name} : {place}."
    notify(
        session, recipients, NotificationKind.SESSION_CHANGED, title, body, {"session_id": ts.id}
    )

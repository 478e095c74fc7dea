"""Each user's secret calendar feed (iCalendar, RFC 5545) of the sessions that concern them.

The address carries a random token, the only credential of the feed: calendar applications
cannot send an ``Authorization`` header. Only its SHA-256 is stored; issuing a new token
replaces the old one and revoking deletes it, after which the old address answers 404.

Who sees what: a teacher the sessions they teach; a student the sessions they hold a seat in;
a parent those of each linked child, the child's first name in the summary. A cancelled
session stays in the feed with ``STATUS:CANCELLED`` (a vanished event is not a cancellation to
every client); a booking the student cancelled themself leaves it. Every change calendars
must notice (time, place, cancellation) raises the session's ``sequence``
(:meth:`~nexus.scheduling.models.TutoringSession.revise`). The window: sessions that started
at most :data:`FEED_PAST` ago and every future one. The wording is French, as in
:mod:`nexus.scheduling.notices`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from icalendar import Calendar, Event, Timezone
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.clock import PARIS, paris_today
from nexus.content.labels import level_label
from nexus.db import utcnow
from nexus.errors import NotFound
from nexus.language import _
from nexus.people import access
from nexus.scheduling.models import (
    Booking,
    BookingStatus,
    CalendarFeed,
    SessionKind,
    SessionStatus,
    TutoringSession,
)
from nexus.scheduling.texts import place_fr, subject_label, to_paris

FEED_PAST = timedelta(days=90)
PRODID = "-//Nexus Réussite//Séances//FR"
UID_DOMAIN = "nexus-reussite.fr"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed(session: Session, principal: Principal) -> tuple[str, CalendarFeed]:
    """A new secret token for the caller's feed (the previous address stops working)."""
    token = secrets.token_urlsafe(32)
    feed = session.get(CalendarFeed, principal.user_id)
    if feed is None:
        feed = CalendarFeed(user_id=principal.user_id, token_hash=_digest(token))
        session.add(feed)
    else:
        feed.token_hash = _digest(token)
        feed.created_at = utcnow()
    session.flush()
    return token, feed


def revoke_feed(session: Session, principal: Principal) -> None:
    """Delete the caller's feed, if any (idempotent)."""
    feed = session.get(CalendarFeed, principal.user_id)
    if feed is not None:
        session.delete(feed)
        session.flush()


def feed_owner(session: Session, token: str) -> User:
    """The active user whose feed this token opens; 404 for anything else."""
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token)))
    if feed is None or not feed.user.is_active:
        raise NotFound(_("Calendar feed not found."), code="feed_not_found")
    return feed.user


@dataclass
class _Entry:
    ts: TutoringSession
    students: list[User] = field(default_factory=list)


def _entries(session: Session, user: User) -> list[_Entry]:
    since = utcnow() - FEED_PAST
    if user.role is Role.TEACHER:
        taught = session.scalars(
            select(TutoringSession)
            .where(TutoringSession.teacher_id == user.id, TutoringSession.starts_at >= since)
            .order_by(TutoringSession.starts_at, TutoringSession.id)
        )
        return [_Entry(ts) for ts in taught]
    if user.role is Role.STUDENT:
        student_ids = [user.id]
    elif user.role is Role.PARENT:
        student_ids = access.children_of(session, user.id)
    else:
        return []
    if not student_ids:
        return []
    bookings = session.scalars(
        select(Booking)
        .join(TutoringSession, TutoringSession.id == Booking.session_id)
        .where(
            Booking.student_id.in_(student_ids),
            TutoringSession.starts_at >= since,
            or_(
                Booking.status == BookingStatus.BOOKED,
                TutoringSession.status == SessionStatus.CANCELLED,
            ),
        )
        .order_by(TutoringSession.starts_at, TutoringSession.id, Booking.student_id)
    )
    grouped: dict[int, _Entry] = {}
    students: defaultdict[int, list[User]] = defaultdict(list)
    for booking in bookings:
        grouped.setdefault(booking.session_id, _Entry(booking.session))
        students[booking.session_id].append(booking.student)
    for session_id, entry in grouped.items():
        entry.students = students[session_id]
    return list(grouped.values())


def _names(people: list[User]) -> str:
    names = [p.first_name for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def _summary(entry: _Entry, for_parent: bool) -> str:
    ts = entry.ts
    text = subject_label(ts.subject) + (f" — {ts.title}" if ts.title else "")
    if ts.status is SessionStatus.CANCELLED:
        text = f"Annulée : {text}"
    return f"{_names(entry.students)} : {text}" if for_parent else text


def _description(entry: _Entry, user: User, show_link: bool) -> str:
    ts = entry.ts
    kind = "Séance individuelle" if ts.kind is SessionKind.INDIVIDUAL else "Séance de groupe"
    lines = [f"{kind} de {subject_label(ts.subject)}, niveau {level_label(ts.level)}"]
    if user.role is Role.PARENT:
        lines.append(f"Pour : {', '.join(s.full_name for s in entry.students)}")
    if user.role is Role.TEACHER:
        lines.append(f"Places réservées : {ts.seats_taken} sur {ts.capacity}")
    else:
        lines.append(f"Professeur : {ts.teacher.full_name}")
    lines.append(f"Lieu : {place_fr(ts.online_url, ts.room, ts.place)}")
    if show_link and ts.online_url:
        lines.append(f"Lien de la visio : {ts.online_url}")
    if ts.status is SessionStatus.CANCELLED:
        reason = f" Motif : {ts.cancellation_reason}" if ts.cancellation_reason else ""
        lines.append(f"Séance annulée.{reason}")
    return "\n".join(lines)


def _event(entry: _Entry, user: User) -> Event:
    ts = entry.ts
    # The teacher and the student hold the session's link (as in the API); a parent does not.
    show_link = user.role is not Role.PARENT
    modified = ts.revised_at or ts.created_at
    event = Event()
    event.add("uid", f"session-{ts.id}@{UID_DOMAIN}")
    # Without a METHOD, DTSTAMP is when the event's information was last revised (RFC 5545
    # 3.8.7.2): the same bytes for the same session until it changes.
    event.add("dtstamp", modified)
    event.add("created", ts.created_at)
    event.add("last-modified", modified)
    event.add("sequence", ts.sequence)
    event.add("dtstart", to_paris(ts.starts_at))
    event.add("dtend", to_paris(ts.ends_at))
    event.add("summary", _summary(entry, user.role is Role.PARENT))
    event.add("description", _description(entry, user, show_link))
    place = place_fr(ts.online_url, ts.room, ts.place)
    event.add("location", place[:1].upper() + place[1:])
    event.add("status", "CANCELLED" if ts.status is SessionStatus.CANCELLED else "CONFIRMED")
    if show_link and ts.online_url:
        event.add("url", ts.online_url)
    return event


def render_feed(session: Session, user: User) -> bytes:
    """The user's calendar as iCalendar bytes (UTF-8), Europe/Paris times with a VTIMEZONE."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Nexus Réussite — séances")
    calendar.add("x-wr-timezone", "Europe/Paris")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    entries = _entries(session, user)
    # Always the zone, even in an empty feed; its transitions cover the events and a margin.
    today = paris_today()
    last = max((to_paris(e.ts.ends_at).date() for e in entries), default=today)
    calendar.add_component(
        Timezone.from_tzid(
            PARIS.key, first_date=date(today.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
        )
    )
    for entry in entries:
        calendar.add_component(_event(entry, user))
    data: bytes = calendar.to_ical()
    return data

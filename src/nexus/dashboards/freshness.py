"""Which writes change a cached dashboard or report (``nexus.cache``, namespace ``dashboards``).

A student's dashboard (:mod:`nexus.dashboards.student`) is read from their account, profile,
enrollments, bookings, marks and session reports — each write to one of those bumps that
student's scope only — and from rows that many dashboards share: the booked sessions, their
teachers' names, the offers' names and the bank's items, whose writes bump the whole
namespace. A change that no dashboard shows (a session's seat counter, a login time) bumps
nothing.

A student's progress report (:mod:`nexus.reports`) shows the same rows: it is filed under the
student's scope too.

A parent's dashboard (:mod:`nexus.dashboards.parent`) shows their children's rows of the same
kinds, and nothing else: it is filed under each child's scope, and keyed by the family (the
children's ids, read first), so that a new or removed link is a new key (:func:`family`).

Time changes a dashboard too: a session leaves "upcoming" when it starts, an absence leaves
the alerts a month later, so the view keeps an entry only until the first such moment
(:func:`lifetime`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.assessments.models import Assessment
from nexus.cache import Watch, key_of
from nexus.content.models import ContentItem
from nexus.families.models import SessionReport
from nexus.offers.models import Enrollment, Offer
from nexus.people.models import StudentProfile
from nexus.scheduling.models import Booking, TutoringSession

NAMESPACE = "dashboards"
# What a user row shows on dashboards: a student's name on their own, a teacher's on many.
_SHOWN_USER_FIELDS = frozenset({"first_name", "last_name", "role"})
# A session's fields that no dashboard shows: booking and cancelling rewrite them.
_UNSHOWN_SESSION_FIELDS = frozenset({"seats_taken", "updated_at"})


def student_scope(student_id: int) -> str:
    return f"student:{student_id}"


def family(parent_id: int, children: Sequence[int]) -> tuple[tuple[str, ...], str]:
    """A parent's dashboard's scopes (each child's) and key (the parent and the children)."""
    return tuple(student_scope(child) for child in children), key_of("parent", parent_id, *children)


def _changed(obj: Any, session: Session) -> set[str]:
    """The attributes this flush writes (all of them for a new or deleted row)."""
    if obj in session.new or obj in session.deleted:
        return {"*"}
    return {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}


def _of_student(field: str) -> Watch:
    return Watch(NAMESPACE, lambda obj, _session: (student_scope(getattr(obj, field)),))


def _user(obj: User, session: Session) -> Iterable[str | None]:
    changed = _changed(obj, session)
    if "*" not in changed and not changed & _SHOWN_USER_FIELDS:
        return ()  # a login time, a password: shown on no dashboard
    return (student_scope(obj.id),) if obj.role is Role.STUDENT else (None,)


def _session(obj: TutoringSession, session: Session) -> Iterable[str | None]:
    if obj in session.new:
        return ()  # booked by nobody yet
    return (None,) if _changed(obj, session) - _UNSHOWN_SESSION_FIELDS else ()


WATCHES: dict[type, Watch] = {
    Assessment: _of_student("student_id"),
    Booking: _of_student("student_id"),
    Enrollment: _of_student("student_id"),
    SessionReport: _of_student("student_id"),
    StudentProfile: _of_student("user_id"),
    User: Watch(NAMESPACE, _user),
    TutoringSession: Watch(NAMESPACE, _session),
    Offer: Watch(NAMESPACE),
    ContentItem: Watch(NAMESPACE),
}


def lifetime(changes: Sequence[datetime], now: datetime) -> float | None:
    """Seconds until the first of these moments (a listed session starts and leaves the list,
    an alert expires); None if none."""
    if not changes:
        return None
    return max(0.0, (min(changes) - now).total_seconds())

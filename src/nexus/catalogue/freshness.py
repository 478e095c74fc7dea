"""Which writes change the cached public list of teachers (``nexus.cache``, namespace
``catalogue-teachers``): a user whose public fields change (name, role, activation; created or
deleted), and any write to a teacher profile. A sign-in writes its user row too (the session's
bookkeeping) and leaves the catalogue alone. The catalogue's offers are cached in the
``offers`` namespace (``nexus.offers.freshness``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.exc import NoInspectionAvailable
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.cache import Watch
from nexus.people.models import TeacherProfile

TEACHERS = "catalogue-teachers"
# What the catalogue shows of a user, or decides on.
PUBLIC_FIELDS = ("first_name", "last_name", "role", "is_active")


def _public_change(user: Any, session: Session) -> Iterable[str | None]:
    try:
        state = inspect(user)
    except NoInspectionAvailable:  # a bulk statement's rows: assume it matters
        return (None,)
    if user in session.new or user in session.deleted:
        return (None,)
    changed = any(state.attrs[name].history.has_changes() for name in PUBLIC_FIELDS)
    return (None,) if changed else ()


WATCHES: dict[type, Watch] = {
    User: Watch(TEACHERS, _public_change),
    TeacherProfile: Watch(TEACHERS),
}

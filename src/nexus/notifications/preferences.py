"""What each user wants to be told, by category and channel (in-app, e-mail).

Every kind of notification belongs to a category (``KIND_CATEGORY``); a user turns a category
off per channel, and everything is on until they do. ``essential`` (account security, ARIA's
safety flags, alerts) cannot be turned off: such messages are what the account is for.
Only choices that differ from the default are stored (``notification_preferences`` rows).
The e-mail outbox (``nexus.mail``) asks :func:`wanting` before it queues a message, and its
unsubscribe link writes here.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from nexus.notifications.models import NotificationKind, NotificationPreference


class Category(StrEnum):
    ESSENTIAL = "essential"  # account security, safety, alerts: always sent
    SESSIONS = "sessions"  # bookings, reminders, cancellations, changes
    REPORTS = "reports"  # session reports, new assessments
    MESSAGES = "messages"  # parent–teacher threads
    BILLING = "billing"  # invoices, payment reminders


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"


OPTIONAL = tuple(c for c in Category if c is not Category.ESSENTIAL)
KIND_CATEGORY: dict[NotificationKind, Category] = {
    NotificationKind.SESSION_BOOKED: Category.SESSIONS,
    NotificationKind.SESSION_CANCELLED: Category.SESSIONS,
    NotificationKind.SESSION_CHANGED: Category.SESSIONS,
    NotificationKind.SESSION_REMINDER: Category.SESSIONS,
    NotificationKind.NEW_ASSESSMENT: Category.REPORTS,
    NotificationKind.SESSION_REPORT: Category.REPORTS,
    NotificationKind.THREAD_MESSAGE: Category.MESSAGES,
    NotificationKind.ALERT: Category.ESSENTIAL,
    NotificationKind.ARIA_SAFETY: Category.ESSENTIAL,
}


def wanting(
    session: Session, user_ids: Iterable[int], category: Category, channel: Channel
) -> list[int]:
    """The users among ``user_ids`` who want ``category`` on ``channel``, in their order."""
    ids = list(dict.fromkeys(user_ids))
    if category is Category.ESSENTIAL or not ids:
        return ids
    off = set(
        session.scalars(
            select(NotificationPreference.user_id).where(
                NotificationPreference.user_id.in_(ids),
                NotificationPreference.category == category,
                NotificationPreference.channel == channel,
                NotificationPreference.enabled.is_(False),
            )
        )
    )
    return [user_id for user_id in ids if user_id not in off]


def preferences_of(session: Session, user_id: int) -> dict[Category, dict[Channel, bool]]:
    """Every optional category × channel for this user (True unless turned off)."""
    rows = session.execute(
        select(NotificationPreference.category, NotificationPreference.channel).where(
            NotificationPreference.user_id == user_id,
            NotificationPreference.enabled.is_(False),
        )
    )
    off = {(category, channel) for category, channel in rows}
    return {c: {ch: (c, ch) not in off for ch in Channel} for c in OPTIONAL}


def set_preference(
    session: Session, user_id: int, category: Category, channel: Channel, enabled: bool
) -> None:
    """Record one choice (idempotent); the default (on) is stored as no row."""
    if category is Category.ESSENTIAL:
        raise ValueError("essential messages cannot be turned off")
    session.execute(
        delete(NotificationPreference).where(
            NotificationPreference.user_id == user_id,
            NotificationPreference.category == category,
            NotificationPreference.channel == channel,
        )
    )
    if not enabled:
        session.add(
            NotificationPreference(
                user_id=user_id, category=category, channel=channel, enabled=False
            )
        )
    session.flush()

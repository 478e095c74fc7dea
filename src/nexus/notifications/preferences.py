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
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import and_, case, delete, func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
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
    NotificationKind.INVOICE_OVERDUE: Category.BILLING,
    NotificationKind.TAX_CERTIFICATE: Category.BILLING,
    NotificationKind.ALERT: Category.ESSENTIAL,
    NotificationKind.ARIA_SAFETY: Category.ESSENTIAL,
}


@dataclass(frozen=True)
class Recipient:
    """A user to tell, with what an e-mail to them needs and the channels they want."""

    user_id: int
    email: str
    first_name: str
    in_app: bool
    by_email: bool


def recipients(session: Session, user_ids: Iterable[int], category: Category) -> list[Recipient]:
    """The active users among ``user_ids``, in their order, each with the channels on which
    they want ``category``: one query (users and their choices for it)."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return []
    choice = NotificationPreference
    joined = and_(choice.user_id == User.id, choice.category == category, choice.enabled.is_(False))
    # At most one row per channel (the key): each sum is 0 or 1, 1 meaning "turned off".
    off = [
        func.sum(case((choice.channel == ch, 1), else_=0)) for ch in (Channel.IN_APP, Channel.EMAIL)
    ]
    # Without autoflush: the notices and e-mails a request gives are inserted together at its
    # next flush (one INSERT per table), not one flush per notice.
    with session.no_autoflush:
        rows = session.execute(
            select(User.id, User.email, User.first_name, *off)
            .outerjoin(choice, joined)
            .where(User.id.in_(ids), User.is_active.is_(True))
            .group_by(User.id, User.email, User.first_name)
        ).all()
    essential = category is Category.ESSENTIAL
    found = {
        user_id: Recipient(user_id, email, first, essential or not no_app, essential or not no_mail)
        for user_id, email, first, no_app, no_mail in rows
    }
    return [found[user_id] for user_id in ids if user_id in found]


def wanting(
    session: Session, user_ids: Iterable[int], category: Category, channel: Channel
) -> list[int]:
    """The active users among ``user_ids`` who want ``category`` on ``channel``."""
    chosen = recipients(session, user_ids, category)
    if channel is Channel.IN_APP:
        return [r.user_id for r in chosen if r.in_app]
    return [r.user_id for r in chosen if r.by_email]


def preferences_of(session: Session, user_id: int) -> dict[Category, dict[Channel, bool]]:
    """Every optional category × channel for this user (True unless turned off)."""
    rows = session.execute(
        select(NotificationPreference.category, NotificationPreference.channel).where(
            NotificationPreference.user_id == user_id,
            NotificationPreference.enabled.is_(False),
        )
    )
    off = {(str(category), str(channel)) for category, channel in rows}
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

"""In-app notifications: sending (any domain may call ``notify``) and the reader's inbox."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from nexus.accounts.tokens import Principal
from nexus.db import utcnow
from nexus.errors import NotFound
from nexus.language import _
from nexus.notifications.models import Notification, NotificationKind
from nexus.notifications.preferences import KIND_CATEGORY, Channel, wanting


def notify(
    session: Session,
    user_ids: Iterable[int],
    kind: NotificationKind,
    title: str,
    body: str,
    data: dict[str, Any],
) -> None:
    """Queue one notification per distinct recipient who wants its category in the app, in
    the caller's transaction."""
    wanted = wanting(session, user_ids, KIND_CATEGORY[kind], Channel.IN_APP)
    rows = [
        {"user_id": user_id, "kind": kind, "title": title[:200], "body": body, "data": data}
        for user_id in wanted
    ]
    if rows:
        session.add_all(Notification(**row) for row in rows)


def notify_once(
    session: Session,
    recipients: Mapping[int, str],
    kind: NotificationKind,
    title: str,
    body: str,
    data: dict[str, Any],
) -> int:
    """Insert one notification per ``{user_id: dedupe_key}`` unless that key exists already.

    ``INSERT … ON CONFLICT DO NOTHING`` keeps two concurrent runs from sending twice without
    aborting the surrounding transaction. Returns how many were actually inserted.
    """
    wanted = set(wanting(session, recipients, KIND_CATEGORY[kind], Channel.IN_APP))
    recipients = {user_id: key for user_id, key in recipients.items() if user_id in wanted}
    if not recipients:
        return 0
    now = utcnow()
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "title": title[:200],
            "body": body,
            "data": data,
            "dedupe_key": key,
            "created_at": now,
        }
        for user_id, key in recipients.items()
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Notification).values(rows).on_conflict_do_nothing()
    result = session.execute(statement.returning(Notification.id))
    return len(result.all())


def list_for(
    session: Session, principal: Principal, *, unread_only: bool, offset: int, limit: int
) -> tuple[list[Notification], int]:
    """The caller's notifications, newest first, and how many there are in all."""
    conditions = [Notification.user_id == principal.user_id]
    if unread_only:
        conditions.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(Notification).where(*conditions))
    items = session.scalars(
        select(Notification)
        .where(*conditions)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(items), total or 0


def unread_count(session: Session, principal: Principal) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == principal.user_id, Notification.read_at.is_(None))
    )
    return count or 0


def mark_read(session: Session, principal: Principal, notification_id: int) -> Notification:
    """Mark one of the caller's notifications read (idempotent); someone else's is a 404."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != principal.user_id:
        raise NotFound(_("Notification not found."))
    if notification.read_at is None:
        notification.read_at = utcnow()
    return notification


def mark_all_read(session: Session, principal: Principal) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == principal.user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)

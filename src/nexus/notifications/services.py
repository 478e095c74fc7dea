"""In-app notifications: sending (any domain may call ``notify``) and the reader's inbox."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from nexus.accounts.tokens import Principal
from nexus.db import utcnow
from nexus.errors import NotFound
from nexus.language import _
from nexus.notifications.models import Notification, NotificationKind
from nexus.notifications.preferences import KIND_CATEGORY, recipients
from nexus.notifications.signals import notified


def notify(
    session: Session,
    user_ids: Iterable[int],
    kind: NotificationKind,
    title: str,
    body: str,
    data: dict[str, Any],
) -> None:
    """Queue one notification per distinct recipient who wants its category in the app, in
    the caller's transaction (and its e-mail copy for those who want it by e-mail)."""
    notify_each(session, kind, data, [Notice(list(user_ids), title, body)])


@dataclass(frozen=True)
class Notice:
    """One text of a notification and who reads it."""

    user_ids: list[int]
    title: str
    body: str


def notify_each(
    session: Session, kind: NotificationKind, data: dict[str, Any], notices: Sequence[Notice]
) -> None:
    """Several texts of one notification, each to its readers (the student about their
    booking, the parents about their child): one query finds what every reader wants."""
    everyone = [user_id for notice in notices for user_id in notice.user_ids]
    chosen = {r.user_id: r for r in recipients(session, everyone, KIND_CATEGORY[kind])}
    for notice in notices:
        readers = [chosen[u] for u in dict.fromkeys(notice.user_ids) if u in chosen]
        session.add_all(
            Notification(
                user_id=r.user_id, kind=kind, title=notice.title[:200], body=notice.body, data=data
            )
            for r in readers
            if r.in_app
        )
        by_email = [r for r in readers if r.by_email]
        notified.send(
            session, kind=kind, title=notice.title, body=notice.body, to=by_email, keys=None
        )


def notify_once(
    session: Session,
    keys: Mapping[int, str],
    kind: NotificationKind,
    title: str,
    body: str,
    data: dict[str, Any],
) -> int:
    """Insert one notification per ``keys`` item, ``{user_id: dedupe_key}``, unless that key
    exists already (and copy it by e-mail once: ``nexus.mail`` keeps the key too).

    ``INSERT … ON CONFLICT DO NOTHING`` keeps two concurrent runs from sending twice without
    aborting the surrounding transaction. Returns how many were actually inserted.
    """
    chosen = recipients(session, keys, KIND_CATEGORY[kind])
    by_email = [r for r in chosen if r.by_email]
    notified.send(session, kind=kind, title=title, body=body, to=by_email, keys=dict(keys))
    in_app = {r.user_id: keys[r.user_id] for r in chosen if r.in_app}
    if not in_app:
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
        for user_id, key in in_app.items()
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

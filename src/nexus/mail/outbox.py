"""Writing to the outbox: :func:`enqueue` renders an e-mail and stores it in the caller's
transaction. A request that rolls back sends nothing; a committed one is never forgotten (the
worker, ``nexus.mail.worker``, delivers it)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.config import Settings
from nexus.mail.models import MailStatus, OutboxMessage
from nexus.mail.rendering import render
from nexus.mail.tokens import make_token
from nexus.notifications.preferences import Category, Channel, wanting

ESSENTIAL = Category.ESSENTIAL.value


def new_message_id(settings: Settings) -> str:
    """A globally unique Message-ID in the sender's domain (RFC 5322 msg-id)."""
    domain = settings.mail_from.rsplit("@", 1)[-1].strip(" >") or "nexus.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


def unsubscribe_url(settings: Settings, user_id: int, category: str) -> str:
    token = make_token(settings.secret_key.get_secret_value(), user_id, category)
    base = settings.public_base_url.rstrip("/")
    return f"{base}/api/v1/mail/unsubscribe?{urlencode({'token': token})}"


def has_opted_out(session: Session, user_id: int, category: str) -> bool:
    """Whether the user turned this category off for e-mail (``nexus.notifications``)."""
    return not wanting(session, [user_id], Category(category), Channel.EMAIL)


def enqueue(
    session: Session,
    *,
    to_address: str,
    template: str,
    context: dict[str, Any],
    language: str = "fr",
    to_user_id: int | None = None,
    category: str = ESSENTIAL,
    dedupe_key: str | None = None,
    wanted: bool = False,
) -> OutboxMessage | None:
    """Render ``template`` and add it to the outbox in ``session``'s transaction.

    A non-essential ``category`` needs ``to_user_id``: the e-mail carries an unsubscribe link,
    and a user who opted out of the category gets a ``suppressed`` row instead (kept so that
    the caller can see what happened; the worker never sends it). With a ``dedupe_key``
    already in the outbox, nothing is added and None is returned (a notice given once).
    ``wanted``: the caller already read the recipient's preferences. The row is inserted at
    the session's next flush, with the others of the request.
    """
    if dedupe_key is not None and session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    settings: Settings = current_app.extensions["settings"]
    link = None
    status = MailStatus.PENDING
    if category != ESSENTIAL:
        if to_user_id is None:
            raise ValueError("a non-essential e-mail needs to_user_id (its unsubscribe link)")
        link = unsubscribe_url(settings, to_user_id, category)
        if not wanted and has_opted_out(session, to_user_id, category):
            status = MailStatus.SUPPRESSED
    rendered = render(template, context, language, unsubscribe_url=link)
    message = OutboxMessage(
        to_address=to_address,
        to_user_id=to_user_id,
        template=template,
        category=category,
        language=language,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        message_id=new_message_id(settings),
        dedupe_key=dedupe_key,
        status=status,
        attempts=0,
    )
    session.add(message)
    return message

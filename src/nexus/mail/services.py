"""What the routes do: opting out of a category, and the administrators' view of the outbox."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.tokens import Principal
from nexus.api.pagination import fetch_page, sort_order
from nexus.audit import services as audit
from nexus.db import utcnow
from nexus.errors import Conflict, NotFound, Unprocessable
from nexus.language import _
from nexus.mail.models import MailStatus, OutboxMessage
from nexus.mail.outbox import ESSENTIAL
from nexus.mail.schemas import MailQuery
from nexus.mail.tokens import read_token
from nexus.notifications.preferences import OPTIONAL, Category, Channel, set_preference

SORTS = {
    "-created_at": (OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
    "created_at": (OutboxMessage.created_at.asc(), OutboxMessage.id.asc()),
}


def unsubscribe(session: Session, secret: str, token: str) -> tuple[int, str]:
    """Record the opt-out a signed token stands for (idempotent); ``(user_id, category)``."""
    found = read_token(secret, token)
    if found is None or found[1] == ESSENTIAL or found[1] not in set(OPTIONAL):
        raise Unprocessable(_("This unsubscribe link is not valid."), field="token")
    user_id, category = found
    if session.get(User, user_id) is None:
        raise NotFound(_("This account no longer exists."))
    set_preference(session, user_id, Category(category), Channel.EMAIL, False)
    return user_id, category


def list_messages(session: Session, query: MailQuery) -> tuple[list[OutboxMessage], int]:
    order = sort_order(SORTS, query.sort)
    conditions = []
    if query.status is not None:
        conditions.append(OutboxMessage.status == query.status)
    if query.to_user_id is not None:
        conditions.append(OutboxMessage.to_user_id == query.to_user_id)
    return fetch_page(session, OutboxMessage, conditions, order, query)


def retry(session: Session, principal: Principal, message_id: int) -> OutboxMessage:
    """Give a dead letter a fresh set of attempts, due at once (audited)."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(_("No such e-mail."))
    # Conditional: two administrators retrying at once revive it once.
    revived = cast(
        CursorResult[Any],
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == MailStatus.DEAD)
            .values(status=MailStatus.PENDING, attempts=0, next_attempt_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if revived != 1:
        raise Conflict(_("Only an e-mail that was given up (dead) can be retried."))
    audit.record(
        session,
        principal.user_id,
        "mail.retry",
        "mail",
        message_id,
        {"to_address": message.to_address, "last_error": message.last_error},
    )
    session.refresh(message)
    return message

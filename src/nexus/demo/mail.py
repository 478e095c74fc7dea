"""A welcome e-mail to each demo account, once: `make run` leaves them under instance/outbox/
(``nexus worker --once`` writes .eml files when no SMTP_URL is set)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.mail import OutboxMessage, enqueue


def seed(session: Session) -> None:
    welcomed = set(
        session.scalars(select(OutboxMessage.to_user_id).where(OutboxMessage.template == "welcome"))
    )
    for user in session.scalars(select(User).order_by(User.id)):
        if user.id not in welcomed:
            enqueue(
                session,
                to_address=user.email,
                template="welcome",
                context={"first_name": user.first_name},
                to_user_id=user.id,
            )

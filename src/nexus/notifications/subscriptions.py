"""The notices that other domains' signals send (connected by :func:`connect` at app set-up)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.signals import registration_with_existing_email
from nexus.notifications.models import NotificationKind
from nexus.notifications.services import notify

DUPLICATE_TITLE = "Tentative d'inscription avec votre adresse"
DUPLICATE_BODY = (
    "Quelqu'un a essayé de créer un compte Nexus Réussite avec votre adresse e-mail. "
    "Si c'était vous, connectez-vous avec votre mot de passe habituel ; sinon, vous n'avez "
    "rien à faire : votre compte n'a pas été modifié."
)


def _tell_owner_of_registration(session: Session, *, user: User) -> None:
    notify(
        session,
        [user.id],
        NotificationKind.ALERT,
        DUPLICATE_TITLE,
        DUPLICATE_BODY,
        {"reason": "registration_with_existing_email"},
    )


def connect() -> None:
    """Subscribe to the signals (idempotent: blinker keeps one connection per receiver)."""
    registration_with_existing_email.connect(_tell_owner_of_registration)

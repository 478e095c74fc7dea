"""The audit entries that other domains' signals record (connected by :func:`connect` at app
set-up)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.signals import registration_with_existing_email
from nexus.audit.services import record


def _record_registration(session: Session, *, user: User) -> None:
    record(session, None, "user.register_existing_email", "user", user.id, {})


def connect() -> None:
    """Subscribe to the signals (idempotent: blinker keeps one connection per receiver)."""
    registration_with_existing_email.connect(_record_registration)

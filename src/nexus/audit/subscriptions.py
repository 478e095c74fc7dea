"""The audit entries that other domains' signals record (connected by :func:`connect` at app
set-up)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.signals import (
    email_changed,
    email_verified,
    password_changed,
    registration_with_existing_email,
)
from nexus.audit.services import record


def _record_registration(session: Session, *, user: User) -> None:
    record(session, None, "user.register_existing_email", "user", user.id, {})


def _record_password_changed(session: Session, *, user: User, via: str) -> None:
    record(session, user.id, "user.password_changed", "user", user.id, {"via": via})


def _record_email_verified(session: Session, *, user: User) -> None:
    record(session, user.id, "user.email_verified", "user", user.id, {})


def _record_email_changed(session: Session, *, user: User, old_address: str) -> None:
    # The addresses themselves stay out of the log (personal data the erasure would have to find).
    del old_address
    record(session, user.id, "user.email_changed", "user", user.id, {})


def connect() -> None:
    """Subscribe to the signals (idempotent: blinker keeps one connection per receiver)."""
    registration_with_existing_email.connect(_record_registration)
    password_changed.connect(_record_password_changed)
    email_verified.connect(_record_email_verified)
    email_changed.connect(_record_email_changed)

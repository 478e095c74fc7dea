"""Single-use tokens sent by e-mail (``account_tokens``): verification, reset, e-mail change.

256 random bits, of which only the SHA-256 is stored, expiring after ``Settings.*_ttl_seconds``.
A token is claimed by a conditional UPDATE (unused and unexpired): of two concurrent uses
exactly one wins. Issuing a token retires the user's earlier unused ones of the same purpose.
An unknown, used, expired or retired token gets one answer (400 ``invalid_token``), so none can
be told apart.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nexus.accounts.models import AccountToken, TokenPurpose, User
from nexus.config import Settings
from nexus.db import utcnow
from nexus.errors import ApiError
from nexus.language import _


def _settings() -> Settings:
    settings: Settings = current_app.extensions["settings"]
    return settings


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(purpose: TokenPurpose) -> timedelta:
    settings = _settings()
    seconds = {
        TokenPurpose.VERIFY_EMAIL: settings.email_verification_ttl_seconds,
        TokenPurpose.PASSWORD_RESET: settings.password_reset_ttl_seconds,
        TokenPurpose.EMAIL_CHANGE: settings.email_change_ttl_seconds,
    }[purpose]
    return timedelta(seconds=seconds)


def invalid_token() -> ApiError:
    return ApiError(_("This link is invalid or has expired."), code="invalid_token", field="token")


def retire(session: Session, user_id: int, purpose: TokenPurpose) -> None:
    """Mark the user's unused tokens of ``purpose`` used: only the newest e-mail works."""
    session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )


def issue(
    session: Session, user: User, purpose: TokenPurpose, *, new_email: str | None = None
) -> str:
    """A new token for ``user`` (the raw value, to be e-mailed; only its hash is kept)."""
    retire(session, user.id, purpose)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + _lifetime(purpose),
            new_email=new_email,
        )
    )
    session.flush()
    return token


def find(session: Session, token: str, purpose: TokenPurpose) -> AccountToken:
    """The usable token, or the one 400 whatever is wrong with it."""
    stored = session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == _hash(token), AccountToken.purpose == purpose
        )
    )
    if (
        stored is None
        or stored.used_at is not None
        or stored.expires_at <= utcnow()
        or not stored.user.is_active
    ):
        raise invalid_token()
    return stored


def claim(session: Session, stored: AccountToken) -> None:
    """Mark the token used; the conditional UPDATE makes one of two concurrent uses win."""
    claimed = session.execute(
        update(AccountToken)
        .where(AccountToken.id == stored.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise invalid_token()

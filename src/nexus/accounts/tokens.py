"""Access tokens (short-lived JWT) and refresh tokens (opaque, rotated, reuse-detected).

A login opens an ``AuthSession`` (the token family). Each refresh marks the presented token
used and issues the next one in the same family. Presenting a used token again means it was
stolen or replayed: the whole family is revoked, the newer tokens included. Logout revokes
the family too. Access tokens carry the family id (``sid``); a revoked family is looked up in
Redis when configured (fast path, falls back to the database when Redis is down) and in the
database otherwise (see :mod:`nexus.accounts.revocation`).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nexus.accounts import revocation
from nexus.accounts.models import AuthSession, RefreshToken, User
from nexus.accounts.roles import Role
from nexus.config import Settings
from nexus.db import utcnow
from nexus.errors import Unauthorized
from nexus.language import _

logger = logging.getLogger("nexus.auth")
ISSUER = "nexus-reussite"
AUDIENCE = "nexus-api"
ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    """Who is calling: what the permission layer and the services work with."""

    user_id: int
    role: Role
    session_id: str


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def _settings() -> Settings:
    settings: Settings = current_app.extensions["settings"]
    return settings


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _encode_access(user: User, session_id: str, now: datetime) -> str:
    settings = _settings()
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(user.id),
        "role": user.role.value,
        "sid": session_id,
        "jti": uuid.uuid4().hex,
        "typ": "access",
        "iat": now,
        "exp": now + timedelta(seconds=settings.access_token_ttl_seconds),
    }
    return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)


def _new_refresh(session: Session, auth_session_id: str, now: datetime) -> str:
    token = secrets.token_urlsafe(48)
    session.add(
        RefreshToken(
            session_id=auth_session_id,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + timedelta(seconds=_settings().refresh_token_ttl_seconds),
        )
    )
    return token


def open_session(session: Session, user: User) -> TokenPair:
    now = utcnow()
    settings = _settings()
    family = AuthSession(
        id=str(uuid.uuid4()),
        user_id=user.id,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.refresh_token_ttl_seconds),
    )
    session.add(family)
    session.flush()
    refresh = _new_refresh(session, family.id, now)
    return TokenPair(
        _encode_access(user, family.id, now), refresh, settings.access_token_ttl_seconds
    )


def rotate(session: Session, refresh_token: str) -> tuple[TokenPair, Principal]:
    """Exchange a refresh token for a new pair; a replayed token revokes its family."""
    now = utcnow()
    invalid = Unauthorized(_("The refresh token is invalid or expired."), code="invalid_token")
    stored = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == _hash(refresh_token))
    )
    if stored is None:
        raise invalid
    family = stored.session
    if family.revoked_at is not None or family.expires_at <= now or stored.expires_at <= now:
        raise invalid
    # The conditional update makes two concurrent uses of one token see exactly one winner.
    claimed = session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == stored.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        revoke_family(session, family.id, reason="reuse_detected")
        # The revocation must survive the 401 that rolls the request back.
        session.commit()
        logger.warning(
            "refresh token reuse detected; session revoked",
            extra={"user_id": family.user_id, "session_id": family.id},
        )
        raise Unauthorized(
            _("This refresh token was already used; the session has been revoked."),
            code="token_reused",
        )
    user = family.user
    if not user.is_active:
        raise invalid
    pair = TokenPair(
        _encode_access(user, family.id, now),
        _new_refresh(session, family.id, now),
        _settings().access_token_ttl_seconds,
    )
    return pair, Principal(user.id, user.role, family.id)


def revoke_family(session: Session, session_id: str, reason: str) -> None:
    session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )
    revocation.get_check().revoked(session_id, reason)


def revoke_user_sessions(
    session: Session, user_id: int, reason: str, *, keep: str | None = None
) -> int:
    """Revoke every open login of the account but ``keep`` (the caller's own, when given):
    their access and refresh tokens stop working at once. Returns how many were revoked."""
    query = select(AuthSession.id).where(
        AuthSession.user_id == user_id,
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > utcnow(),
    )
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    open_ids = session.scalars(query).all()
    for session_id in open_ids:
        revoke_family(session, session_id, reason=reason)
    return len(open_ids)


# Access tokens whose signature and claims this process has checked, with their expiry: a
# client sends the same token for its every request, and PyJWT's decode was ~12 % of a cached
# read's CPU. What a token says cannot change, so only its expiry is checked again; revocation
# is looked up on every request as before. Per app (its secret key), bounded: emptied when full.
_VERIFIED_KEY = "nexus.verified_access_tokens"
MAX_VERIFIED_TOKENS = 4096


def _verified() -> dict[str, tuple[Principal, int]]:
    verified: dict[str, tuple[Principal, int]] = current_app.extensions.setdefault(
        _VERIFIED_KEY, {}
    )
    return verified


def decode_access(
    session: Callable[[], Session], token: str, *, revocation_by_cache: bool = False
) -> Principal:
    """The token's principal; 401 if it is invalid, expired or its session revoked. With
    ``revocation_by_cache``, the revocation check may be left to the request's cache read
    (:meth:`~nexus.accounts.revocation.RevocationCheck.check_later`)."""
    verified = _verified()
    known = verified.get(token)
    if known is not None and time.time() < known[1]:
        principal = known[0]
    else:
        principal, expires = _check_access(token)
        if len(verified) >= MAX_VERIFIED_TOKENS:
            verified.clear()
        verified[token] = (principal, expires)
    check = revocation.get_check()
    if revocation_by_cache:
        check.check_later(session, principal.session_id)
    elif check.is_revoked(session, principal.session_id):
        raise revocation.revoked_error()
    return principal


def _check_access(token: str) -> tuple[Principal, int]:
    """The token's principal and expiry (epoch seconds), or 401 if PyJWT refuses it."""
    settings = _settings()
    try:
        claims = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "sid", "role", "typ"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized(_("The access token has expired."), code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized(_("The access token is invalid."), code="invalid_token") from exc
    if claims.get("typ") != "access":
        raise Unauthorized(_("The access token is invalid."), code="invalid_token")
    try:
        principal = Principal(int(claims["sub"]), Role(claims["role"]), str(claims["sid"]))
        expires = int(claims["exp"])
    except (ValueError, TypeError) as exc:
        raise Unauthorized(_("The access token is invalid."), code="invalid_token") from exc
    return principal, expires

"""Account recovery: e-mail verification, password reset and change, e-mail change.

Each e-mail carries a single-use token (:mod:`nexus.accounts.onetime`). The raw token leaves
accounts only in a signal (:mod:`nexus.accounts.signals`): the e-mail layer, above accounts,
subscribes and sends it. Errors roll the whole request back, a claimed token included. No Flask
request in here.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from nexus.accounts import onetime, passwords, signals, tokens
from nexus.accounts.models import TokenPurpose, User
from nexus.accounts.services import find_by_email, get_user, normalise_email, send_verification
from nexus.db import utcnow
from nexus.errors import Conflict, Unprocessable
from nexus.language import _


# --- E-mail verification ---------------------------------------------------------------------
def resend_verification(session: Session, user_id: int) -> None:
    """E-mail a new verification token (``verification_requested``); 409 once verified."""
    user = get_user(session, user_id)
    if user.email_verified_at is not None:
        raise Conflict(_("This e-mail address is already verified."), code="email_already_verified")
    send_verification(session, user)


def verify_email(session: Session, token: str) -> User:
    stored = onetime.find(session, token, TokenPurpose.VERIFY_EMAIL)
    onetime.claim(session, stored)
    user = stored.user
    user.email_verified_at = utcnow()
    signals.email_verified.send(session, user=user)
    return user


# --- Password reset (signed out) and change (signed in) --------------------------------------
def request_password_reset(session: Session, email: str) -> None:
    """Send a reset token when ``email`` is an active account's; do nothing otherwise.

    Both paths make the same indexed look-up and no password hash; the caller answers both the
    same way. The signal's subscriber (e-mail) must not make the known path slower by much:
    it queues the message rather than talking SMTP in the request.
    """
    user = find_by_email(session, email)
    if user is None or not user.is_active:
        return
    token = onetime.issue(session, user, TokenPurpose.PASSWORD_RESET)
    signals.password_reset_requested.send(session, user=user, token=token)


def _set_password(session: Session, user: User, new_password: str) -> None:
    passwords.check_policy(new_password, user.email)
    user.password_hash = passwords.hash_password(new_password)
    # A password set by any way makes every pending reset link useless.
    onetime.retire(session, user.id, TokenPurpose.PASSWORD_RESET)


def reset_password(session: Session, token: str, new_password: str) -> User:
    """Set the password from a reset token; every session of the account is revoked."""
    stored = onetime.find(session, token, TokenPurpose.PASSWORD_RESET)
    user = stored.user
    onetime.claim(session, stored)
    _set_password(session, user, new_password)
    # Whoever could read the mailbox has proved it is theirs.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    tokens.revoke_user_sessions(session, user.id, reason="password_reset")
    signals.password_changed.send(session, user=user, via="reset")
    return user


def _check_current_password(user: User, password: str) -> None:
    if not passwords.verify_password(user.password_hash, password):
        raise Unprocessable(
            _("The current password is wrong."), field="current_password", code="wrong_password"
        )


def change_password(
    session: Session, principal: tokens.Principal, current_password: str, new_password: str
) -> User:
    """Change the signed-in user's password; their other sessions are revoked, this one kept."""
    user = get_user(session, principal.user_id)
    _check_current_password(user, current_password)
    _set_password(session, user, new_password)
    tokens.revoke_user_sessions(
        session, user.id, reason="password_changed", keep=principal.session_id
    )
    signals.password_changed.send(session, user=user, via="change")
    return user


# --- E-mail change ---------------------------------------------------------------------------
def _refuse_taken(session: Session, address: str) -> None:
    if find_by_email(session, address) is not None:
        raise Conflict(
            _("An account already exists for this e-mail."), field="new_email", code="email_taken"
        )


def request_email_change(
    session: Session, principal: tokens.Principal, new_email: str, current_password: str
) -> None:
    """Send a confirmation token to the new address (``email_change_requested``)."""
    user = get_user(session, principal.user_id)
    _check_current_password(user, current_password)
    address = normalise_email(new_email)
    _refuse_taken(session, address)
    token = onetime.issue(session, user, TokenPurpose.EMAIL_CHANGE, new_email=address)
    signals.email_change_requested.send(session, user=user, new_address=address, token=token)


def confirm_email_change(session: Session, token: str) -> User:
    """Move the account to the address the token was sent to (409 if it was taken since)."""
    stored = onetime.find(session, token, TokenPurpose.EMAIL_CHANGE)
    address = stored.new_email
    if address is None:  # pragma: no cover - every email_change token names its address
        raise onetime.invalid_token()
    _refuse_taken(session, address)
    onetime.claim(session, stored)
    user = stored.user
    old_address = user.email
    user.email = address
    user.email_verified_at = utcnow()
    # A verification link sent to the old address must not verify the new one.
    onetime.retire(session, user.id, TokenPurpose.VERIFY_EMAIL)
    onetime.retire(session, user.id, TokenPurpose.PASSWORD_RESET)
    session.flush()
    signals.email_changed.send(session, user=user, old_address=old_address)
    return user

"""Accounts: registration, credentials, user look-ups. No Flask request in here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts import onetime, passwords
from nexus.accounts.models import TokenPurpose, User
from nexus.accounts.roles import Role
from nexus.accounts.signals import registration_with_existing_email, verification_requested
from nexus.db import utcnow
from nexus.errors import Conflict, NotFound, Unauthorized
from nexus.language import _


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: Role,
    first_name: str,
    last_name: str,
) -> User:
    email = normalise_email(email)
    passwords.check_policy(password, email)
    if find_by_email(session, email) is not None:
        raise Conflict(
            _("An account already exists for this e-mail."), field="email", code="email_taken"
        )
    user = User(
        email=email,
        password_hash=passwords.hash_password(password),
        role=role,
        first_name=first_name,
        last_name=last_name,
    )
    session.add(user)
    session.flush()
    return user


def register(
    session: Session,
    *,
    email: str,
    password: str,
    role: Role,
    first_name: str,
    last_name: str,
) -> User | None:
    """Self-registration that does not tell whether the e-mail has an account.

    A new e-mail creates the account; a taken one changes nothing, costs the same password
    hash, and tells the owner: the ``registration_with_existing_email`` signal, to which
    notifications (an in-app notice; an e-mail once the platform sends e-mails) and the audit
    log subscribe. The caller answers both the same way (docs/rate-limits.md). A new account
    is sent a verification token (``verification_requested``, docs/accounts.md).
    """
    existing = find_by_email(session, email)
    if existing is None:
        user = create_user(
            session,
            email=email,
            password=password,
            role=role,
            first_name=first_name,
            last_name=last_name,
        )
        send_verification(session, user)
        return user
    passwords.check_policy(password, normalise_email(email))
    passwords.hash_password(password)  # the time a creation takes
    registration_with_existing_email.send(session, user=existing)
    return None


def send_verification(session: Session, user: User) -> None:
    """Issue a verification token for ``user.email`` and hand it to the e-mail layer."""
    token = onetime.issue(session, user, TokenPurpose.VERIFY_EMAIL)
    verification_requested.send(session, user=user, token=token)


def authenticate(session: Session, email: str, password: str) -> User:
    user = find_by_email(session, email)
    if user is None:
        passwords.burn_time(password)
    elif user.is_active and passwords.verify_password(user.password_hash, password):
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        user.last_login_at = utcnow()
        return user
    raise Unauthorized(_("Wrong e-mail or password."), code="invalid_credentials")


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("User not found."))
    return user

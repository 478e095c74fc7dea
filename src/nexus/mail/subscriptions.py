"""What the platform e-mails (connected by :func:`connect` at app set-up).

* A copy of every notice (``nexus.notifications.notified``) to the recipients who want its
  category by e-mail; a notice given once (a reminder) is e-mailed once (its dedupe key).
  Requests and the CLI commands run in the app, so each notice they give is copied.
* The account e-mails, essential (no unsubscribe link, always sent): address verification,
  password reset, e-mail change (to the new address), and the security notices that a
  password or an address changed. Their links open the web app's pages
  (``PUBLIC_BASE_URL`` + ``/account/…?token=``), which post the token to the API; the token
  is written out too, for a client without those pages.

Each is queued in the transaction of the event (``nexus.mail.enqueue``): a rolled-back request
sends nothing. Texts follow the request's language (French unless ``Accept-Language`` asks
for English); notices are French, as in the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from nexus.accounts import signals as accounts
from nexus.accounts.models import User
from nexus.config import Settings
from nexus.language import _, language
from nexus.mail.outbox import ESSENTIAL, enqueue
from nexus.notifications.models import NotificationKind
from nexus.notifications.preferences import KIND_CATEGORY, Recipient
from nexus.notifications.signals import notified


def _link(path: str, token: str | None = None) -> str:
    settings: Settings = current_app.extensions["settings"]
    base = settings.public_base_url.rstrip("/") + path
    return f"{base}?{urlencode({'token': token})}" if token else base


def _context(
    first_name: str, subject: str, paragraphs: list[str], action: tuple[str, str] | None
) -> dict[str, Any]:
    label, url = action if action else ("", "")
    return {
        "first_name": first_name,
        "subject": subject,
        "paragraphs": paragraphs,
        "action_label": label,
        "action_url": url,
    }


def _send(
    session: Session,
    user: User,
    *,
    subject: str,
    paragraphs: list[str],
    action: tuple[str, str] | None = None,
    to_address: str | None = None,
) -> None:
    enqueue(
        session,
        to_address=to_address or user.email,
        to_user_id=user.id,
        template="notice",
        context=_context(user.first_name, subject, paragraphs, action),
        language=language(),
        category=ESSENTIAL,
    )


def _copy_notice(
    session: Session,
    *,
    kind: NotificationKind,
    title: str,
    body: str,
    to: list[Recipient],
    keys: Mapping[int, str] | None,
) -> None:
    # The e-mail needs the app's settings (links, sender); a session used without an app (a
    # script's, a unit test's) gives the in-app notice only.
    if not to or not has_app_context():
        return
    category = KIND_CATEGORY[kind]
    for recipient in to:
        key = keys.get(recipient.user_id) if keys else None
        enqueue(
            session,
            to_address=recipient.email,
            to_user_id=recipient.user_id,
            template="notice",
            context=_context(
                recipient.first_name, title, [body], ("Ouvrir Nexus Réussite", _link("/"))
            ),
            language="fr",
            category=category.value,
            dedupe_key=f"mail:{key}" if key else None,
            wanted=True,
        )


def _verification(session: Session, *, user: User, token: str) -> None:
    _send(
        session,
        user,
        subject=_("Confirm your e-mail address"),
        paragraphs=[
            _("Please confirm that this address is yours by opening the link below."),
            _("Your confirmation code: %(token)s", token=token),
            _("If you did not create an account, ignore this e-mail."),
        ],
        action=(_("Confirm my address"), _link("/account/verify-email", token)),
    )


def _reset(session: Session, *, user: User, token: str) -> None:
    _send(
        session,
        user,
        subject=_("Reset your password"),
        paragraphs=[
            _(
                "Someone asked to reset the password of your account. "
                "The link works once, for one hour."
            ),
            _("Your reset code: %(token)s", token=token),
            _("If it was not you, ignore this e-mail: your password stays as it is."),
        ],
        action=(_("Choose a new password"), _link("/account/reset-password", token)),
    )


def _email_change(session: Session, *, user: User, new_address: str, token: str) -> None:
    _send(
        session,
        user,
        to_address=new_address,
        subject=_("Confirm your new e-mail address"),
        paragraphs=[
            _(
                "Confirm that this address will be the one of your account "
                "by opening the link below."
            ),
            _("Your confirmation code: %(token)s", token=token),
        ],
        action=(_("Confirm this address"), _link("/account/confirm-email", token)),
    )


def _password_changed(session: Session, *, user: User, via: str) -> None:
    del via
    _send(
        session,
        user,
        subject=_("Your password was changed"),
        paragraphs=[
            _(
                "The password of your account was just changed, "
                "and your other sessions were signed out."
            ),
            _("If it was not you, reset your password at once and tell us."),
        ],
        action=(_("Reset my password"), _link("/account/forgot-password")),
    )


def _email_changed(session: Session, *, user: User, old_address: str) -> None:
    _send(
        session,
        user,
        to_address=old_address,
        subject=_("Your account's e-mail address was changed"),
        paragraphs=[
            _(
                "Your account now uses another e-mail address; "
                "this one no longer receives its messages."
            ),
            _("If it was not you, tell us at once."),
        ],
    )


def connect() -> None:
    """Subscribe to the signals (idempotent: blinker keeps one connection per receiver)."""
    notified.connect(_copy_notice)
    accounts.verification_requested.connect(_verification)
    accounts.password_reset_requested.connect(_reset)
    accounts.email_change_requested.connect(_email_change)
    accounts.password_changed.connect(_password_changed)
    accounts.email_changed.connect(_email_changed)

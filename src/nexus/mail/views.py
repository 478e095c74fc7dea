"""Leaving a category of e-mail (public, by signed link) and the administrators' outbox."""

from __future__ import annotations

from flask import Response, current_app

from nexus.accounts.permissions import allow, current_principal, public
from nexus.accounts.roles import Role
from nexus.api.blueprints import api_blueprint
from nexus.api.responses import errors, json_response
from nexus.api.schemas import Page
from nexus.config import Settings
from nexus.db import db, writes
from nexus.language import _
from nexus.mail import services
from nexus.mail.schemas import (
    MailPath,
    MailQuery,
    OutboxMessagePublic,
    Unsubscribed,
    UnsubscribeQuery,
)

bp = api_blueprint(
    "mail", __name__, url_prefix="/api/v1/mail", description="Leaving non-essential e-mails"
)
admin_bp = api_blueprint(
    "mail_admin", __name__, url_prefix="/api/v1/admin/mail", description="The e-mail outbox"
)


def _unsubscribe(token: str) -> Response:
    settings: Settings = current_app.extensions["settings"]
    _user_id, category = services.unsubscribe(
        db.session, settings.secret_key.get_secret_value(), token
    )
    message = _("You will no longer receive these e-mails.")
    return json_response(Unsubscribed(message=message, category=category))


@bp.get("/unsubscribe", responses={200: Unsubscribed, **errors(404, 422)})
@public
@writes  # the link in the e-mail is a GET: following it records the opt-out
def unsubscribe_link(query: UnsubscribeQuery) -> Response:
    """Stop one category of non-essential e-mail (the link at the foot of each one)."""
    return _unsubscribe(query.token)


@bp.post("/unsubscribe", responses={200: Unsubscribed, **errors(404, 422)})
@public
def unsubscribe_one_click(query: UnsubscribeQuery) -> Response:
    """The same, as mail clients' one-click unsubscribe (RFC 8058) sends it."""
    return _unsubscribe(query.token)


@admin_bp.get("", responses={200: Page[OutboxMessagePublic], **errors(422)})
@allow(Role.ADMIN)
def list_mail(query: MailQuery) -> Response:
    """The outbox, newest first; ``status=dead`` lists the e-mails given up."""
    items, total = services.list_messages(db.session, query)
    return json_response(
        Page[OutboxMessagePublic].of(
            [OutboxMessagePublic.model_validate(m) for m in items], query, total
        )
    )


@admin_bp.post("/<int:message_id>/retry", responses={200: OutboxMessagePublic, **errors(404, 409)})
@allow(Role.ADMIN)
def retry_mail(path: MailPath) -> Response:
    """Send a dead e-mail again: fresh attempts, due at once (audited)."""
    message = services.retry(db.session, current_principal(), path.message_id)
    return json_response(OutboxMessagePublic.model_validate(message))

"""Account recovery end to end, against a real SMTP server (aiosmtpd): the e-mails the
accounts' signals cause, delivered by the worker, read back and followed."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from nexus.mail.worker import Worker
from tests.support.api import DEFAULT_PASSWORD
from tests.support.smtp import SmtpServer

MakeApp = Callable[..., tuple[Flask, Session]]
NEW_PASSWORD = "Vacances2027!soleil"
TOKEN = re.compile(r"token=([A-Za-z0-9_\-]+)")


def _deliver(app: Flask, smtp: SmtpServer, address: str) -> list[EmailMessage]:
    Worker(app).run_once()
    return [m for m in smtp.inbox.messages if m["X-Test-Rcpt"] == address]


def _token(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = TOKEN.search(body.get_content())
    assert found is not None, body.get_content()
    return found.group(1)


def _login(client: FlaskClient, email: str, password: str) -> int:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    return response.status_code


def test_register_verify_forget_reset_over_smtp(mail_app: MakeApp, smtp: SmtpServer) -> None:
    app, _session = mail_app(smtp_url=smtp.url())
    client = app.test_client()
    email = "camille.martin@example.fr"
    registered = client.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "password": DEFAULT_PASSWORD,
            "role": "parent",
            "first_name": "Camille",
            "last_name": "Martin",
        },
    )
    assert registered.status_code == 202, registered.get_json()

    (verification,) = _deliver(app, smtp, email)
    assert verification["Subject"] == "Confirmez votre adresse e-mail"
    text = verification.get_body(preferencelist=("plain",)).get_content()
    assert text.startswith("Bonjour Camille,") and "/account/verify-email?token=" in text
    assert "List-Unsubscribe" not in verification  # essential: no way out of it
    verified = client.post("/api/v1/auth/verify-email", json={"token": _token(verification)})
    assert verified.status_code == 200, verified.get_json()

    signed_in = client.post(
        "/api/v1/auth/login", json={"email": email, "password": DEFAULT_PASSWORD}
    )
    assert signed_in.status_code == 200
    old_refresh = signed_in.get_json()["refresh_token"]
    asked = client.post("/api/v1/auth/password-reset", json={"email": email})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "personne@example.fr"})
    assert asked.status_code == unknown.status_code == 202
    assert asked.get_json() == unknown.get_json()

    reset_mail = _deliver(app, smtp, email)[-1]
    assert reset_mail["Subject"] == "Réinitialisez votre mot de passe"
    assert not _deliver(app, smtp, "personne@example.fr")  # no e-mail to an unknown address
    confirmed = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": _token(reset_mail), "new_password": NEW_PASSWORD},
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    refreshed = client.post("/api/v1/auth/refresh", json={"refresh_token": old_refresh})
    assert refreshed.status_code == 401  # the old session is revoked
    assert _login(client, email, DEFAULT_PASSWORD) == 401
    assert _login(client, email, NEW_PASSWORD) == 200
    notice = _deliver(app, smtp, email)[-1]
    assert notice["Subject"] == "Votre mot de passe a été modifié"
    assert [m["X-Test-Rcpt"] for m in smtp.inbox.messages] == [email, email, email]


def test_account_mail_follows_the_request_language(mail_app: MakeApp, smtp: SmtpServer) -> None:
    app, _session = mail_app(smtp_url=smtp.url())
    client = app.test_client()
    email = "jane.doe@example.org"
    client.post(
        "/api/v1/auth/register",
        headers={"Accept-Language": "en-GB"},
        json={
            "email": email,
            "password": DEFAULT_PASSWORD,
            "role": "parent",
            "first_name": "Jane",
            "last_name": "Doe",
        },
    )
    (message,) = _deliver(app, smtp, email)
    assert message["Subject"] == "Confirm your e-mail address"
    assert message.get_body(preferencelist=("plain",)).get_content().startswith("Hello Jane,")

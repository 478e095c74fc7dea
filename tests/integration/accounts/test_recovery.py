"""Account recovery over HTTP (docs/accounts.md): e-mail verification, password reset and
change, e-mail change. The e-mails are the signals accounts send (tests/support/mailbox.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from nexus.accounts import onetime
from nexus.accounts.models import AccountToken, User
from nexus.accounts.roles import Role
from nexus.audit.models import AuditEntry
from nexus.db import utcnow
from tests.support.api import DEFAULT_PASSWORD, Actor, Api
from tests.support.mailbox import Mailbox, capturing

NEW_PASSWORD = "Vacances2027!soleil"
INVALID_LINK = "Ce lien est invalide ou a expiré."


@pytest.fixture(name="mailbox")
def _mailbox() -> Iterator[Mailbox]:
    with capturing() as box:
        yield box


def _register(api: Api, email: str) -> None:
    payload = {
        "email": email,
        "password": DEFAULT_PASSWORD,
        "role": "parent",
        "first_name": "Camille",
        "last_name": "Martin",
    }
    assert api.post("/api/v1/auth/register", json=payload).status_code == 202


def _bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


def _assert_invalid_link(response: TestResponse) -> None:
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["message"]) == ("invalid_token", INVALID_LINK)


def _audit_actions(session: Session, user_id: int) -> list[str]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.target_id == user_id, AuditEntry.target_type == "user")
            .order_by(AuditEntry.id)
        )
    )


# --- E-mail verification ---------------------------------------------------------------------
def test_registration_sends_a_token_that_verifies_the_address(
    api: Api, mailbox: Mailbox, session: Session
) -> None:
    _register(api, "Camille.Martin@Example.fr")
    token = mailbox.token("verify", "camille.martin@example.fr")
    stored = session.scalar(select(AccountToken))
    assert stored is not None and stored.token_hash != token and token not in stored.token_hash
    signed_in = api.login("camille.martin@example.fr").get_json()
    me = api.get("/api/v1/auth/me", headers=_bearer(signed_in["access_token"])).get_json()
    assert me["email_verified_at"] is None

    verified = api.post("/api/v1/auth/verify-email", json={"token": token})
    assert verified.status_code == 200, verified.get_json()
    assert verified.get_json()["email_verified_at"] is not None
    me = api.get("/api/v1/auth/me", headers=_bearer(signed_in["access_token"])).get_json()
    assert me["email_verified_at"] is not None
    assert "user.email_verified" in _audit_actions(session, me["id"])

    _assert_invalid_link(api.post("/api/v1/auth/verify-email", json={"token": token}))


def test_a_taken_address_gets_no_verification_mail(api: Api, mailbox: Mailbox) -> None:
    owner = api.create_user(Role.PARENT)
    _register(api, owner.email)
    assert not mailbox.to(owner.email)


def test_resend_retires_the_older_link_and_refuses_a_verified_address(
    api: Api, mailbox: Mailbox
) -> None:
    _register(api, "camille.martin@example.fr")
    first = mailbox.token("verify", "camille.martin@example.fr")
    signed_in = api.login("camille.martin@example.fr").get_json()
    auth = _bearer(signed_in["access_token"])
    assert api.post("/api/v1/auth/verify-email/resend").status_code == 401
    resent = api.post("/api/v1/auth/verify-email/resend", headers=auth)
    assert resent.status_code == 202
    assert resent.get_json()["message"] == "Un nouvel e-mail de vérification a été envoyé."
    second = mailbox.token("verify", "camille.martin@example.fr")
    assert second != first
    _assert_invalid_link(api.post("/api/v1/auth/verify-email", json={"token": first}))
    assert api.post("/api/v1/auth/verify-email", json={"token": second}).status_code == 200
    again = api.post("/api/v1/auth/verify-email/resend", headers=auth)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "email_already_verified"
    assert again.get_json()["error"]["message"] == "Cette adresse e-mail est déjà vérifiée."


def test_malformed_and_unknown_tokens(api: Api) -> None:
    short = api.post("/api/v1/auth/verify-email", json={"token": "court"})
    assert short.status_code == 422
    unknown = api.post("/api/v1/auth/verify-email", json={"token": "x" * 43})
    _assert_invalid_link(unknown)
    assert unknown.get_json()["error"]["fields"][0]["field"] == "token"


# --- Password reset --------------------------------------------------------------------------
def test_password_reset_signs_out_everywhere_and_changes_the_password(
    api: Api, mailbox: Mailbox, session: Session
) -> None:
    parent = api.actor(Role.PARENT)
    laptop = api.login(parent.user.email).get_json()
    asked = api.post("/api/v1/auth/password-reset", json={"email": parent.user.email.upper()})
    assert asked.status_code == 202
    token = mailbox.token("reset", parent.user.email)

    done = api.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["message"] == ("Mot de passe modifié ; connectez-vous avec le nouveau.")
    for access, refresh in (
        (parent.access_token, parent.refresh_token),
        (laptop["access_token"], laptop["refresh_token"]),
    ):
        me = api.get("/api/v1/auth/me", headers=_bearer(access))
        assert me.status_code == 401
        assert me.get_json()["error"]["code"] == "token_revoked"
        assert api.post("/api/v1/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    assert api.login(parent.user.email, DEFAULT_PASSWORD).status_code == 401
    assert api.login(parent.user.email, NEW_PASSWORD).status_code == 200
    assert mailbox.to(parent.user.email)[-1] == "password_changed:reset"
    assert "user.password_changed" in _audit_actions(session, parent.id)

    reused = api.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": "Autre2027!x"}
    )
    _assert_invalid_link(reused)
    assert api.login(parent.user.email, NEW_PASSWORD).status_code == 200


def test_unknown_address_gets_the_same_answer_and_no_mail(api: Api, mailbox: Mailbox) -> None:
    parent = api.create_user(Role.PARENT)
    inactive = api.create_user(Role.PARENT)
    inactive.is_active = False
    api.session.commit()
    known = api.post("/api/v1/auth/password-reset", json={"email": parent.email})
    answers = [
        api.post("/api/v1/auth/password-reset", json={"email": email})
        for email in ("personne@example.fr", inactive.email)
    ]
    for unknown in answers:
        assert unknown.status_code == known.status_code == 202
        assert unknown.get_json() == known.get_json()
    assert known.get_json()["message"].startswith("Si un compte existe pour cette adresse")
    assert [m.to for m in mailbox.sent] == [parent.email]


def test_a_reset_token_expires(api: Api, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = api.create_user(Role.PARENT)
    api.post("/api/v1/auth/password-reset", json={"email": parent.email})
    token = mailbox.token("reset", parent.email)
    later: datetime = utcnow() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(onetime, "utcnow", lambda: later)
    expired = api.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    _assert_invalid_link(expired)
    assert api.login(parent.email, DEFAULT_PASSWORD).status_code == 200


def test_a_weak_password_keeps_the_token_and_a_new_link_retires_it(
    api: Api, mailbox: Mailbox
) -> None:
    parent = api.create_user(Role.PARENT)
    api.post("/api/v1/auth/password-reset", json={"email": parent.email})
    first = mailbox.token("reset", parent.email)
    weak = api.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": first, "new_password": "seulementdeslettres"},
    )
    assert weak.status_code == 422
    assert weak.get_json()["error"]["code"] == "weak_password"
    assert "au moins une lettre et un chiffre" in weak.get_json()["error"]["message"]

    api.post("/api/v1/auth/password-reset", json={"email": parent.email})
    second = mailbox.token("reset", parent.email)
    body = {"token": first, "new_password": NEW_PASSWORD}
    _assert_invalid_link(api.post("/api/v1/auth/password-reset/confirm", json=body))
    body["token"] = second
    assert api.post("/api/v1/auth/password-reset/confirm", json=body).status_code == 200


# --- Password change -------------------------------------------------------------------------
def _change(api: Api, actor: Actor, current: str, new: str) -> TestResponse:
    return api.post(
        "/api/v1/auth/password",
        actor,
        json={"current_password": current, "new_password": new},
    )


def test_password_change_keeps_this_session_and_revokes_the_others(
    api: Api, mailbox: Mailbox, session: Session
) -> None:
    laptop = api.actor(Role.STUDENT)
    phone = api.login(laptop.user.email).get_json()
    changed = _change(api, laptop, DEFAULT_PASSWORD, NEW_PASSWORD)
    assert changed.status_code == 200, changed.get_json()

    assert api.get("/api/v1/auth/me", laptop).status_code == 200
    rotated = api.post("/api/v1/auth/refresh", json={"refresh_token": laptop.refresh_token})
    assert rotated.status_code == 200
    phone_me = api.get("/api/v1/auth/me", headers=_bearer(phone["access_token"]))
    assert phone_me.status_code == 401
    assert phone_me.get_json()["error"]["code"] == "token_revoked"
    refresh = api.post("/api/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    assert refresh.status_code == 401
    assert api.login(laptop.user.email, DEFAULT_PASSWORD).status_code == 401
    assert api.login(laptop.user.email, NEW_PASSWORD).status_code == 200
    assert mailbox.to(laptop.user.email) == ["password_changed:change"]
    assert "user.password_changed" in _audit_actions(session, laptop.id)


def test_password_change_needs_the_current_password_and_a_strong_new_one(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    wrong = _change(api, student, "PasLeBon2026!", NEW_PASSWORD)
    assert wrong.status_code == 422
    error = wrong.get_json()["error"]
    assert (error["code"], error["message"]) == (
        "wrong_password",
        "Le mot de passe actuel est incorrect.",
    )
    assert error["fields"][0]["field"] == "current_password"
    weak = _change(api, student, DEFAULT_PASSWORD, "password123")
    assert weak.get_json()["error"]["code"] == "weak_password"
    assert api.post("/api/v1/auth/password", json={}).status_code == 401
    assert api.login(student.user.email, DEFAULT_PASSWORD).status_code == 200


# --- E-mail change ---------------------------------------------------------------------------
def _ask_email_change(
    api: Api, actor: Actor, new_email: str, password: str = DEFAULT_PASSWORD
) -> TestResponse:
    return api.post(
        "/api/v1/auth/email",
        actor,
        json={"new_email": new_email, "current_password": password},
    )


def test_email_change_is_confirmed_at_the_new_address(
    api: Api, mailbox: Mailbox, session: Session
) -> None:
    parent = api.actor(Role.PARENT)
    old = parent.user.email
    asked = _ask_email_change(api, parent, "Nouvelle.Adresse@Example.fr")
    assert asked.status_code == 202, asked.get_json()
    token = mailbox.token("email_change", "nouvelle.adresse@example.fr")
    assert not mailbox.to(old)
    assert api.get("/api/v1/auth/me", parent).get_json()["email"] == old

    confirmed = api.post("/api/v1/auth/email/confirm", json={"token": token})
    assert confirmed.status_code == 200, confirmed.get_json()
    body = confirmed.get_json()
    assert body["email"] == "nouvelle.adresse@example.fr"
    assert body["email_verified_at"] is not None
    assert api.login("nouvelle.adresse@example.fr").status_code == 200
    assert api.login(old).status_code == 401
    assert "user.email_changed" in _audit_actions(session, parent.id)
    _assert_invalid_link(api.post("/api/v1/auth/email/confirm", json={"token": token}))


def test_email_change_refuses_a_taken_address_and_a_wrong_password(
    api: Api, mailbox: Mailbox
) -> None:
    parent = api.actor(Role.PARENT)
    other = api.create_user(Role.PARENT)
    taken = _ask_email_change(api, parent, other.email)
    assert taken.status_code == 409
    assert taken.get_json()["error"]["code"] == "email_taken"
    assert (
        taken.get_json()["error"]["message"] == "Un compte existe déjà pour cette adresse e-mail."
    )
    wrong = _ask_email_change(api, parent, "libre@example.fr", "PasLeBon2026!")
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["code"] == "wrong_password"
    assert not mailbox.sent


def test_email_change_conflicts_when_the_address_was_taken_meanwhile(
    api: Api, mailbox: Mailbox, session: Session
) -> None:
    parent = api.actor(Role.PARENT)
    assert _ask_email_change(api, parent, "convoitee@example.fr").status_code == 202
    token = mailbox.token("email_change", "convoitee@example.fr")
    api.create_user(Role.PARENT, email="convoitee@example.fr")
    conflict = api.post("/api/v1/auth/email/confirm", json={"token": token})
    assert conflict.status_code == 409
    assert conflict.get_json()["error"]["code"] == "email_taken"
    session.expire_all()
    assert session.get(User, parent.id).email == parent.user.email  # type: ignore[union-attr]

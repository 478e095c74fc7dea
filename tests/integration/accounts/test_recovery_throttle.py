"""The account-recovery throttles (docs/accounts.md), with small limits: every refusal is the
documented 429 in the API's error shape. Runs on both backends (in-process counters, Redis)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from werkzeug.test import TestResponse

from nexus.accounts.roles import Role
from nexus.config import Settings
from tests.support.api import DEFAULT_PASSWORD, Api
from tests.support.mailbox import Mailbox, capturing

RESET = "/api/v1/auth/password-reset"


@pytest.fixture(name="settings")
def _tight_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "password_reset_limit_per_email": "2 per hour",
            "password_reset_limit_per_address": "4 per hour",
            "account_email_limit_per_user": "1 per hour",
            "current_password_limit_per_user": "2 per hour",
        }
    )


@pytest.fixture(name="mailbox")
def _mailbox() -> Iterator[Mailbox]:
    with capturing() as box:
        yield box


def _assert_throttled(response: TestResponse) -> None:
    assert response.status_code == 429
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields", "request_id"}
    assert (error["status"], error["code"]) == (429, "rate_limited")
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 3601
    assert error["message"] == f"Trop de tentatives ; réessayez dans {retry_after} s."


def _reset(api: Api, email: str, address: str = "127.0.0.1") -> TestResponse:
    return api.post(RESET, json={"email": email}, environ_base={"REMOTE_ADDR": address})


def test_password_reset_is_throttled_per_email(api: Api, mailbox: Mailbox) -> None:
    parent = api.create_user(Role.PARENT)
    assert [_reset(api, parent.email).status_code for _ in range(2)] == [202, 202]
    # From another machine too, and whatever the case of the address.
    _assert_throttled(_reset(api, parent.email.upper(), "127.0.0.2"))
    assert len(mailbox.to(parent.email)) == 2
    assert _reset(api, "autre@example.fr").status_code == 202


def test_password_reset_is_throttled_per_client_address(api: Api) -> None:
    statuses = [_reset(api, f"parent{n}@example.fr").status_code for n in range(4)]
    assert statuses == [202] * 4
    _assert_throttled(_reset(api, "parent9@example.fr"))
    assert _reset(api, "parent9@example.fr", "127.0.0.2").status_code == 202


def test_verification_resend_is_throttled_per_user(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    assert api.post("/api/v1/auth/verify-email/resend", student).status_code == 202
    _assert_throttled(api.post("/api/v1/auth/verify-email/resend", student))
    other = api.actor(Role.STUDENT)
    assert api.post("/api/v1/auth/verify-email/resend", other).status_code == 202


def test_current_password_guesses_are_throttled_per_user(api: Api) -> None:
    student = api.actor(Role.STUDENT)
    guesses = [
        api.post(
            "/api/v1/auth/password",
            student,
            json={"current_password": f"Devine{n}2026!", "new_password": "Vacances2027!soleil"},
        ).status_code
        for n in range(2)
    ]
    assert guesses == [422, 422]
    right = api.post(
        "/api/v1/auth/email",
        student,
        json={"new_email": "libre@example.fr", "current_password": DEFAULT_PASSWORD},
    )
    _assert_throttled(right)


def test_unknown_tokens_are_throttled_per_address_across_the_token_routes(api: Api) -> None:
    routes = [
        ("/api/v1/auth/verify-email", {}),
        ("/api/v1/auth/email/confirm", {}),
        ("/api/v1/auth/password-reset/confirm", {"new_password": "Vacances2027!soleil"}),
    ]
    statuses = [
        api.post(path, json={"token": f"inconnu-{n:040d}", **extra}).status_code
        for n in range(30)
        for path, extra in [routes[n % 3]]
    ]
    assert statuses == [400] * 30
    path, extra = routes[0]
    _assert_throttled(api.post(path, json={"token": "inconnu-" + "9" * 40, **extra}))
    other = api.post(
        path, json={"token": "inconnu-" + "9" * 40}, environ_base={"REMOTE_ADDR": "127.0.0.2"}
    )
    assert other.status_code == 400

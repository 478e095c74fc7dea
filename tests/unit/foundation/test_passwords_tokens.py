from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from flask import Flask

from nexus.accounts import passwords, tokens
from nexus.errors import Unauthorized, Unprocessable


def test_hashes_are_argon2id_and_verify(app: Flask) -> None:
    with app.app_context():
        hashed = passwords.hash_password("Révisions2026!")
        assert hashed.startswith("$argon2id$")
        assert passwords.verify_password(hashed, "Révisions2026!")
        assert not passwords.verify_password(hashed, "Révisions2027!")
        assert not passwords.verify_password("not-a-hash", "x")
        assert not passwords.needs_rehash(hashed)


@pytest.mark.parametrize(
    "password",
    ["a1" * 65, "Bonjour123"[:9], "abcdefghijk", "motdepasse1"],
)
def test_policy_rejects(password: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        passwords.check_policy(password, "eleve@example.fr")
    assert caught.value.fields[0].field == "password"


def test_policy_accepts_a_reasonable_password() -> None:
    passwords.check_policy("Révisions2026!", "eleve@example.fr")


def _forge(app: Flask, **claims: object) -> str:
    now = datetime.now(UTC)
    base = {
        "iss": tokens.ISSUER,
        "aud": tokens.AUDIENCE,
        "sub": "1",
        "role": "student",
        "sid": "s",
        "typ": "access",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    base.update(claims)
    secret = app.extensions["settings"].secret_key.get_secret_value()
    return jwt.encode(base, secret, algorithm="HS256")


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"exp": datetime.now(UTC) - timedelta(seconds=5)}, "token_expired"),
        ({"aud": "someone-else"}, "invalid_token"),
        ({"typ": "refresh"}, "invalid_token"),
        ({"role": "superuser"}, "invalid_token"),
        ({"sub": "not-a-number"}, "invalid_token"),
    ],
)
def test_decode_rejects_forged_or_expired_tokens(
    app: Flask, session: object, claims: dict[str, object], code: str
) -> None:
    with app.app_context():
        with pytest.raises(Unauthorized) as caught:
            tokens.decode_access(session, _forge(app, **claims))  # type: ignore[arg-type]
    assert caught.value.code == code


def test_a_token_signed_with_another_key_is_invalid(app: Flask, session: object) -> None:
    token = jwt.encode({"sub": "1"}, "another-key-" * 4, algorithm="HS256")
    with app.app_context():
        with pytest.raises(Unauthorized):
            tokens.decode_access(session, token)  # type: ignore[arg-type]

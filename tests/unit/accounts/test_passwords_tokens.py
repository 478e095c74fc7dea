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
            tokens.decode_access(lambda: session, _forge(app, **claims))  # type: ignore[arg-type]
    assert caught.value.code == code


def test_a_token_signed_with_another_key_is_invalid(app: Flask, session: object) -> None:
    token = jwt.encode({"sub": "1"}, "another-key-" * 4, algorithm="HS256")
    with app.app_context():
        with pytest.raises(Unauthorized):
            tokens.decode_access(lambda: session, token)  # type: ignore[arg-type]


def test_a_verified_token_is_remembered_until_its_expiry_then_refused(
    app: Flask, session: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = _forge(app, sid="remembered", exp=datetime.now(UTC) + timedelta(seconds=60))
    with app.app_context():
        first = tokens.decode_access(lambda: session, token)  # type: ignore[arg-type]
        checks: list[str] = []
        original = tokens._check_access  # pylint: disable=protected-access
        monkeypatch.setattr(tokens, "_check_access", lambda t: checks.append(t) or original(t))
        assert tokens.decode_access(lambda: session, token) == first  # type: ignore[arg-type]
        assert not checks  # the second request did not decode it again
        later = tokens.time.time() + 61
        monkeypatch.setattr(tokens.time, "time", lambda: later)
        monkeypatch.setattr(jwt.api_jwt, "datetime", _FrozenDatetime(later))
        with pytest.raises(Unauthorized) as caught:
            tokens.decode_access(lambda: session, token)  # type: ignore[arg-type]
    assert caught.value.code == "token_expired"
    assert checks == [token]


class _FrozenDatetime:
    """``datetime`` as PyJWT sees it, at a fixed epoch time (only ``now`` is used)."""

    def __init__(self, epoch: float) -> None:
        self.epoch = epoch

    def now(self, tz: object = None) -> datetime:
        return datetime.fromtimestamp(self.epoch, UTC)

    def __getattr__(self, name: str) -> object:
        return getattr(datetime, name)

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest

from nexus.config import (
    DEV_SECRET_KEY,
    MIN_SECRET_GUESSES_LOG10,
    ConfigurationError,
    Environment,
    Settings,
    secret_guesses_log10,
)

STRONG = "Zq3" + "x8Kp2LmN7vB4cR9tY6wE1uI5oA0sD3fG8hJ2kL7"


def test_development_defaults_are_embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "OPENAI_API_KEY", "NEXUS_ENV"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.env is Environment.DEVELOPMENT
    assert settings.is_sqlite
    assert settings.redis_url is None
    assert not settings.aria_online


def test_postgres_urls_get_the_psycopg_driver() -> None:
    for url in ("postgres://u@h/db", "postgresql://u@h/db", "POSTGRES://u@h/db"):
        assert Settings(database_url=url).database_url == "postgresql+psycopg://u@h/db"


def test_url_schemes_are_case_insensitive() -> None:
    settings = Settings(database_url="SQLite:///Instance/Nexus.db")
    assert settings.is_sqlite
    assert settings.database_url == "sqlite:///Instance/Nexus.db"  # the path keeps its case


GUESSABLE_KEYS = [
    "changeme" * 8,
    "password" * 8,
    "abcdefghijklmnopqrstuvwxyz012345",
    "qwertyuiopasdfghjklzxcvbnm123456",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9",
    "nexus-reussite-production-secret-key-2026",
    "correcthorsebatterystaple" * 2,
    "0123456789" * 4,
    "changeme" * 20,  # longer than zxcvbn reads at once
    DEV_SECRET_KEY + "-prod",
]


@pytest.mark.parametrize("secret", GUESSABLE_KEYS)
def test_guessable_keys_are_weak(secret: str) -> None:
    assert secret_guesses_log10(secret) < MIN_SECRET_GUESSES_LOG10
    with pytest.raises(ConfigurationError, match="SECRET_KEY is weak"):
        Settings(NEXUS_ENV="production", secret_key=secret, database_url="postgresql://u@h/db")


@pytest.mark.parametrize("size", [48, 64])
def test_generated_keys_are_strong(size: int) -> None:
    for _ in range(20):
        key = secrets.token_urlsafe(size)
        assert Settings(NEXUS_ENV="production", secret_key=key, database_url="postgresql://h/db")
    assert secret_guesses_log10(secrets.token_hex(64)) >= MIN_SECRET_GUESSES_LOG10


def test_cors_origins_come_as_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "CORS_ORIGINS", "https://app.nexus-reussite.com, https://admin.nexus-reussite.com"
    )
    assert Settings().cors_origins == [
        "https://app.nexus-reussite.com",
        "https://admin.nexus-reussite.com",
    ]


@pytest.mark.parametrize(
    ("secret", "database_url", "reason"),
    [
        (DEV_SECRET_KEY, "postgresql://u@h/db", "SECRET_KEY is missing"),
        ("", "postgresql://u@h/db", "SECRET_KEY is missing"),
        ("short-secret", "postgresql://u@h/db", "SECRET_KEY is weak"),
        ("a" * 64, "postgresql://u@h/db", "SECRET_KEY is weak"),
        (STRONG, "sqlite:///nexus.db", "SQLite"),
        (STRONG, "SQLITE:///nexus.db", "SQLite"),
    ],
)
def test_production_refuses_unsafe_settings(secret: str, database_url: str, reason: str) -> None:
    with pytest.raises(ConfigurationError, match=reason):
        Settings(NEXUS_ENV="production", secret_key=secret, database_url=database_url)


def test_production_accepts_a_strong_secret_and_postgres() -> None:
    settings = Settings(
        NEXUS_ENV="production", secret_key=STRONG, database_url="postgresql://u@h/db"
    )
    assert settings.is_production
    assert (settings.argon2_time_cost, settings.argon2_memory_cost_kib) == (2, 19_456)


@pytest.mark.parametrize(
    ("time_cost", "memory_kib"),
    [(1, 47_104), (2, 19_456), (3, 12_288), (4, 9_216), (5, 7_168), (8, 7_168), (2, 65_536)],
)
def test_production_accepts_owasp_argon2_settings(time_cost: int, memory_kib: int) -> None:
    settings = Settings(
        NEXUS_ENV="production",
        secret_key=STRONG,
        database_url="postgresql://u@h/db",
        argon2_time_cost=time_cost,
        argon2_memory_cost_kib=memory_kib,
    )
    assert settings.argon2_memory_cost_kib == memory_kib


@pytest.mark.parametrize(
    ("time_cost", "memory_kib"), [(1, 47_103), (1, 19_456), (2, 19_455), (3, 12_287), (9, 7_167)]
)
def test_production_refuses_argon2_below_owasp(time_cost: int, memory_kib: int) -> None:
    with pytest.raises(ConfigurationError, match="below OWASP's argon2id minimum"):
        Settings(
            NEXUS_ENV="production",
            secret_key=STRONG,
            database_url="postgresql://u@h/db",
            argon2_time_cost=time_cost,
            argon2_memory_cost_kib=memory_kib,
        )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"NEXUS_ENV": "production", "SECRET_KEY": "short"}, "SECRET_KEY is weak"),
        ({"NEXUS_ENV": "production", "SECRET_KEY": STRONG}, "SQLite"),
        ({"ACCESS_TOKEN_TTL_SECONDS": "soon"}, "ACCESS_TOKEN_TTL_SECONDS"),
    ],
)
def test_the_process_refuses_to_start_with_one_clear_line(
    env: dict[str, str], expected: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from nexus import create_app; create_app()"],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nexus: refusing to start:")
    assert expected in lines[0]

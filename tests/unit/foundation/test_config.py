from __future__ import annotations

import subprocess
import sys

import pytest

from nexus.config import DEV_SECRET_KEY, ConfigurationError, Environment, Settings

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
    for url in ("postgres://u@h/db", "postgresql://u@h/db"):
        assert Settings(database_url=url).database_url == "postgresql+psycopg://u@h/db"


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

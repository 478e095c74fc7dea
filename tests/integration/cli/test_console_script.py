"""The ``nexus`` console script as a new user meets it: our commands, our version, and every
argument checked like the API checks it."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User

NEXUS = str(Path(sys.executable).with_name("nexus"))
OURS = {
    "billing-reminders",
    "create-admin",
    "db",
    "purge-aria-data",
    "seed-demo",
    "send-reminders",
    "serve",
    "tax-certificates",
    "worker",
}


def _nexus(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEXUS, *args],
        env=env or {"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_lists_our_commands_only() -> None:
    result = _nexus("--help")
    assert result.returncode == 0, result.stderr
    listing = result.stdout.split("Commands:", 1)[1].strip().splitlines()
    commands = {line.split()[0] for line in listing}
    assert commands == OURS
    assert "--app" not in result.stdout and "--env-file" not in result.stdout


def test_version_is_ours() -> None:
    result = _nexus("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"nexus, version {version('nexus-reussite-backend')}"
    assert "Flask" not in result.stdout and "Python" not in result.stdout


def test_a_real_command_still_loads_the_app(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    result = _nexus("db", "upgrade", env=env)
    assert result.returncode == 0, result.stderr
    assert "upgraded to head" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "notanemail"], "--email : adresse e-mail invalide"),
        (
            ["--email", "a@nexus-reussite.fr", "--first-name", "  "],
            "--first-name : Le texte doit contenir au moins 1 caractère",
        ),
        (
            ["--email", "a@nexus-reussite.fr", "--last-name", "x" * 81],
            "--last-name : Le texte doit contenir au plus 80 caractères",
        ),
    ],
)
def test_create_admin_refuses_what_the_api_refuses(
    app: Flask, session: Session, args: list[str], message: str
) -> None:
    before = session.scalar(select(func.count()).select_from(User))
    result = app.test_cli_runner().invoke(
        args=["create-admin", *args], env={"NEXUS_ADMIN_PASSWORD": "Pilotage2026!prod"}
    )
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Pilotage2026" not in result.output
    assert session.scalar(select(func.count()).select_from(User)) == before

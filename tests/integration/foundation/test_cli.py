from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role


def test_seed_demo_is_idempotent(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    count = session.scalar(select(func.count()).select_from(User))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert session.scalar(select(func.count()).select_from(User)) == count
    roles = set(session.scalars(select(User.role)))
    assert roles == set(Role)


def test_create_admin(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-admin", "--email", "Direction@Nexus-Reussite.fr"],
        env={"NEXUS_ADMIN_PASSWORD": "Pilotage2026!prod"},
    )
    assert result.exit_code == 0, result.output
    admin = session.scalar(select(User).where(User.email == "direction@nexus-reussite.fr"))
    assert admin is not None and admin.role is Role.ADMIN
    again = runner.invoke(
        args=["create-admin", "--email", "direction@nexus-reussite.fr"],
        env={"NEXUS_ADMIN_PASSWORD": "Pilotage2026!prod"},
    )
    assert again.exit_code != 0
    assert "existe déjà" in again.output
    weak = runner.invoke(
        args=["create-admin", "--email", "x@nexus-reussite.fr"],
        env={"NEXUS_ADMIN_PASSWORD": "court"},
    )
    assert weak.exit_code != 0
    assert "au moins 10 caractères" in weak.output


def test_db_commands_round_trip(tmp_path: object) -> None:
    from nexus import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(f"sqlite:///{tmp_path}/cli.db"))  # type: ignore[str-format]
    runner = app.test_cli_runner()
    for args, expected in (
        (["db", "upgrade"], "upgraded to head"),
        (["db", "check"], "agree"),
        (["db", "downgrade", "base"], "downgraded to base"),
        (["db", "upgrade"], "upgraded to head"),
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        assert expected in result.output
    current = runner.invoke(args=["db", "current"])
    assert current.exit_code == 0


def test_serve_dev_runs_the_development_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    monkeypatch.setattr(Flask, "run", lambda self, **kw: calls.append(kw))
    result = app.test_cli_runner().invoke(
        args=["serve", "--dev", "--host", "127.0.0.1", "--port", "8123"]
    )
    assert result.exit_code == 0, result.output
    assert calls == [{"host": "127.0.0.1", "port": 8123, "debug": False, "use_reloader": False}]


def test_serve_execs_gunicorn_with_the_shared_config(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    seen: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(os, "execve", lambda path, argv, env: seen.append((argv, env)))
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    result = app.test_cli_runner().invoke(args=["serve", "--port", "8124"])
    assert result.exit_code == 0, result.output
    argv, env = seen[0]
    assert argv[1:] == [
        "-m",
        "gunicorn",
        "-c",
        "python:nexus.ops.gunicorn_conf",
        "nexus:create_app()",
    ]
    assert env["PORT"] == "8124"
    # gunicorn starts with the metrics directory already set (prometheus_client's mode).
    assert os.path.isdir(env["PROMETHEUS_MULTIPROC_DIR"])
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ

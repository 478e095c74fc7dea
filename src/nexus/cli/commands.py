"""``nexus db …``, ``nexus seed-demo``, ``nexus create-admin``, ``nexus serve``."""

from __future__ import annotations

import os
import sys
import tempfile

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from pydantic import ValidationError

from nexus.accounts import services
from nexus.accounts.roles import Role
from nexus.admin.schemas import AdminUserCreate
from nexus.config import Settings
from nexus.db import db
from nexus.errors import ApiError
from nexus.language import _
from nexus.language.validation import message as validation_message
from nexus.migrations import runner

# How the production server starts (after the Python executable); the tests start it the same way.
GUNICORN_ARGS = ("-m", "gunicorn", "-c", "python:nexus.ops.gunicorn_conf", "nexus:create_app()")


def _settings() -> Settings:
    settings: Settings = current_app.extensions["settings"]
    return settings


db_cli = AppGroup("db", help="Database migrations (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    runner.upgrade(_settings(), revision)
    click.echo(f"database upgraded to {revision}")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (default: one step; 'base' for all)."""
    runner.downgrade(_settings(), revision)
    click.echo(f"database downgraded to {revision}")


@db_cli.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    runner.current(_settings())


@db_cli.command("check")
def db_check() -> None:
    """Fail when the models have drifted from the migrations."""
    runner.check(_settings())
    click.echo("models and migrations agree")


@click.command("seed-demo")
@with_appcontext
@click.option("--large", is_flag=True, help="Also generate a large data set (bulk inserts).")
@click.option("--students", default=1000, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--sessions", default=20_000, show_default=True, type=click.IntRange(0, 2_000_000))
@click.option("--assessments", default=50_000, show_default=True, type=click.IntRange(0, 5_000_000))
@click.option("--seed", default=2026, show_default=True, help="Random seed (deterministic).")
def seed_demo(large: bool, students: int, sessions: int, assessments: int, seed: int) -> None:
    """Load the demo data set (idempotent): accounts, content and history."""
    from nexus.demo import seed_demo as run_seed

    with db.standalone_session(current_app) as session:
        run_seed(session)
    click.echo("demo data ready (accounts in README.md)")
    if large:
        from nexus.demo.large import LargeOptions, seed_large_with_progress

        options = LargeOptions(students, sessions, assessments, seed)
        click.echo(seed_large_with_progress(current_app, options))


@click.command("create-admin")
@with_appcontext
@click.option("--email", required=True)
@click.option("--first-name", default="Admin")
@click.option("--last-name", default="Nexus")
@click.password_option(envvar="NEXUS_ADMIN_PASSWORD", help="Prompted for, or NEXUS_ADMIN_PASSWORD.")
def create_admin(email: str, first_name: str, last_name: str, password: str) -> None:
    """Create an administrator account."""
    # The same schema as POST /api/v1/admin/users: an argument the API would refuse (an e-mail
    # that is not one, an empty name) is refused here too, before anything is written.
    try:
        data = AdminUserCreate.model_validate(
            {
                "email": email,
                "password": password,
                "role": Role.ADMIN.value,
                "first_name": first_name,
                "last_name": last_name,
            }
        )
    except ValidationError as exc:
        raise click.UsageError(_invalid_arguments(exc)) from exc
    try:
        with db.standalone_session(current_app) as session:
            user = services.create_user(
                session,
                email=data.email,
                password=data.password,
                role=Role.ADMIN,
                first_name=data.first_name,
                last_name=data.last_name,
            )
            user_id, stored_email = user.id, user.email
    except ApiError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"admin {stored_email} created (id {user_id})")


def _invalid_arguments(exc: ValidationError) -> str:
    """One line per refused option, named as on the command line (the password never shown)."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        option = "--" + "-".join(str(part) for part in error["loc"]).replace("_", "-")
        lines.append(_("%(field)s: %(detail)s", field=option, detail=validation_message(error)))
    return _("; ").join(lines)


@click.command("serve")
@with_appcontext
@click.option("--dev", is_flag=True, help="Flask's development server instead of gunicorn.")
@click.option(
    "--host", default=lambda: os.environ.get("HOST", "0.0.0.0"), show_default="0.0.0.0"
)  # nosec B104
@click.option(
    "--port", default=lambda: int(os.environ.get("PORT", "8000")), type=int, show_default="8000"
)
def serve(dev: bool, host: str, port: int) -> None:
    """Serve the API: gunicorn (production) or, on request, the development server."""
    if dev:
        current_app.run(host=host, port=port, debug=False, use_reloader=False)
        return
    env = {**os.environ, "HOST": host, "PORT": str(port)}
    # prometheus_client picks its mode at import: the gunicorn master must start with the
    # directory of the workers' samples in its environment (nexus.ops.gunicorn_conf).
    if not env.get("PROMETHEUS_MULTIPROC_DIR"):
        env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="nexus-prometheus-")
    argv = [sys.executable, *GUNICORN_ARGS]
    os.execve(sys.executable, argv, env)  # nosec B606 - fixed argv, no shell


def commands() -> tuple[click.Command, ...]:
    """Every ``nexus`` command (the console script and ``app.cli`` hold the same ones)."""
    from nexus.aria.cli import purge_aria_data
    from nexus.billing.cli import billing_reminders, tax_certificates
    from nexus.mail.cli import worker
    from nexus.scheduling.cli import send_reminders

    return (
        db_cli,
        seed_demo,
        create_admin,
        serve,
        send_reminders,
        purge_aria_data,
        billing_reminders,
        tax_certificates,
        worker,
    )


def register(app: Flask) -> None:
    for command in commands():
        app.cli.add_command(command)

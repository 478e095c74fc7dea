"""``nexus purge-aria-data``: delete what ARIA keeps beyond the retention period (daily)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from nexus.aria.retention import purge
from nexus.config import Settings
from nexus.db import db, utcnow


@click.command("purge-aria-data")
@click.option(
    "--days",
    type=click.IntRange(min=30),
    default=None,
    help="Retention in days; default: the ARIA_RETENTION_DAYS setting (365).",
)
@with_appcontext
def purge_aria_data(days: int | None) -> None:
    """Delete ARIA conversations, study plans and usage older than the retention period."""
    settings: Settings = current_app.extensions["settings"]
    keep = days if days is not None else settings.aria_retention_days
    with db.standalone_session(current_app) as session:
        purged = purge(session, utcnow(), keep)
    click.echo(
        f"purged {purged.conversations} conversation(s), {purged.study_plans} study plan(s), "
        f"{purged.usage} usage row(s) older than {keep} days"
    )

"""``nexus send-reminders``: the day-before reminders (idempotent; schedule it daily)."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from nexus.db import db, utcnow
from nexus.scheduling.reminders import send_reminders as run


@click.command("send-reminders")
@click.option(
    "--now",
    "now_text",
    default=None,
    help="Pretend the run happens at this ISO 8601 instant (with offset); default: now.",
)
@with_appcontext
def send_reminders(now_text: str | None) -> None:
    """Remind participants of the sessions starting tomorrow (Europe/Paris)."""
    now = utcnow()
    if now_text is not None:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError as exc:
            raise click.BadParameter("not an ISO 8601 instant", param_hint="--now") from exc
        if now.tzinfo is None:
            raise click.BadParameter("give an offset, e.g. +01:00 or Z", param_hint="--now")
    with db.standalone_session(current_app) as session:
        sent = run(session, now)
    click.echo(f"{sent} reminder(s) sent")

"""``nexus worker``: deliver the outbox until SIGTERM (or once, with ``--once``)."""

from __future__ import annotations

import signal
import sys
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext
from prometheus_client import start_http_server

from nexus.config import Settings
from nexus.mail.worker import Worker


@click.command("worker")
@click.option("--once", is_flag=True, help="Try every message due now once, then exit.")
@click.option(
    "--metrics-port",
    type=click.IntRange(0, 65535),
    default=None,
    envvar="MAIL_METRICS_PORT",
    help="Serve the worker's Prometheus metrics on this port (default: none).",
)
@with_appcontext
def worker(once: bool, metrics_port: int | None) -> None:
    """Deliver the e-mail outbox (SMTP_URL, or .eml files under MAIL_OUTBOX_DIR)."""
    settings: Settings = current_app.extensions["settings"]
    if settings.is_production and settings.smtp_url is None:
        # .eml files in a pod's temporary directory would be e-mails nobody ever receives.
        raise click.ClickException("SMTP_URL is missing: production delivers over SMTP")
    mail_worker = Worker(current_app)
    if once:
        tried = mail_worker.run_once()
        click.echo(f"{tried} e-mail(s) tried, {mail_worker.count_pending()} pending")
        return

    def _stop(signum: int, _frame: FrameType | None) -> None:
        # Finish the message in hand, give back the rest of the batch, exit 0.
        click.echo(f"signal {signum}: stopping after the current message", err=True)
        mail_worker.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if metrics_port is not None:
        start_http_server(metrics_port, registry=mail_worker.metrics.registry)
    click.echo("mail worker started", err=True)
    mail_worker.run_forever()
    click.echo("mail worker stopped", err=True)
    sys.stdout.flush()

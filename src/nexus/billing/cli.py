"""``nexus billing-reminders``: overdue-invoice reminders (at most one per invoice a week);
``nexus tax-certificates``: the yearly attestations fiscales."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from nexus.billing.certificates import issue_certificates
from nexus.billing.reminders import send_invoice_reminders
from nexus.clock import paris_today
from nexus.db import db


@click.command("billing-reminders")
@click.option(
    "--today",
    "today_text",
    default=None,
    help="Pretend the run happens on this ISO date (YYYY-MM-DD); default: today in Paris.",
)
@with_appcontext
def billing_reminders(today_text: str | None) -> None:
    """Remind families of their invoices past due with money outstanding."""
    today = paris_today()
    if today_text is not None:
        try:
            today = date.fromisoformat(today_text)
        except ValueError as exc:
            raise click.BadParameter("not an ISO date", param_hint="--today") from exc
    with db.standalone_session(current_app) as session:
        sent = send_invoice_reminders(session, today)
    click.echo(f"{sent} overdue invoice(s) reminded")


@click.command("tax-certificates")
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    default=None,
    help="The civil year certified (ended); default: last year.",
)
@click.option(
    "--today",
    "today_text",
    default=None,
    help="Pretend the run happens on this ISO date (YYYY-MM-DD); default: today in Paris.",
)
@with_appcontext
def tax_certificates(year: int | None, today_text: str | None) -> None:
    """Issue the year's attestations fiscales (idempotent) and tell the families."""
    today = paris_today()
    if today_text is not None:
        try:
            today = date.fromisoformat(today_text)
        except ValueError as exc:
            raise click.BadParameter("not an ISO date", param_hint="--today") from exc
    year = year if year is not None else today.year - 1
    if year >= today.year:
        raise click.BadParameter(f"{year} has not ended yet", param_hint="--year")
    seller = current_app.extensions["settings"].billing_business
    with db.standalone_session(current_app) as session:
        issued = issue_certificates(session, year, seller, today)
    click.echo(f"{issued} tax certificate(s) issued for {year}")

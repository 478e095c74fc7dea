"""Revenue from the accounting records: invoices, credit notes and payments, per month.

Per calendar month of the period (the first and last months cut at ``from`` and ``to``):
``invoiced`` = TTC of the invoices issued, ``credited`` = TTC of the credit notes issued,
``net_invoiced`` = their difference, ``collected`` = payments received net of reversals (by
method, each at the date it was received), ``outstanding`` = what the invoices issued that
month still owe today (after every credit note and payment so far). Dates are the documents'
own calendar dates, so no time zone is involved. Four grouped queries whatever the period.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.billing.models import BillingDocument, DocumentKind, Payment, PaymentMethod
from nexus.billing.payments import outstanding_column
from nexus.billing.schemas import RevenueMonth, RevenueReport
from nexus.clock import next_month
from nexus.errors import Unprocessable
from nexus.language import _

MAX_YEARS = 5


def _month(day: date) -> str:
    return f"{day:%Y-%m}"


def _months(start: date, end: date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(_month(day))
        day = next_month(day)
    return months


def twelve_months_to(end: date) -> date:
    """The first day of the month 11 months before ``end``'s: a 12-month default period."""
    return date(end.year - (end.month < 12), end.month % 12 + 1, 1)


def _by_method() -> dict[PaymentMethod, int]:
    return {method: 0 for method in PaymentMethod}


def _issued(session: Session, start: date, end: date) -> dict[tuple[str, DocumentKind], int]:
    issued: dict[tuple[str, DocumentKind], int] = defaultdict(int)
    for day, kind, total in session.execute(
        select(
            BillingDocument.issued_on,
            BillingDocument.kind,
            func.sum(BillingDocument.total_ttc_cents),
        )
        .where(BillingDocument.issued_on.between(start, end))
        .group_by(BillingDocument.issued_on, BillingDocument.kind)
    ):
        issued[(_month(day), DocumentKind(kind))] += int(total)
    return issued


def _outstanding(session: Session, start: date, end: date) -> dict[str, int]:
    outstanding: dict[str, int] = defaultdict(int)
    rows = (
        select(BillingDocument.issued_on, outstanding_column().label("due"))
        .where(
            BillingDocument.issued_on.between(start, end),
            BillingDocument.kind == DocumentKind.INVOICE,
        )
        .subquery()
    )
    for day, due in session.execute(
        select(rows.c.issued_on, func.sum(rows.c.due)).group_by(rows.c.issued_on)
    ):
        outstanding[_month(day)] += int(due)
    return outstanding


def _collected(session: Session, start: date, end: date) -> dict[str, dict[PaymentMethod, int]]:
    collected: dict[str, dict[PaymentMethod, int]] = defaultdict(_by_method)
    for day, method, total in session.execute(
        select(Payment.received_on, Payment.method, func.sum(Payment.amount_cents))
        .where(Payment.received_on.between(start, end))
        .group_by(Payment.received_on, Payment.method)
    ):
        collected[_month(day)][PaymentMethod(method)] += int(total)
    return collected


def revenue(session: Session, start: date, end: date) -> RevenueReport:
    if start > end:
        raise Unprocessable(_("The period starts after it ends."), code="invalid_period")
    if (end - start).days > MAX_YEARS * 366:
        raise Unprocessable(
            _("The period cannot exceed %(years)s years.", years=MAX_YEARS), code="invalid_period"
        )
    issued = _issued(session, start, end)
    outstanding = _outstanding(session, start, end)
    collected = _collected(session, start, end)
    months = []
    for month in _months(start, end):
        invoiced = issued[(month, DocumentKind.INVOICE)]
        credited = issued[(month, DocumentKind.CREDIT_NOTE)]
        by_method = collected[month]
        months.append(
            RevenueMonth(
                month=month,
                invoiced_cents=invoiced,
                credited_cents=credited,
                net_invoiced_cents=invoiced - credited,
                collected_cents=sum(by_method.values()),
                collected_by_method=by_method,
                outstanding_cents=outstanding[month],
            )
        )
    total_by_method = _by_method()
    for month_row in months:
        for method, cents in month_row.collected_by_method.items():
            total_by_method[method] += cents
    return RevenueReport(
        date_from=start,
        date_to=end,
        invoiced_cents=sum(m.invoiced_cents for m in months),
        credited_cents=sum(m.credited_cents for m in months),
        net_invoiced_cents=sum(m.net_invoiced_cents for m in months),
        collected_cents=sum(m.collected_cents for m in months),
        collected_by_method=total_by_method,
        outstanding_cents=sum(m.outstanding_cents for m in months),
        months=months,
    )

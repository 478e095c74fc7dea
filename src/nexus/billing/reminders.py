"""Overdue invoices and their reminders, sent by ``nexus billing-reminders`` (daily, 08:00).

An invoice is overdue on the day after its due date while something remains due on it
(TTC − credit notes − payments > 0). A reminder goes to the family's parents at most once per
invoice every :data:`REMINDER_INTERVAL`: the reminders sent are rows of ``billing_reminders``
(the invoice row itself is immutable). Race rule: each invoice row is locked FOR UPDATE
before its last reminder is read, so two runs at once cannot both remind the same invoice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.billing.models import BillingDocument, DocumentKind, PaymentReminder
from nexus.billing.payments import outstanding_column
from nexus.billing.signals import invoice_overdue
from nexus.language import _, force_locale, formats
from nexus.notifications.models import NotificationKind
from nexus.notifications.services import notify
from nexus.people.access import parents_of

REMINDER_INTERVAL = timedelta(days=7)


@dataclass(frozen=True)
class OverdueInvoice:
    document: BillingDocument
    outstanding_cents: int


def overdue_invoices(session: Session, today: date) -> list[OverdueInvoice]:
    """Invoices past their due date with something still due, oldest due first (one query)."""
    outstanding = outstanding_column()
    rows = session.execute(
        select(BillingDocument, outstanding.label("outstanding"))
        .where(
            BillingDocument.kind == DocumentKind.INVOICE,
            BillingDocument.due_on < today,
            outstanding > 0,
        )
        .order_by(BillingDocument.due_on, BillingDocument.id)
    ).all()
    return [OverdueInvoice(document, int(cents)) for document, cents in rows]


def _recipients(session: Session, family_id: int | None) -> list[int]:
    """The paying parent; for an invoice billed to a student, their parents (else them)."""
    if family_id is None:
        return []
    family = session.get(User, family_id)
    if family is None or not family.is_active:
        return []
    if family.role is Role.STUDENT:
        return parents_of(session, family_id) or [family_id]
    return [family_id]


def _recently_reminded(session: Session, document_id: int, today: date) -> bool:
    last = session.scalar(
        select(func.max(PaymentReminder.sent_on)).where(PaymentReminder.document_id == document_id)
    )
    return last is not None and today - last < REMINDER_INTERVAL


def send_invoice_reminders(session: Session, today: date) -> int:
    """Remind the families of overdue invoices; returns how many invoices were reminded."""
    sent = 0
    for overdue in overdue_invoices(session, today):
        document = overdue.document
        session.execute(
            select(BillingDocument.id).where(BillingDocument.id == document.id).with_for_update()
        )
        if _recently_reminded(session, document.id, today):
            continue
        recipients = _recipients(session, document.family_id)
        if not recipients:
            continue
        session.add(
            PaymentReminder(
                document_id=document.id,
                sent_on=today,
                outstanding_cents=overdue.outstanding_cents,
            )
        )
        with force_locale("fr"):
            title = _("Invoice %(number)s is overdue", number=document.number)
            body = _(
                "Invoice %(number)s was due on %(due)s; %(outstanding)s remain to be paid.",
                number=document.number,
                due=formats.short_date(document.due_on),
                outstanding=formats.money(overdue.outstanding_cents),
            )
        notify(
            session,
            recipients,
            NotificationKind.INVOICE_OVERDUE,
            title,
            body,
            {"document_id": document.id, "outstanding_cents": overdue.outstanding_cents},
        )
        session.flush()
        invoice_overdue.send(
            session,
            document=document,
            outstanding_cents=overdue.outstanding_cents,
            recipient_ids=recipients,
        )
        sent += 1
    return sent

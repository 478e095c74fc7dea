"""A family's account statement: its invoices (+), credit notes (−) and payments (−), in order.

Lines are ordered by their date (issue date, or the day a payment was received), documents
before payments on the same day, then by creation; the running balance after each line is
what the family owes at that point (negative: money owed back to it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.models import User
from nexus.accounts.roles import Role
from nexus.accounts.tokens import Principal
from nexus.billing.models import BillingDocument, DocumentKind, Payment
from nexus.errors import NotFound
from nexus.language import _


@dataclass(frozen=True)
class StatementLine:
    on: date
    kind: str  # invoice, credit_note, payment, reversal
    label: str
    document_id: int
    payment_id: int | None
    amount_cents: int
    balance_cents: int = 0


@dataclass
class Statement:
    family: User
    lines: list[StatementLine] = field(default_factory=list)
    invoiced_cents: int = 0
    credited_cents: int = 0
    paid_cents: int = 0

    @property
    def balance_cents(self) -> int:
        return self.invoiced_cents - self.credited_cents - self.paid_cents


def visible_family(session: Session, principal: Principal, family_id: int) -> User:
    """Admins read any family; a parent only their own; anyone else's is a 404."""
    family = session.get(User, family_id)
    if family is None or (principal.role is not Role.ADMIN and principal.user_id != family_id):
        raise NotFound(_("Family not found."))
    return family


def family_statement(session: Session, principal: Principal, family_id: int) -> Statement:
    family = visible_family(session, principal, family_id)
    documents = session.scalars(
        select(BillingDocument).where(BillingDocument.family_id == family_id)
    ).all()
    numbers = {d.id: d.number for d in documents}
    received = session.scalars(select(Payment).where(Payment.family_id == family_id)).all()
    # (date, documents first, creation order) — the key each line is sorted by.
    keyed: list[tuple[tuple[date, int, datetime, int], StatementLine]] = []
    statement = Statement(family)
    for d in documents:
        is_invoice = d.kind == DocumentKind.INVOICE
        if is_invoice:
            statement.invoiced_cents += d.total_ttc_cents
        else:
            statement.credited_cents += d.total_ttc_cents
        label = (
            _("Invoice %(number)s", number=d.number)
            if is_invoice
            else _("Credit note %(number)s", number=d.number)
        )
        amount = d.total_ttc_cents if is_invoice else -d.total_ttc_cents
        line = StatementLine(d.issued_on, str(d.kind), label, d.id, None, amount)
        keyed.append(((d.issued_on, 0, d.created_at, d.id), line))
    for p in received:
        statement.paid_cents += p.amount_cents
        number = numbers.get(p.document_id, "")
        if p.reverses_id is None:
            label, kind = _("Payment of %(number)s", number=number), "payment"
        else:
            label, kind = _("Reversed payment of %(number)s", number=number), "reversal"
        line = StatementLine(p.received_on, kind, label, p.document_id, p.id, -p.amount_cents)
        keyed.append(((p.received_on, 1, p.created_at, p.id), line))
    keyed.sort(key=lambda item: item[0])
    balance = 0
    for _key, line in keyed:
        balance += line.amount_cents
        statement.lines.append(
            StatementLine(
                line.on,
                line.kind,
                line.label,
                line.document_id,
                line.payment_id,
                line.amount_cents,
                balance,
            )
        )
    return statement

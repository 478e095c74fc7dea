"""Overdue invoices and their reminders: who is reminded, once per 7 days, the signal, the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from nexus.accounts.roles import Role
from nexus.billing.reminders import overdue_invoices
from nexus.billing.signals import invoice_overdue
from nexus.notifications.models import Notification, NotificationKind
from tests.factories.people import ParentLinkFactory
from tests.integration.billing.helpers import credit, invoice
from tests.support.api import Actor, Api

ISSUED = date(2026, 11, 2)  # due 2026-12-02 (30 days)


@pytest.fixture()
def signalled() -> Iterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    def receiver(sender: object, **kwargs: Any) -> None:
        received.append(kwargs)

    invoice_overdue.connect(receiver)
    yield received
    invoice_overdue.disconnect(receiver)


def _overdue_notices(session: Session, user_id: int) -> list[Notification]:
    session.expire_all()
    return list(
        session.scalars(
            select(Notification)
            .where(
                Notification.user_id == user_id,
                Notification.kind == NotificationKind.INVOICE_OVERDUE,
            )
            .order_by(Notification.id)
        )
    )


def _run(app: Flask, day: date) -> str:
    result = app.test_cli_runner().invoke(args=["billing-reminders", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return str(result.output)


def _pay(api: Api, admin: Actor, document_id: int, cents: int) -> None:
    response = api.post(
        f"/api/v1/billing/documents/{document_id}/payments",
        admin,
        json={"amount_cents": cents, "method": "transfer", "received_on": "2026-11-20"},
    )
    assert response.status_code == 201, response.get_json()


def test_overdue_invoices_are_past_due_with_money_outstanding(api: Api, session: Session) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    partly = invoice(session, parent.id, 10_000, ISSUED)
    settled = invoice(session, parent.id, 10_000, ISSUED)
    credited = invoice(session, parent.id, 10_000, ISSUED)
    invoice(session, parent.id, 10_000, date(2026, 11, 20))  # due 2026-12-20
    _pay(api, admin, partly.id, 4_000)
    _pay(api, admin, settled.id, 10_000)
    credit(session, credited.id, 10_000)
    due_day = date(2026, 12, 2)
    assert overdue_invoices(session, due_day) == []  # not overdue on its due date
    overdue = overdue_invoices(session, due_day + timedelta(days=1))
    assert [(o.document.id, o.outstanding_cents) for o in overdue] == [(partly.id, 6_000)]


def test_reminders_go_to_the_parents_once_per_seven_days(
    api: Api, app: Flask, session: Session, signalled: list[dict[str, Any]]
) -> None:
    parent, other = api.actor(Role.PARENT), api.actor(Role.PARENT)
    child, second_parent = api.actor(Role.STUDENT), api.actor(Role.PARENT)
    ParentLinkFactory(parent_id=parent.id, student_id=child.id)
    ParentLinkFactory(parent_id=second_parent.id, student_id=child.id)
    session.commit()
    paid_by_parent = invoice(session, parent.id, 10_000, ISSUED)
    billed_to_child = invoice(session, child.id, 5_000, ISSUED)

    first = date(2026, 12, 3)
    assert "2 overdue invoice(s) reminded" in _run(app, first)
    # The paying parent, who is also the child's parent, hears of both invoices.
    notice, of_child = _overdue_notices(session, parent.id)
    assert of_child.data["document_id"] == billed_to_child.id
    assert notice.title == f"Facture {paid_by_parent.number} en retard de paiement"
    assert notice.body == (
        f"La facture {paid_by_parent.number} était à régler au plus tard le 02/12/2026 ; "
        "il reste 100,00\u00a0€ à payer."
    )
    assert notice.data == {"document_id": paid_by_parent.id, "outstanding_cents": 10_000}
    # An invoice billed to a student reminds the student's parents.
    assert [n.data["document_id"] for n in _overdue_notices(session, second_parent.id)] == [
        billed_to_child.id
    ]
    assert not _overdue_notices(session, other.id)
    assert not _overdue_notices(session, child.id)
    assert sorted((s["document"].id, s["outstanding_cents"]) for s in signalled) == sorted(
        [(paid_by_parent.id, 10_000), (billed_to_child.id, 5_000)]
    )
    assert {tuple(s["recipient_ids"]) for s in signalled} == {
        (parent.id,),
        (parent.id, second_parent.id),
    }

    # Within 7 days: nothing again; on the 7th day after: one more each.
    assert "0 overdue invoice(s) reminded" in _run(app, first)
    assert "0 overdue invoice(s) reminded" in _run(app, first + timedelta(days=6))
    assert len(_overdue_notices(session, parent.id)) == 2
    assert "2 overdue invoice(s) reminded" in _run(app, first + timedelta(days=7))
    assert len(_overdue_notices(session, parent.id)) == 4
    assert len(_overdue_notices(session, second_parent.id)) == 2
    assert len(signalled) == 4


def test_a_paid_invoice_is_no_longer_reminded(api: Api, app: Flask, session: Session) -> None:
    admin, parent = api.actor(Role.ADMIN), api.actor(Role.PARENT)
    bill = invoice(session, parent.id, 10_000, ISSUED)
    assert "1 overdue invoice(s) reminded" in _run(app, date(2026, 12, 3))
    _pay(api, admin, bill.id, 10_000)
    assert "0 overdue invoice(s) reminded" in _run(app, date(2026, 12, 20))
    assert len(_overdue_notices(session, parent.id)) == 1


def test_the_cli_refuses_a_bad_date(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["billing-reminders", "--today", "demain"])
    assert result.exit_code == 2 and "--today" in result.output
    assert (
        "overdue invoice(s) reminded"
        in app.test_cli_runner().invoke(args=["billing-reminders"]).output
    )
